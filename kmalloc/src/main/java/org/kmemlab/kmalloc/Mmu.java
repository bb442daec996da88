package org.kmemlab.kmalloc;

import org.kmemlab.api.MachineProfile;
import org.kmemlab.api.PhysicalMemory;
import org.kmemlab.api.bug.Oops;

/**
 * Memory access by vmalloc address: every byte is reached through a page-table walk
 * ({@link PageTables#translate}), one walk per page touched, as a TLB miss costs on real hardware.
 *
 * <p>An access that spans pages is split at page boundaries, because consecutive virtual pages of an
 * area lie in unrelated frames. An access that touches an unmapped page (a guard page, a freed area, an
 * address no area covers) raises the {@link Oops} before any byte is written, so a faulting write
 * changes nothing.
 */
final class Mmu {

    private static final long PAGE_MASK = MachineProfile.PAGE_SIZE - 1;

    private final Vmalloc vmalloc;
    private final PageTables tables;
    private final PhysicalMemory memory;
    private final PageFaults faults;

    Mmu(Vmalloc vmalloc, PhysicalMemory memory, PageFaults faults) {
        this.vmalloc = vmalloc;
        this.tables = vmalloc.tables();
        this.memory = memory;
        this.faults = faults;
    }

    /**
     * Returns the physical address of {@code addr}, checking that every page of {@code [addr, addr+length)}
     * is mapped.
     *
     * @throws Oops at the first unmapped page
     */
    long translate(long addr, long length, boolean write) {
        long phys = walk(addr, write);
        for (long page = (addr & ~PAGE_MASK) + MachineProfile.PAGE_SIZE; length > 0
                && Long.compareUnsigned(page - addr, length) < 0; page += MachineProfile.PAGE_SIZE) {
            walk(page, write);
        }
        return phys;
    }

    private long walk(long addr, boolean write) {
        long phys = tables.translate(addr);
        if (phys < 0) {
            throw faults.unmappedVmalloc(addr, write, vmalloc.faultHint(addr));
        }
        return phys;
    }

    private static boolean withinPage(long addr, int length) {
        return (addr & PAGE_MASK) + length <= MachineProfile.PAGE_SIZE;
    }

    byte readByte(long addr) {
        return memory.readByte(walk(addr, false));
    }

    void writeByte(long addr, byte value) {
        memory.writeByte(walk(addr, true), value);
    }

    int readInt(long addr) {
        if (withinPage(addr, 4)) {
            return memory.readInt(walk(addr, false));
        }
        return (int) readSplit(addr, 4);
    }

    long readLong(long addr) {
        if (withinPage(addr, 8)) {
            return memory.readLong(walk(addr, false));
        }
        return readSplit(addr, 8);
    }

    void writeInt(long addr, int value) {
        if (withinPage(addr, 4)) {
            memory.writeInt(walk(addr, true), value);
        } else {
            writeSplit(addr, value, 4);
        }
    }

    void writeLong(long addr, long value) {
        if (withinPage(addr, 8)) {
            memory.writeLong(walk(addr, true), value);
        } else {
            writeSplit(addr, value, 8);
        }
    }

    /** Reads a little-endian value of {@code n} bytes that straddles a page boundary. */
    private long readSplit(long addr, int n) {
        translate(addr, n, false);
        long value = 0;
        for (int i = n - 1; i >= 0; i--) {
            value = (value << 8) | (readByte(addr + i) & 0xff);
        }
        return value;
    }

    private void writeSplit(long addr, long value, int n) {
        translate(addr, n, true);
        for (int i = 0; i < n; i++) {
            writeByte(addr + i, (byte) (value >>> (8 * i)));
        }
    }

    void read(long addr, byte[] target, int offset, int length) {
        translate(addr, length, false);
        int done = 0;
        while (done < length) {
            long at = addr + done;
            int n = (int) Math.min(length - done, MachineProfile.PAGE_SIZE - (at & PAGE_MASK));
            memory.read(walk(at, false), target, offset + done, n);
            done += n;
        }
    }

    void write(long addr, byte[] source, int offset, int length) {
        translate(addr, length, true);
        int done = 0;
        while (done < length) {
            long at = addr + done;
            int n = (int) Math.min(length - done, MachineProfile.PAGE_SIZE - (at & PAGE_MASK));
            memory.write(walk(at, true), source, offset + done, n);
            done += n;
        }
    }

    void fill(long addr, long length, byte value) {
        translate(addr, length, true);
        long done = 0;
        while (done < length) {
            long at = addr + done;
            long n = Math.min(length - done, MachineProfile.PAGE_SIZE - (at & PAGE_MASK));
            memory.fill(walk(at, true), n, value);
            done += n;
        }
    }
}
