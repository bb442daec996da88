package org.kmemlab.testkit.contract.zone;

import java.util.ArrayList;
import java.util.List;
import org.kmemlab.api.Gfp;
import org.kmemlab.api.spi.PageAllocator;
import org.kmemlab.api.spi.Shrinker;
import org.kmemlab.testkit.contract.Rule;
import org.kmemlab.testkit.property.Action;

/**
 * The steps of the fixed scenarios of reclaim: a cache of pages registered as a shrinker that reclaim
 * MUST scan before an allocation fails, a stubborn shrinker that frees nothing (so {@code __GFP_NORETRY}
 * scans once and gives up), and a shrinker unregistered that reclaim MUST NOT call again; with the two test
 * shrinkers they register.
 */
final class ReclaimActions {

    private ReclaimActions() {
    }

    /**
     * Allocates {@code pages} order-0 blocks with GFP_KERNEL and registers a shrinker that gives them back
     * when asked, like a page cache.
     */
    record RegisterCache(String label, int pages) implements Action<ZoneState> {

        @Override
        public String describe() {
            return "registerShrinker(cache of " + pages + " pages " + label + ".*)";
        }

        @Override
        public String run(ZoneState s) {
            CacheShrinker cache = new CacheShrinker(s);
            for (int i = 0; i < pages; i++) {
                ZoneModel.Block block = Allocation.run(s, label + "." + i, Gfp.GFP_KERNEL, 0,
                        Allocation.Context.PROCESS);
                if (block == null) {
                    break;
                }
                cache.blocks.add(block);
            }
            s.shrinker = cache;
            s.sut.registerShrinker(cache);
            return cache.blocks.size() + " pages cached";
        }
    }

    /** GFP_KERNEL under pressure with a registered cache: reclaim MUST run the shrinker and succeed. */
    record Reclaim(String label) implements Action<ZoneState> {

        @Override
        public String describe() {
            return label + " = allocPages(GFP_KERNEL, order 0)   // memory is exhausted, the cache can give some back";
        }

        @Override
        public boolean precondition(ZoneState s) {
            return s.shrinker != null;
        }

        @Override
        public String run(ZoneState s) {
            CacheShrinker cache = s.shrinker;
            long pfn = s.sut.allocPages(Gfp.GFP_KERNEL, 0);
            cache.settle();
            if (pfn == PageAllocator.NO_PAGE) {
                throw Rule.ZONE_RECLAIM.violation("allocPages(GFP_KERNEL, order 0) returned NO_PAGE although a registered"
                        + " shrinker could free " + cache.count() + " pages (scan was called " + cache.scans
                        + " times): direct reclaim runs the shrinkers before failing", "a block",
                        "NO_PAGE");
            }
            ZoneModel.Block block = Allocation.checkBlock(s, "allocPages(GFP_KERNEL, order 0)", label, pfn, 0);
            s.model.add(block);
            return "pfn " + block.pfn() + " after the shrinker freed " + cache.settled + " pages";
        }
    }

    /**
     * Registers a shrinker that always says it could free 64 pages and never frees any: a stubborn cache.
     * It counts the calls to its scan.
     */
    record RegisterStubborn(String label) implements Action<ZoneState> {

        @Override
        public String describe() {
            return "registerShrinker(" + label + ": says it can free 64 pages, frees none)";
        }

        @Override
        public String run(ZoneState s) {
            StubbornShrinker shrinker = new StubbornShrinker();
            s.stubborn = shrinker;
            s.sut.registerShrinker(shrinker);
            return "registered";
        }
    }

    /**
     * {@code GFP_KERNEL|__GFP_NORETRY} when memory is exhausted and a stubborn shrinker is registered: the
     * request MUST run reclaim (scan the shrinker) once and then give up at once, without waiting.
     */
    record NoRetryReclaimsOnce(String label, long limitMillis) implements Action<ZoneState> {

        /** The most scans one reclaim pass may make of one shrinker (batches, not a retry loop). */
        static final int MAX_SCANS = 4;

        @Override
        public String describe() {
            return label + " = allocPages(GFP_KERNEL|__GFP_NORETRY|__GFP_NOWARN, order 0) within " + limitMillis
                    + " ms";
        }

        @Override
        public boolean precondition(ZoneState s) {
            return s.stubborn != null;
        }

        @Override
        public String run(ZoneState s) {
            // The timed call may be asked again when it was slow (see Quick), so each call's scans are judged
            // on their own: at most one pass, and a call that gave up (NO_PAGE) must have run it (with memory
            // free, a page comes without one).
            int[] mark = {s.stubborn.scans()};
            List<Integer> wrong = new ArrayList<>();
            int[] last = {0};
            String outcome = new WaitingActions.Quick(label, Gfp.GFP_KERNEL | Gfp.__GFP_NORETRY | Gfp.__GFP_NOWARN, 0,
                    limitMillis).run(s, block -> {
                        int now = s.stubborn.scans();
                        last[0] = now - mark[0];
                        mark[0] = now;
                        if (last[0] > MAX_SCANS || (block == null && last[0] < 1)) {
                            wrong.add(last[0]);
                        }
                    });
            if (!wrong.isEmpty()) {
                throw Rule.ZONE_NORETRY.violation("allocPages(GFP_KERNEL|__GFP_NORETRY|__GFP_NOWARN, order 0) scanned the"
                        + " registered shrinker " + wrong.get(0) + " times: __GFP_NORETRY runs one reclaim pass before it"
                        + " gives up", "1 reclaim pass (1 to " + MAX_SCANS + " scans)", wrong.get(0) + " scans");
            }
            int scans = last[0];
            return outcome + ", " + scans + " scan" + (scans == 1 ? "" : "s");
        }
    }

    /** Unregisters the cache shrinker registered earlier; reclaim must not call it again. */
    record Unregister(String label) implements Action<ZoneState> {

        @Override
        public String describe() {
            return "unregisterShrinker(the cache)";
        }

        @Override
        public boolean precondition(ZoneState s) {
            return s.shrinker != null;
        }

        @Override
        public String run(ZoneState s) {
            s.sut.unregisterShrinker(s.shrinker);
            s.unregistered = s.shrinker;
            s.shrinker = null;
            return "unregistered";
        }
    }

    /** GFP_KERNEL under pressure after the cache was unregistered: reclaim MUST NOT scan it. */
    record ReclaimWithoutUnregistered(String label) implements Action<ZoneState> {

        @Override
        public String describe() {
            return label + " = allocPages(GFP_KERNEL|__GFP_NOWARN, order 0)   // memory is exhausted";
        }

        @Override
        public boolean precondition(ZoneState s) {
            return s.unregistered != null;
        }

        @Override
        public String run(ZoneState s) {
            CacheShrinker gone = s.unregistered;
            int before = gone.scans;
            long pfn = s.sut.allocPages(Gfp.GFP_KERNEL | Gfp.__GFP_NOWARN, 0);
            gone.settle();
            if (gone.scans != before) {
                throw Rule.ZONE_UNREGISTER.violation("reclaim scanned a shrinker after unregisterShrinker() had"
                        + " returned", "no scan of the unregistered cache", (gone.scans - before) + " scans, "
                        + gone.settled + " pages taken from it");
            }
            if (pfn == PageAllocator.NO_PAGE) {
                return "NO_PAGE, the unregistered cache left alone";
            }
            ZoneModel.Block block = Allocation.checkBlock(s, "allocPages(GFP_KERNEL|__GFP_NOWARN, order 0)", label,
                    pfn, 0);
            s.model.add(block);
            return "pfn " + pfn;
        }
    }

    /** A shrinker that promises pages and frees none, counting its scans. */
    static final class StubbornShrinker implements Shrinker {

        private int scans;

        @Override
        public String name() {
            return "testkit-stubborn";
        }

        @Override
        public long count() {
            return 64;
        }

        @Override
        public synchronized long scan(long pages) {
            scans++;
            return 0;
        }

        synchronized int scans() {
            return scans;
        }
    }

    /** A shrinker that holds model blocks and frees them through the allocator under test when scanned. */
    static final class CacheShrinker implements Shrinker {

        private final ZoneState s;
        final List<ZoneModel.Block> blocks = new ArrayList<>();
        private final List<ZoneModel.Block> released = new ArrayList<>();
        int scans;
        int settled;

        CacheShrinker(ZoneState s) {
            this.s = s;
        }

        @Override
        public String name() {
            return "testkit-cache";
        }

        @Override
        public synchronized long count() {
            return blocks.size();
        }

        @Override
        public synchronized long scan(long pages) {
            scans++;
            long freed = 0;
            while (freed < pages && !blocks.isEmpty()) {
                ZoneModel.Block b = blocks.remove(blocks.size() - 1);
                s.sut.freePages(b.pfn(), b.order());
                released.add(b);
                freed++;
            }
            return freed;
        }

        /** Takes the blocks the shrinker freed out of the model (on the test's thread). */
        synchronized void settle() {
            for (ZoneModel.Block b : released) {
                s.model.remove(b);
                s.freed.add(b);
            }
            settled += released.size();
            released.clear();
        }
    }
}
