package org.kmemlab.kmalloc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class KernelBuilderTests {

    @Test
    void bootHandsEveryKernelItBootsToItsListenersInOrderBeforeReturningIt() {
        List<String> calls = new ArrayList<>();
        List<Kernel> seen = new ArrayList<>();
        KernelBuilder builder = TestProviders.builder()
                .whenBooted(k -> {
                    calls.add("first");
                    seen.add(k);
                })
                .whenBooted(k -> calls.add("second, with " + k.meminfo().memTotal() + " kB"));
        Kernel one = builder.boot();
        Kernel two = builder.boot();
        assertEquals(List.of("first", "second, with " + one.meminfo().memTotal() + " kB", "first",
                "second, with " + two.meminfo().memTotal() + " kB"), calls);
        assertSame(one, seen.get(0));
        assertSame(two, seen.get(1));
        assertNotSame(one, two);
    }

    @Test
    void aMissingListenerIsRefusedByName() {
        assertEquals("boot listener must not be null",
                assertThrows(NullPointerException.class, () -> Kernel.builder().whenBooted(null)).getMessage());
    }
}
