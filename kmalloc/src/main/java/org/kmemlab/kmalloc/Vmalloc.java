package org.kmemlab.kmalloc;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.kmemlab.api.Checks;
import org.kmemlab.api.Gfp;
import org.kmemlab.api.Machine;
import org.kmemlab.api.MachineProfile;
import org.kmemlab.api.bug.InvalidFreeBug;
import org.kmemlab.api.spi.PageAllocator;

/**
 * {@code vmalloc}: memory that is contiguous in virtual addresses but made of single pages that may lie
 * anywhere in RAM, mapped one by one through the kernel's page tables ({@link PageTables}).
 *
 * <h2>Why vmalloc works when kmalloc does not</h2>
 * A 64 KiB kmalloc needs an order-4 block: sixteen free frames side by side, aligned. On a machine whose
 * free frames alternate with used ones there is no such block, however much memory is free. vmalloc asks
 * for sixteen order-0 pages instead, which any free frame satisfies, and makes them contiguous where the
 * caller looks at them: in the page tables.
 * <pre>
 *   virtual   0xffffc90000000000 [ p0 ][ p1 ][ p2 ][guard]  0xffffc90000004000 [ next area ...
 *                                  |     |     |
 *   physical  frame 7 ............/      |     \........ frame 4093
 *             frame 912 ..................
 * </pre>
 * The price: the memory has no direct-map address ({@code __pa()} is wrong for it, DMA cannot use it),
 * every access goes through a page-table walk (the TLB hides that on real hardware), and the page tables
 * cost pages of their own.
 *
 * <h2>Areas and guard pages</h2>
 * An area of {@code n} pages takes {@code n + 1} pages of the vmalloc address range
 * ({@code VMALLOC_START .. VMALLOC_END}): the last one is never mapped, so a loop that runs off the end
 * of the area faults at once instead of scribbling on the next area. Areas are placed first-fit from the
 * bottom of the range, as Linux's {@code alloc_vmap_area} does.
 *
 * <h2>Steps of {@link #vmalloc}</h2>
 * <ol>
 *   <li>reserve the virtual range (under the vmalloc lock);</li>
 *   <li>allocate the pages one at a time, order 0, with the caller's gfp (outside the lock: a
 *       {@code GFP_KERNEL} allocation may sleep in reclaim);</li>
 *   <li>map them, making page tables as needed (under the lock).</li>
 * </ol>
 * A failure at any step undoes the steps before it and returns NULL: no page, table or address range
 * stays behind. Today's kernel logs why ({@code vmalloc error: …}); Linux 2.0's {@code vmalloc} returned
 * NULL without a word, so on that era nothing is logged.
 *
 * <h2>Linux 2.0</h2>
 * 2.0's {@code mm/vmalloc.c} (tag 2.0) works the same way: {@code get_vm_area} places the area first-fit
 * from {@code VMALLOC_START} with one unmapped page after it, {@code alloc_area_pte} maps one
 * {@code __get_free_page(GFP_KERNEL)} per page with {@code PAGE_KERNEL}. Its {@code vfree} printed
 * {@code Trying to vfree() bad address (%p)} for an address that is not page aligned and
 * {@code Trying to vfree() nonexistent vm area (%p)} for one that starts no area, and returned; on that era
 * kmemlab prints those lines as 2.0 did and then stops or carries on ({@link Linux20Misuse#badVfree}).
 * Unlike 2.0, kmemlab keeps no {@code vm_struct} in a kmalloc block, so vmalloc costs no 32-byte bucket
 * object.
 *
 * <p>Thread-safe: area bookkeeping and page-table changes hold this object's lock.
 */
final class Vmalloc {

    /** One vmalloc area. */
    static final class Area {
        final long start;
        /** The span in bytes, guard page included (what vmallocinfo prints). */
        final long size;
        final long requested;
        final long[] pfns;
        final CallSite caller;
        final String comm = Thread.currentThread().getName();
        final long pid = Thread.currentThread().getId();
        final long nanos = System.nanoTime();
        int mapped;

        Area(long start, long size, long requested, int pages, CallSite caller) {
            this.start = start;
            this.size = size;
            this.requested = requested;
            this.pfns = new long[pages];
            this.caller = caller;
        }

        /** Returns one past the last mapped byte: the start of the guard page. */
        long guard() {
            return start + size - MachineProfile.PAGE_SIZE;
        }
    }

    private static final int RECENT_FREES = 64;

    private final Machine machine;
    private final PagePath pagePath;
    private final PageTables tables;
    private final long start;
    private final long end;
    private final TreeMap<Long, Area> areas = new TreeMap<>(Long::compareUnsigned);
    private final Map<Long, CallSite> recentlyFreed = new LinkedHashMap<>(16, 0.75f, false) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, CallSite> eldest) {
            return size() > RECENT_FREES;
        }
    };
    private long pages;
    /** Null unless the era is Linux 2.0. */
    private final Linux20Misuse linux20;

    Vmalloc(Machine machine, PagePath pagePath, Linux20Misuse linux20) {
        this.machine = machine;
        this.pagePath = pagePath;
        this.linux20 = linux20;
        this.start = machine.vmallocStart();
        this.end = machine.vmallocEnd();
        this.tables = new PageTables(machine.profile(), machine.memory(), new PageTables.TablePages() {
            @Override
            public long allocate(int gfp) {
                return pagePath.allocate(null, (gfp & ~Gfp.__GFP_ZERO) | Gfp.__GFP_ZERO | Gfp.__GFP_NOWARN, 0,
                        FrameTable.PAGE_TABLE, FrameTable.PAGE_TABLE);
            }

            @Override
            public void free(long pfn) {
                pagePath.free(null, pfn, 0);
            }
        });
    }

    /** Returns the page tables (for the MMU). */
    PageTables tables() {
        return tables;
    }

    /** Returns true when {@code addr} lies in the vmalloc address range (mapped or not). */
    boolean covers(long addr) {
        return Long.compareUnsigned(addr - start, end - start) < 0;
    }

    /**
     * Allocates {@code size} bytes of virtually contiguous memory ({@code __vmalloc}).
     *
     * @param gfp flags for the data pages and page tables; {@code __GFP_ZERO} zeroes the memory
     * @param caller the call site shown in {@code /proc/vmallocinfo}
     * @return the address of the first byte (page aligned), or {@link Kernel#NULL} when the size is 0 or
     *         larger than RAM, the address range is full, or pages or tables cannot be had
     */
    long vmalloc(long size, int gfp, CallSite caller) {
        Checks.requireArgument(size >= 0, "vmalloc size %d is negative", size);
        if (size == 0 || size > machine.ramBytes()) {
            warn(gfp, "vmalloc error: size " + size + ", exceeds total pages, mode:" + Gfp.mode(gfp));
            return Kernel.NULL;
        }
        int n = (int) ((size + MachineProfile.PAGE_SIZE - 1) >>> MachineProfile.PAGE_SHIFT);
        long span = ((long) n + 1) << MachineProfile.PAGE_SHIFT;
        Area area;
        synchronized (this) {
            long at = findGap(span);
            if (at == Kernel.NULL) {
                warn(gfp, "vmap allocation for size " + span + " failed: use vmalloc=<size> to increase size");
                return Kernel.NULL;
            }
            area = new Area(at, span, size, n, caller);
            areas.put(at, area);
        }
        int pageGfp = gfp | Gfp.__GFP_NOWARN;
        for (int i = 0; i < n; i++) {
            long pfn = pagePath.allocate(null, pageGfp, 0, FrameTable.VMALLOC, FrameTable.VMALLOC);
            if (pfn == PageAllocator.NO_PAGE) {
                undo(area, i);
                warn(gfp, "vmalloc error: size " + size + ", failed to allocate pages, mode:" + Gfp.mode(gfp));
                return Kernel.NULL;
            }
            area.pfns[i] = pfn;
        }
        synchronized (this) {
            for (int i = 0; i < n; i++) {
                if (!tables.map(area.start + ((long) i << MachineProfile.PAGE_SHIFT), area.pfns[i],
                        gfp & ~Gfp.__GFP_ZERO)) {
                    area.mapped = i;
                    undo(area, n);
                    warn(gfp, "vmalloc error: size " + size + ", failed to map pages, mode:" + Gfp.mode(gfp));
                    return Kernel.NULL;
                }
            }
            area.mapped = n;
            pages += n;
        }
        return area.start;
    }

    /** Unmaps what is mapped of {@code area}, frees its first {@code allocated} pages and its range. */
    private void undo(Area area, int allocated) {
        synchronized (this) {
            for (int i = 0; i < area.mapped; i++) {
                tables.unmap(area.start + ((long) i << MachineProfile.PAGE_SHIFT));
            }
            for (int i = 0; i < allocated; i++) {
                pagePath.free(null, area.pfns[i], 0);
            }
            areas.remove(area.start);
        }
    }

    /** Returns the lowest start of a free run of {@code span} bytes, or NULL; lock held. */
    private long findGap(long span) {
        long candidate = start;
        for (Area a : areas.values()) {
            if (Long.compareUnsigned(a.start - candidate, span) >= 0) {
                break;
            }
            candidate = a.start + a.size;
        }
        return Long.compareUnsigned(end - candidate, span) >= 0 ? candidate : Kernel.NULL;
    }

    /** Logs today's failure message; Linux 2.0's vmalloc returned NULL without a word (mm/vmalloc.c). */
    private void warn(int gfp, String text) {
        if (linux20 == null && (gfp & Gfp.__GFP_NOWARN) == 0) {
            machine.dmesg().warn(text);
        }
    }

    /**
     * Frees an area from {@link #vmalloc} ({@code vfree}); {@link Kernel#NULL} is ignored.
     *
     * @throws InvalidFreeBug for an address that is not the start of a live area, with nothing changed
     */
    void vfree(long addr) {
        if (addr == Kernel.NULL) {
            return;
        }
        synchronized (this) {
            Area area = covers(addr) ? areas.get(addr) : null;
            if (area == null || area.mapped != area.pfns.length) {
                InvalidFreeBug bug = badVfree(addr);
                if (linux20 == null) {
                    throw bug;
                }
                linux20.badVfree(addr, bug);
                return;
            }
            areas.remove(addr);
            for (int i = 0; i < area.pfns.length; i++) {
                tables.unmap(addr + ((long) i << MachineProfile.PAGE_SHIFT));
                pagePath.free(null, area.pfns[i], 0);
            }
            pages -= area.pfns.length;
            recentlyFreed.put(addr, CallSite.capture(1));
        }
    }

    private InvalidFreeBug badVfree(long addr) {
        String hex = "0x" + Long.toHexString(addr);
        if (covers(addr) && (addr & (MachineProfile.PAGE_SIZE - 1)) != 0) {
            return InvalidFreeBug.of("Trying to vfree() bad address (" + hex + ")", containing(addr),
                    "pass vfree() the address vmalloc() returned, not a pointer into the area", addr);
        }
        if (machine.isDirectMapped(addr)) {
            return InvalidFreeBug.of("Trying to vfree() nonexistent vm area (" + hex + ")",
                    "INFO: " + hex + " is in the direct map, where kmalloc and __get_free_pages memory lives",
                    "free kmalloc() memory with kfree() and pages with free_pages(); vfree() takes only vmalloc()"
                            + " addresses", addr);
        }
        CallSite freedBy = recentlyFreed.get(addr);
        String details = freedBy != null ? "INFO: the area at " + hex + " was freed already, in " + freedBy.site()
                : containing(addr);
        return InvalidFreeBug.of("Trying to vfree() nonexistent vm area (" + hex + ")", details,
                "vfree() each vmalloc() area exactly once; set the pointer to NULL after vfree()", addr);
    }

    /** Describes where {@code addr} lies relative to the areas; lock held. */
    private String containing(long addr) {
        Map.Entry<Long, Area> e = areas.floorEntry(addr);
        if (e != null && Long.compareUnsigned(addr - e.getKey(), e.getValue().size) < 0) {
            Area a = e.getValue();
            if (Long.compareUnsigned(addr, a.guard()) >= 0) {
                return "INFO: 0x" + Long.toHexString(addr) + " is in the guard page after the area 0x"
                        + Long.toHexString(a.start) + "-0x" + Long.toHexString(a.guard()) + " (" + a.requested
                        + " bytes, from " + a.caller.site() + ")";
            }
            return "INFO: 0x" + Long.toHexString(addr) + " is " + (addr - a.start) + " bytes into the area 0x"
                    + Long.toHexString(a.start) + "-0x" + Long.toHexString(a.guard()) + " (" + a.requested
                    + " bytes, from " + a.caller.site() + ")";
        }
        return "INFO: no vmalloc area contains 0x" + Long.toHexString(addr);
    }

    /** Returns the advice of an Oops at {@code addr}, naming the area or guard page it hit. */
    synchronized String faultHint(long addr) {
        return containing(addr).substring("INFO: ".length()) + "; stay inside the size you passed to vmalloc(),"
                + " and do not touch an area after vfree()";
    }

    /** Returns the pages vmalloc areas hold now (meminfo's {@code VmallocUsed}). */
    synchronized long pages() {
        return pages;
    }

    /** Returns the pages the page tables hold now (meminfo's {@code PageTables}). */
    synchronized long tablePages() {
        return tables.tablePages();
    }

    /** Returns the live areas, lowest address first. */
    synchronized List<Area> areas() {
        List<Area> out = new ArrayList<>();
        for (Area a : areas.values()) {
            if (a.mapped == a.pfns.length) {
                out.add(a);
            }
        }
        return out;
    }

    /**
     * Returns {@code /proc/vmallocinfo}: one line per area, lowest address first, with its span (guard
     * page included), size in bytes, the caller, its page count and its kind:
     * <pre>
     * 0xffffc90000000000-0xffffc90000004000   16384 Driver.probe(Driver.java:42) pages=3 vmalloc
     * </pre>
     */
    synchronized String vmallocinfo() {
        String address = machine.profile().pageTableLevels() == 2 ? "0x%08x-0x%08x %7d %s pages=%d vmalloc%n"
                : "0x%016x-0x%016x %7d %s pages=%d vmalloc%n";
        StringBuilder out = new StringBuilder();
        for (Area a : areas.values()) {
            if (a.mapped == a.pfns.length) {
                out.append(Checks.format(address, a.start, a.start + a.size, a.size, a.caller.site(), a.pfns.length));
            }
        }
        return out.toString();
    }
}
