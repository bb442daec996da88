package org.kmemlab.testkit.contract.object;

import java.util.ArrayList;
import java.util.List;
import org.kmemlab.api.Era;
import org.kmemlab.api.Gfp;
import org.kmemlab.api.Sizes;
import org.kmemlab.api.bug.KernelBug;
import org.kmemlab.api.spi.ObjectAllocator;
import org.kmemlab.api.spi.SizeClass;
import org.kmemlab.testkit.contract.Rule;
import org.kmemlab.testkit.contract.chain.PageGfp;
import org.kmemlab.testkit.contract.chain.Reports;
import org.kmemlab.testkit.contract.support.ContractPageSource;
import org.kmemlab.testkit.property.Action;

/** The actions of object-contract chains: immutable values naming their objects by label. */
final class ObjectActions {

    private ObjectActions() {
    }

    static String hex(long addr) {
        return "0x" + Long.toHexString(addr);
    }

    static String call(long size, int gfp) {
        return "allocate(" + size + ", " + Gfp.toString(gfp) + ")";
    }

    // ---------------------------------------------------------------- shared checks

    /**
     * Returns the usable size of the smallest declared class of the request's kind (DMA or not) that holds
     * {@code size} bytes, or 0 when the allocator declares no such class (then there is nothing to check).
     */
    static long declaredClass(List<SizeClass> classes, long size, boolean dma) {
        long best = 0;
        for (SizeClass c : classes) {
            if (c.dma() == dma && c.size() >= size && (best == 0 || c.size() < best)) {
                best = c.size();
            }
        }
        return best;
    }

    /**
     * Checks an object the allocator returned and records it. Every property checks the address, the
     * alignment, the usable size, that it lies in the allocator's pages and overlaps no live object; GFP
     * flags are checked when the property checks them. The object's bytes are then filled with a pattern
     * (in every property, so that freed memory is never accidentally zero).
     */
    static LiveObject accept(ObjectState s, String call, String label, int id, long size, int gfp, long addr) {
        if (!s.machine.isDirectMapped(addr)) {
            throw Rule.OBJECT_MEMORY.violation("object " + hex(addr) + " is not a direct-map address of this machine",
                    "an address the page source handed out", call + " returned " + hex(addr));
        }
        int align = ObjectAllocator.minimumAlignment(s.era);
        if ((addr & (align - 1)) != 0) {
            throw Rule.OBJECT_ALIGNED.violation("object " + hex(addr) + " is not " + align + "-byte aligned (address % " + align
                    + " = " + (addr & (align - 1)) + "), the least the " + s.era + " era allows",
                    "an address that is a multiple of " + align, call + " returned " + hex(addr));
        }
        long usable;
        try {
            usable = s.sut.usableSize(addr);
        } catch (KernelBug bug) {
            throw Rule.OBJECT_USABLE_SIZE.violation("usableSize(" + hex(addr) + ") of the object just allocated must not"
                    + " raise KernelBug", "its usable size", Reports.headline(bug));
        }
        if (usable < size) {
            throw Rule.OBJECT_MEMORY.violation("usableSize(" + hex(addr) + ") is " + usable + " but " + size
                    + " bytes were asked for: a size must never be rounded down", "at least " + size,
                    Long.toString(usable));
        }
        long declared = declaredClass(s.sut.sizeClasses(), size, (gfp & Gfp.__GFP_DMA) != 0);
        if (declared > 0 && usable != declared) {
            throw Rule.OBJECT_SIZE_CLASSES.violation("usableSize(" + hex(addr) + ") is " + usable + " but sizeClasses()"
                    + " declares " + declared + " bytes as the smallest class that holds " + size + " bytes",
                    Long.toString(declared), Long.toString(usable));
        }
        ContractPageSource.Block block = s.source.blockHolding(addr, usable);
        if (block == null) {
            throw Rule.OBJECT_MEMORY.violation("object " + hex(addr) + " (" + usable + " usable bytes) does not lie inside"
                    + " pages the allocator holds from its page source",
                    "an object inside one block of pages getFreePages returned (and not yet freed)",
                    call + " returned " + hex(addr));
        }
        LiveObject other = s.overlapping(addr, usable);
        if (other != null) {
            throw Rule.OBJECT_NO_OVERLAP.violation("object at " + hex(addr) + " (" + usable + " usable bytes) overlaps live object "
                    + other.label() + " at " + hex(other.addr()) + " (" + other.usable() + " usable bytes)",
                    "an object sharing no byte with a live one", call + " returned " + hex(addr));
        }
        boolean wantDma = (gfp & Gfp.__GFP_DMA) != 0;
        if (s.checks(ObjectCheck.GFP) && wantDma && !block.dma()) {
            throw Rule.OBJECT_DMA.violation("a __GFP_DMA object must lie in pages obtained with __GFP_DMA (below 16 MiB)",
                    "an object in the DMA pool", call + " returned " + hex(addr) + " in normal pages at pfn "
                            + block.pfn());
        }
        if (!wantDma && block.dma()) {
            s.warnings.add(Rule.OBJECT_DMA_ONLY_WHEN_ASKED.warning("a request without __GFP_DMA was served from DMA"
                    + " pages (" + call + " -> " + hex(addr) + "); DMA pages are scarce"));
        }
        if (s.checks(ObjectCheck.GFP) && (gfp & Gfp.__GFP_ZERO) != 0) {
            long bad = s.machine.memory().findMismatch(s.machine.pa(addr), size, (byte) 0);
            if (bad >= 0) {
                throw Rule.OBJECT_ZERO.violation("a __GFP_ZERO object must be zeroed: byte " + (bad - s.machine.pa(addr))
                        + " of " + hex(addr) + " is not 0", size + " zero bytes",
                        "0x" + Integer.toHexString(s.machine.memory().readByte(bad) & 0xff) + " at offset "
                                + (bad - s.machine.pa(addr)));
            }
        }
        if (s.era == Era.MODERN && Sizes.isPowerOfTwo(usable) && usable <= s.machine.pageSize()
                && (addr & (usable - 1)) != 0) {
            s.warnings.add(Rule.OBJECT_NATURAL_ALIGNMENT.warning("objects of the power-of-two class " + usable
                    + " are not naturally aligned (" + hex(addr) + ")"));
        }
        LiveObject o = new LiveObject(label, id, addr, size, usable, gfp);
        s.add(o);
        s.writePattern(o);
        return o;
    }

    /** Checks that a NULL answer changed nothing and, when the property checks it, was allowed. */
    static void checkNull(ObjectState s, String call, boolean validSize, ObjectState.Snapshot before,
                          long refusalsBefore) {
        if (before != null) {
            ObjectState.Snapshot after = s.snapshot();
            if (!before.equals(after)) {
                throw Rule.OBJECT_REFUSE_WHEN_SOURCE_FAILS.violation("a failed " + call + " changed the allocator's state",
                        before + " (unchanged)", after.toString());
            }
        }
        if (validSize && s.checks(ObjectCheck.FAILED_ALLOCATION) && s.source.refusals() == refusalsBefore) {
            throw Rule.OBJECT_NO_FALSE_FAILURE.violation(call + " returned NULL although the page source refused no request",
                    "an object (NULL only when the page source fails)", "NULL");
        }
    }

    // ---------------------------------------------------------------- allocate

    /** {@code o3 = allocate(24, GFP_KERNEL)}. */
    record Allocate(String label, int id, long size, int gfp) implements Action<ObjectState> {

        @Override
        public String describe() {
            return label + " = " + call(size, gfp);
        }

        @Override
        public boolean precondition(ObjectState s) {
            return !s.live.containsKey(label);
        }

        @Override
        public String run(ObjectState s) {
            return allocateOne(s, label, id, size, gfp);
        }

        @Override
        public List<Action<ObjectState>> shrinks() {
            List<Action<ObjectState>> simpler = new ArrayList<>();
            if (gfp != Gfp.GFP_KERNEL) {
                simpler.add(new Allocate(label, id, size, Gfp.GFP_KERNEL));
            }
            if (size > 1) {
                for (long smaller : new long[] {1, 8, size / 2, size - 1}) {
                    if (smaller >= 1 && smaller < size) {
                        simpler.add(new Allocate(label, id, smaller, gfp));
                    }
                }
            }
            return simpler;
        }
    }

    /** Allocates one object with every check; returns the trace outcome. */
    static String allocateOne(ObjectState s, String label, int id, long size, int gfp) {
        boolean validSize = size >= 1 && size <= s.maxSize;
        ObjectState.Snapshot before = !validSize || s.checks(ObjectCheck.FAILED_ALLOCATION) ? s.snapshot() : null;
        long refusals = s.source.refusals();
        String call = call(size, gfp);
        long addr;
        s.source.takeRequestedGfp();
        try {
            addr = s.sut.allocate(size, gfp);
        } catch (RuntimeException e) {
            Rule rule = validSize ? Rule.OBJECT_REFUSE_WHEN_SOURCE_FAILS : Rule.OBJECT_BAD_SIZE;
            throw rule.violation(call + " threw " + e.getClass().getSimpleName() + ": a failed allocation returns"
                    + " NULL, never an exception", "an object or NULL", Reports.thrown(e), e);
        }
        int requested = s.source.takeRequestedGfp();
        int excess = PageGfp.beyond(gfp, requested);
        if (excess != 0) {
            throw Rule.OBJECT_PAGE_GFP.violation(call + " asked the page source for a page with "
                    + PageGfp.describe(excess) + ", which " + Gfp.toString(gfp) + " does not allow",
                    "page requests within " + Gfp.toString(gfp), "getFreePages(" + Gfp.toString(requested) + ", ...)");
        }
        if (addr == ObjectAllocator.NULL) {
            checkNull(s, call, validSize, before, refusals);
            return "NULL";
        }
        if (!validSize) {
            throw Rule.OBJECT_BAD_SIZE.violation(call + " must return NULL: sizes run 1.." + s.maxSize + " (maxSize())",
                    "NULL", hex(addr));
        }
        LiveObject o = accept(s, call, label, id, size, gfp, addr);
        return hex(addr) + " (usable " + o.usable() + ")";
    }

    // ---------------------------------------------------------------- free

    /** {@code free(o3)}. */
    record Free(String label) implements Action<ObjectState> {

        @Override
        public String describe() {
            return "free(" + label + ")";
        }

        @Override
        public boolean precondition(ObjectState s) {
            return s.live.containsKey(label);
        }

        @Override
        public String run(ObjectState s) {
            LiveObject o = s.live.get(label);
            try {
                s.sut.free(o.addr());
            } catch (KernelBug bug) {
                throw Rule.OBJECT_FREE_LIVE.violation("freeing live object " + label + " at " + hex(o.addr()) + " must be accepted",
                        "free(" + hex(o.addr()) + ") returns normally", Reports.headline(bug));
            }
            s.remove(o);
            return "ok (" + hex(o.addr()) + ")";
        }
    }

    // ---------------------------------------------------------------- shrink, source failure, exhaust

    /** {@code shrink()}: every page without a live object goes back to the source. */
    record Shrink() implements Action<ObjectState> {

        @Override
        public String describe() {
            return "shrink()";
        }

        @Override
        public String run(ObjectState s) {
            long pagesBefore = s.source.pagesReturned();
            long blocksBefore = s.source.blocksReturned();
            long answer;
            try {
                answer = s.sut.shrink();
            } catch (RuntimeException e) {
                Rule rule = s.source.violations().isEmpty() ? Rule.OBJECT_SHRINK : Rule.PAGESOURCE_GIVE_BACK;
                throw rule.violation("shrink() threw " + e.getClass().getSimpleName() + (rule == Rule.OBJECT_SHRINK
                        ? "" : ": " + s.source.violations().get(0)), "pages given back, and no exception",
                        Reports.thrown(e), e);
            }
            long pages = s.source.pagesReturned() - pagesBefore;
            long blocks = s.source.blocksReturned() - blocksBefore;
            if (answer != pages) {
                throw Rule.OBJECT_SHRINK_COUNTS_FRAMES.violation("shrink() must return the number of pages (frames)"
                        + " it gave back" + (answer == blocks && blocks != pages ? ", not the number of slabs" : ""),
                        pages + " pages in " + blocks + " blocks returned to the page source during the call",
                        Long.toString(answer));
            }
            if (s.checks(ObjectCheck.SHRINK)) {
                for (ContractPageSource.Block b : s.source.outstanding()) {
                    long from = s.machine.pfnToVirt(b.pfn());
                    long to = from + ((1L << b.order()) << s.machine.pageShift());
                    LiveObject inside = s.overlapping(from, to - from);
                    if (inside == null) {
                        throw Rule.OBJECT_SHRINK.violation("after shrink() the allocator still holds pfn " + b.pfn()
                                + " order " + b.order() + ", which holds no live object",
                                "every page without a live object returned to the page source",
                                s.source.outstandingPages() + " pages held, " + s.live.size() + " live objects");
                    }
                }
            }
            return answer + " pages returned";
        }
    }

    /** Turns the page source's failure switch on or off. */
    record SourceFails(boolean on) implements Action<ObjectState> {

        @Override
        public String describe() {
            return on ? "page source starts failing" : "page source works again";
        }

        @Override
        public boolean precondition(ObjectState s) {
            return s.source.failing() != on;
        }

        @Override
        public String run(ObjectState s) {
            s.source.setFailing(on);
            return "";
        }
    }

    /** {@code e7 = allocate(64, GFP_KERNEL) until NULL}: objects labelled {@code e7.0}, {@code e7.1}, … */
    record Exhaust(String group, int firstId, int cap, long size, int gfp) implements Action<ObjectState> {

        @Override
        public String describe() {
            return group + " = " + call(size, gfp) + " until NULL";
        }

        @Override
        public boolean precondition(ObjectState s) {
            return !s.live.containsKey(group + ".0") && size >= 1 && size <= s.maxSize;
        }

        @Override
        public String run(ObjectState s) {
            for (int i = 0; i < cap; i++) {
                String outcome = allocateOne(s, group + "." + i, firstId + i, size, gfp);
                if (outcome.equals("NULL")) {
                    return i + " objects, then NULL";
                }
            }
            throw Rule.OBJECT_NO_OVERLAP.violation(call(size, gfp) + " kept returning objects: more than the page source's"
                    + " pages can hold", "NULL after at most " + (cap - 1) + " objects", cap + " objects");
        }
    }
}
