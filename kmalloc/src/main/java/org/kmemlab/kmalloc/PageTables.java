package org.kmemlab.kmalloc;

import java.util.HashMap;
import java.util.Map;
import org.kmemlab.api.Checks;
import org.kmemlab.api.MachineProfile;
import org.kmemlab.api.PhysicalMemory;
import org.kmemlab.api.spi.PageAllocator;

/**
 * The kernel's page tables for the vmalloc area, kept where the MMU reads them: in pages of the
 * simulated RAM, one entry per slot, written and read through {@link PhysicalMemory}.
 *
 * <h2>How a virtual address is translated</h2>
 * A virtual address is cut into table indexes and a page offset. i386 (without PAE) has two levels of
 * 1024 four-byte entries; x86_64 has four levels of 512 eight-byte entries:
 * <pre>
 *   i386     | PGD index 10 | PTE index 10 | offset 12 |
 *   x86_64   | PGD 9 | PUD 9 | PMD 9 | PTE 9 | offset 12 |      (bits 47..0; bits 63..48 copy bit 47)
 * </pre>
 * The walk starts at the page global directory (the kernel's {@code swapper_pg_dir}): the PGD index
 * selects an entry; if its present bit (bit 0) is set, the entry's upper bits are the physical address
 * of the next table, and so on down to the PTE, whose upper bits are the frame of the data page. The
 * offset is then added. An entry with the present bit clear ends the walk with a page fault: the Oops
 * names the entries it read, as the kernel's {@code dump_pagetable()} does ({@link #walk}).
 *
 * <p>Worked example (x86_64): {@code 0xffffc90000003010} has PGD index {@code (addr >>> 39) & 511 =
 * 402}, PUD index {@code (addr >>> 30) & 511 = 0}, PMD index 0, PTE index {@code (addr >>> 12) & 511 = 3}
 * and offset {@code 0x010}. If the PGD page is at physical {@code 0x1234000}, entry 402 is read at
 * {@code 0x1234000 + 402 * 8}; a value of {@code 0x1235067} means "present, next table at
 * {@code 0x1235000}". A walk that finds an empty PMD entry reports {@code PGD 1235067 PUD 1236067 PMD 0}.
 *
 * <h2>Entry bits</h2>
 * Tables point to tables with {@code _PAGE_TABLE} ({@code 0x067}: present, writable, user, accessed,
 * dirty); a PTE maps a data page with {@code __PAGE_KERNEL} ({@code 0x163}: present, writable,
 * accessed, dirty, global, plus the no-execute bit 63 on x86_64). Linux 2.0 on i386 mapped vmalloc pages
 * with its {@code PAGE_KERNEL}, {@code 0x063}: the global bit came later.
 *
 * <h2>Table pages</h2>
 * Every table is a real page from the zone allocator, zeroed when it is made (an all-zero table maps
 * nothing). Linux never frees the kernel's intermediate tables; this simulation frees a table when its
 * last entry is cleared, so that freeing every vmalloc area gives back every page (which the tests and
 * {@code MemFree} can then check exactly). The root PGD stays for the kernel's lifetime. On x86_64 it is
 * a page of the zone allocator; on i386 it is Linux 2.0's {@code swapper_pg_dir}, which {@code head.S}
 * places {@code 0x1000} into the kernel image (physical {@code 0x101000}), so it costs no free page.
 *
 * <p>Not thread-safe for changes: {@link Vmalloc} serialises {@link #map} and {@link #unmap}.
 * {@link #translate} reads without a lock, as the MMU does; a caller that got its address through
 * {@code vmalloc} sees the entries written before it was returned.
 */
final class PageTables {

    /** Bits of an entry that points to a lower table: {@code _PAGE_TABLE}. */
    static final long TABLE_BITS = 0x067;
    /** Bits of a PTE that maps a kernel data page: {@code __PAGE_KERNEL} without NX. */
    static final long PTE_BITS = 0x163;
    /** The no-execute bit of x86_64 kernel data PTEs. */
    static final long NX = 1L << 63;
    /** The present bit. */
    static final long PRESENT = 1;
    /**
     * Bits of an i386 PTE that maps a vmalloc page in Linux 2.0: {@code PAGE_KERNEL} = present, writable,
     * dirty, accessed ({@code include/asm-i386/pgtable.h}; 2.0 had no global bit).
     */
    static final long PTE_BITS_LINUX_2_0 = 0x063;
    /** Where {@code swapper_pg_dir} lies in the i386 kernel image ({@code head.S}: {@code .org 0x1000}). */
    static final long SWAPPER_PG_DIR_OFFSET = 0x1000;

    private static final long FRAME_MASK = 0x000f_ffff_ffff_f000L;

    /** Gets and gives back the pages tables are made of. */
    interface TablePages {
        /** Returns the pfn of a zeroed page for a table, or {@link PageAllocator#NO_PAGE}. */
        long allocate(int gfp);

        /** Gives back a table page that holds no entry any more. */
        void free(long pfn);
    }

    private final PhysicalMemory memory;
    private final TablePages pages;
    private final int levels;
    private final int entryBytes;
    private final int indexBits;
    private final long pteBits;
    private final String[] names;
    private final long pgd;
    /** Present entries per table page other than the PGD, by the table's physical address. */
    private final Map<Long, int[]> used = new HashMap<>();
    private long tablePages;

    /**
     * Creates page tables for {@code profile}, allocating the PGD page now.
     *
     * @throws IllegalStateException when not even one page can be had for the PGD
     */
    PageTables(MachineProfile profile, PhysicalMemory memory, TablePages pages) {
        this.memory = memory;
        this.pages = pages;
        this.levels = profile.pageTableLevels();
        Checks.requireArgument(levels == 2 || levels == 4, "%d page-table levels are not simulated", levels);
        this.entryBytes = levels == 2 ? 4 : 8;
        this.indexBits = levels == 2 ? 10 : 9;
        this.pteBits = levels == 2 ? PTE_BITS_LINUX_2_0 : PTE_BITS | NX;
        this.names = levels == 2 ? new String[] {"PGD", "PTE"} : new String[] {"PGD", "PUD", "PMD", "PTE"};
        if (levels == 2) {
            // Linux 2.0's swapper_pg_dir is part of the kernel image (arch/i386/kernel/head.S: .org 0x1000,
            // linked at 0x100000, so 0x101000): no page of free memory is spent on it, and the Oops prints
            // it as cr3.
            this.pgd = profile.kernelLoadAddress() + SWAPPER_PG_DIR_OFFSET;
            memory.fill(pgd, MachineProfile.PAGE_SIZE, (byte) 0);
            this.tablePages = 0;
        } else {
            long pfn = pages.allocate(org.kmemlab.api.Gfp.GFP_KERNEL);
            Checks.requireState(pfn != PageAllocator.NO_PAGE, "no page for the kernel's page global directory");
            this.pgd = pfn << MachineProfile.PAGE_SHIFT;
            this.tablePages = 1;
        }
    }

    /** Returns the number of page-table levels: 2 or 4. */
    int levels() {
        return levels;
    }

    /** Returns the physical address of the PGD page. */
    long pgdPhys() {
        return pgd;
    }

    /** Returns the pages tables occupy now, the PGD included when it is a page of its own (meminfo's {@code PageTables}). */
    long tablePages() {
        return tablePages;
    }

    /** Returns the index into the table of {@code level} (0 = PGD) for {@code addr}. */
    int index(long addr, int level) {
        int shift = MachineProfile.PAGE_SHIFT + indexBits * (levels - 1 - level);
        return (int) (addr >>> shift) & ((1 << indexBits) - 1);
    }

    private long entryAt(long table, int index) {
        long at = table + (long) index * entryBytes;
        return entryBytes == 4 ? memory.readInt(at) & 0xffff_ffffL : memory.readLong(at);
    }

    private void setEntry(long table, int index, long value) {
        long at = table + (long) index * entryBytes;
        if (entryBytes == 4) {
            memory.writeInt(at, (int) value);
        } else {
            memory.writeLong(at, value);
        }
    }

    /**
     * Maps the page at virtual {@code addr} to frame {@code pfn}, making missing tables with {@code gfp}.
     *
     * @return false when a table page could not be had; the tables this call made are freed again
     */
    boolean map(long addr, long pfn, int gfp) {
        long table = pgd;
        for (int level = 0; level < levels - 1; level++) {
            int i = index(addr, level);
            long entry = entryAt(table, i);
            if ((entry & PRESENT) == 0) {
                long child = pages.allocate(gfp);
                if (child == PageAllocator.NO_PAGE) {
                    prune(addr);
                    return false;
                }
                long childPhys = child << MachineProfile.PAGE_SHIFT;
                used.put(childPhys, new int[1]);
                tablePages++;
                setEntry(table, i, childPhys | TABLE_BITS);
                countEntry(table, +1);
                entry = childPhys | TABLE_BITS;
            }
            table = entry & FRAME_MASK;
        }
        int i = index(addr, levels - 1);
        Checks.requireState((entryAt(table, i) & PRESENT) == 0, "vmalloc address 0x%x is mapped already",
                Long.toHexString(addr));
        setEntry(table, i, (pfn << MachineProfile.PAGE_SHIFT) | pteBits);
        countEntry(table, +1);
        return true;
    }

    private void countEntry(long table, int delta) {
        if (table != pgd) {
            used.get(table)[0] += delta;
        }
    }

    /**
     * Clears the PTE of {@code addr} if there is one, and frees every table the clearing left empty.
     *
     * @return the frame the PTE mapped, or {@link PageAllocator#NO_PAGE} when nothing was mapped
     */
    long unmap(long addr) {
        long table = pgd;
        for (int level = 0; level < levels - 1; level++) {
            long entry = entryAt(table, index(addr, level));
            if ((entry & PRESENT) == 0) {
                prune(addr);
                return PageAllocator.NO_PAGE;
            }
            table = entry & FRAME_MASK;
        }
        int i = index(addr, levels - 1);
        long pte = entryAt(table, i);
        if ((pte & PRESENT) != 0) {
            setEntry(table, i, 0);
            countEntry(table, -1);
        }
        prune(addr);
        return (pte & PRESENT) == 0 ? PageAllocator.NO_PAGE : (pte & FRAME_MASK) >>> MachineProfile.PAGE_SHIFT;
    }

    /** Frees the empty tables on the path of {@code addr}, lowest first, and clears the entries to them. */
    private void prune(long addr) {
        long[] path = new long[levels];
        path[0] = pgd;
        int depth = 0;
        for (int level = 0; level < levels - 1; level++) {
            long entry = entryAt(path[level], index(addr, level));
            if ((entry & PRESENT) == 0) {
                break;
            }
            path[level + 1] = entry & FRAME_MASK;
            depth = level + 1;
        }
        for (int level = depth; level > 0 && used.get(path[level])[0] == 0; level--) {
            used.remove(path[level]);
            pages.free(path[level] >>> MachineProfile.PAGE_SHIFT);
            tablePages--;
            setEntry(path[level - 1], index(addr, level - 1), 0);
            countEntry(path[level - 1], -1);
        }
    }

    /**
     * Translates {@code addr} as the MMU does.
     *
     * @return its physical address, or -1 when an entry on the way is not present (a page fault; the
     *         caller raises the Oops with {@link #walk})
     */
    long translate(long addr) {
        long table = pgd;
        for (int level = 0; level < levels; level++) {
            long entry = entryAt(table, index(addr, level));
            if ((entry & PRESENT) == 0) {
                return -1;
            }
            table = entry & FRAME_MASK;
        }
        return table | (addr & (MachineProfile.PAGE_SIZE - 1));
    }

    /**
     * Returns the entry of {@code level} (0 = PGD) that the MMU reads for {@code addr}, or 0 when an entry
     * above it is not present (the walk never gets there).
     */
    long entry(long addr, int level) {
        long table = pgd;
        for (int l = 0; l < level; l++) {
            long entry = entryAt(table, index(addr, l));
            if ((entry & PRESENT) == 0) {
                return 0;
            }
            table = entry & FRAME_MASK;
        }
        return entryAt(table, index(addr, level));
    }

    /**
     * Returns the walk for {@code addr} as the Oops prints it: each level's name and entry in hex, up to
     * and including the first entry that is not present ({@code PGD 1234067 PUD 1235067 PMD 0}).
     */
    String walk(long addr) {
        StringBuilder out = new StringBuilder();
        long table = pgd;
        for (int level = 0; level < levels; level++) {
            long entry = entryAt(table, index(addr, level));
            if (level > 0) {
                out.append(' ');
            }
            out.append(names[level]).append(' ').append(Long.toHexString(entry));
            if ((entry & PRESENT) == 0) {
                break;
            }
            table = entry & FRAME_MASK;
        }
        return out.toString();
    }
}
