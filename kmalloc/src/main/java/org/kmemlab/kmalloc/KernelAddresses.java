package org.kmemlab.kmalloc;

import org.kmemlab.api.Checks;
import org.kmemlab.api.Machine;
import org.kmemlab.api.MachineProfile;
import org.kmemlab.api.PhysicalMemory;
import org.kmemlab.api.bug.InvalidFreeBug;

/**
 * Kernel virtual addresses and the memory behind them. An address is either in the direct map of RAM
 * ({@code PAGE_OFFSET + physical}, what kmalloc and {@code __get_free_pages} return; on the i386 machine
 * {@code PAGE_OFFSET} is 0, as in Linux 2.0), and is translated by
 * subtraction, or in the vmalloc area, and is translated by walking the page tables ({@link Mmu}). Any
 * other address faults ({@link PageFaults}); one that a free path is handed and that is not in the
 * direct map is reported as non-kmalloced memory ({@link #pfnOf}).
 */
final class KernelAddresses {

    private final PhysicalMemory memory;
    private final long pageOffset;
    private final long ramBytes;
    private final Vmalloc vmalloc;
    private final Mmu mmu;
    private final PageFaults pageFaults;

    KernelAddresses(Machine machine, Vmalloc vmalloc, Mmu mmu, PageFaults pageFaults) {
        this.memory = machine.memory();
        this.pageOffset = machine.profile().pageOffset();
        this.ramBytes = machine.ramBytes();
        this.vmalloc = vmalloc;
        this.mmu = mmu;
        this.pageFaults = pageFaults;
    }

    /**
     * Returns the frame behind direct-map address {@code addr}, for the free path named {@code what}.
     *
     * @throws InvalidFreeBug when {@code addr} is outside the direct map, saying whether it is a vmalloc
     *         address (to be freed with vfree)
     */
    long pfnOf(long addr, String what) {
        long offset = addr - pageOffset;
        if (Long.compareUnsigned(offset, ramBytes) >= 0) {
            boolean isVmalloc = vmalloc.covers(addr);
            throw InvalidFreeBug.of("BUG: " + what + " of non-kmalloced memory: 0x" + Long.toHexString(addr),
                    "INFO: 0x" + Long.toHexString(addr) + " is outside the direct map of RAM"
                            + (isVmalloc ? ", in the vmalloc area" : ""),
                    isVmalloc ? "free vmalloc() memory with vfree()"
                            : "pass only addresses that kmalloc or __get_free_pages returned", addr);
        }
        return offset >>> MachineProfile.PAGE_SHIFT;
    }

    /**
     * Returns the physical address behind direct-map address {@code addr}. The first page of the kernel's
     * address space is never mapped, so that NULL faults: on x86_64 it lies far below the direct map, on the
     * i386 machine ({@code PAGE_OFFSET} 0, as in Linux 2.0) it is page 0 of RAM, which 2.0 left unmapped too.
     */
    private long phys(long addr, long length, boolean write) {
        long offset = addr - pageOffset;
        if (Long.compareUnsigned(offset, ramBytes) >= 0 || length > ramBytes - offset
                || Long.compareUnsigned(addr, MachineProfile.PAGE_SIZE) < 0) {
            throw pageFaults.outsideDirectMap(addr, write);
        }
        return offset;
    }

    byte readByte(long addr) {
        if (vmalloc.covers(addr)) {
            return mmu.readByte(addr);
        }
        return memory.readByte(phys(addr, 1, false));
    }

    void writeByte(long addr, byte value) {
        if (vmalloc.covers(addr)) {
            mmu.writeByte(addr, value);
            return;
        }
        memory.writeByte(phys(addr, 1, true), value);
    }

    int readInt(long addr) {
        if (vmalloc.covers(addr)) {
            return mmu.readInt(addr);
        }
        return memory.readInt(phys(addr, 4, false));
    }

    void writeInt(long addr, int value) {
        if (vmalloc.covers(addr)) {
            mmu.writeInt(addr, value);
            return;
        }
        memory.writeInt(phys(addr, 4, true), value);
    }

    long readLong(long addr) {
        if (vmalloc.covers(addr)) {
            return mmu.readLong(addr);
        }
        return memory.readLong(phys(addr, 8, false));
    }

    void writeLong(long addr, long value) {
        if (vmalloc.covers(addr)) {
            mmu.writeLong(addr, value);
            return;
        }
        memory.writeLong(phys(addr, 8, true), value);
    }

    void read(long addr, byte[] target, int offset, int length) {
        if (vmalloc.covers(addr)) {
            mmu.read(addr, target, offset, length);
            return;
        }
        memory.read(phys(addr, length, false), target, offset, length);
    }

    void write(long addr, byte[] source, int offset, int length) {
        if (vmalloc.covers(addr)) {
            mmu.write(addr, source, offset, length);
            return;
        }
        memory.write(phys(addr, length, true), source, offset, length);
    }

    void fill(long addr, long length, byte value) {
        if (vmalloc.covers(addr)) {
            mmu.fill(addr, length, value);
            return;
        }
        memory.fill(phys(addr, length, true), length, value);
    }

    /** {@code memmove}; see {@link Kernel#copy}. */
    void copy(long src, long dst, long length) {
        if (vmalloc.covers(src) || vmalloc.covers(dst)) {
            copyThroughBuffer(src, dst, length);
            return;
        }
        memory.copy(phys(src, length, false), phys(dst, length, true), length);
    }

    /**
     * {@code memmove} when either side is a vmalloc address: through a buffer, so overlapping ranges copy
     * correctly and each side is translated page by page.
     */
    private void copyThroughBuffer(long src, long dst, long length) {
        Checks.requireArgument(length >= 0 && length <= Integer.MAX_VALUE, "copy length %d is not 0..2^31-1",
                length);
        byte[] buffer = new byte[(int) length];
        read(src, buffer, 0, buffer.length);
        write(dst, buffer, 0, buffer.length);
    }
}
