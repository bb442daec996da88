package org.kmemlab.kmalloc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.kmemlab.api.Machine;
import org.kmemlab.api.MachineProfile;
import org.kmemlab.testkit.contract.support.ContractPageSource;

class InstalledSizeClassesTests {

    @Test
    void requestsMapToTheSmallestClassThatHoldsThem() {
        InstalledSizeClasses c = InstalledSizeClasses.of(131_048, 24, 56, 120, 244, 500, 131_048);
        assertEquals(0, c.classFor(1, false));
        assertEquals(0, c.classFor(24, false));
        assertEquals(1, c.classFor(25, false));
        assertEquals(3, c.classFor(244, false));
        assertEquals(4, c.classFor(245, false));
        assertEquals(5, c.classFor(70_000, false), "beyond the table: binary search");
        assertEquals(5, c.classFor(131_048, false));
        assertEquals(6 + 2, c.classFor(100, true), "DMA classes follow the normal ones");
        assertTrue(c.isDma(8));
        assertEquals("dma-kmalloc-120", c.name(8));
        assertEquals(-1, c.classFor(131_049, false));
    }

    @Test
    void probingFindsTheObjectAllocatorsClassesAndLeavesItEmpty() {
        // The testkit's page source (a DMA pool below 16 MiB, a normal one above it) checks every page that
        // comes back: the probe must return each with its address and order.
        Machine machine = Machine.boot(MachineProfile.I386_LINUX_2_0, 32L << 20);
        ContractPageSource source = new ContractPageSource(machine, 1024, 1024, 4096, 2048);
        var objects = new TestProviders.TestObjectAllocator(machine, source);
        InstalledSizeClasses c = InstalledSizeClasses.probe(objects, "test-objects");
        assertEquals(18, c.count());
        assertEquals(8, c.size(0));
        assertEquals(2048, c.size(8));
        assertEquals("kmalloc-64", c.name(3));
        assertEquals("dma-kmalloc-2048", c.name(17));
        assertEquals(0, source.outstandingPages(), "every probe page went back");
        assertEquals(List.of(), source.violations(), "and with the address and order it came with");
    }

    @Test
    void theReferenceBucketsDeclareTheClassesProbingFindsAndKmallocAsksNoPageToLearnThem() {
        for (org.kmemlab.api.Era era : org.kmemlab.api.Era.values()) {
            Machine machine = Machine.boot(MachineProfile.X86_64, 64L << 20);
            ContractPageSource source =
                    new ContractPageSource(machine, 1024, 2048, 8192, 1024);
            org.kmemlab.api.spi.ObjectAllocator buckets = org.kmemlab.api.spi.ProviderRegistry
                    .load(org.kmemlab.api.spi.ObjectAllocatorProvider.class).get("bucket-reference")
                    .create(new org.kmemlab.api.spi.ObjectAllocatorConfig(machine, source, era));
            InstalledSizeClasses declared = InstalledSizeClasses.of(buckets, "bucket-reference");
            assertEquals(0, source.requests(), era + ": declared classes need no probe allocation");
            InstalledSizeClasses probed = InstalledSizeClasses.probe(buckets, "bucket-reference");
            assertEquals(probed.count(), declared.count(), era.toString());
            for (int sizeClass = 0; sizeClass < probed.count(); sizeClass++) {
                assertEquals(probed.size(sizeClass), declared.size(sizeClass), era + " size class " + sizeClass);
                assertEquals(probed.name(sizeClass), declared.name(sizeClass), era + " size class " + sizeClass);
            }
        }
    }

    @Test
    void declaredClassesOutOfOrderAreRefusedWithTheProviderNamed() {
        Machine machine = Machine.boot(MachineProfile.I386_LINUX_2_0);
        var objects = new TestProviders.TestObjectAllocator(machine, null) {
            @Override
            public java.util.List<org.kmemlab.api.spi.SizeClass> sizeClasses() {
                return java.util.List.of(new org.kmemlab.api.spi.SizeClass("kmalloc-64", 64, false),
                        new org.kmemlab.api.spi.SizeClass("kmalloc-32", 32, false));
            }
        };
        IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> InstalledSizeClasses.of(objects, "odd-objects"));
        assertEquals("object allocator odd-objects declares size class kmalloc-32 of 32 bytes after one of 64"
                + " bytes; sizeClasses() must list each kind smallest first", e.getMessage());
    }
}
