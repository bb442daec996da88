package org.kmemlab.testkit.contract.zone;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import org.kmemlab.api.Gfp;
import org.kmemlab.api.spi.PageAllocator;
import org.kmemlab.testkit.contract.Rule;
import org.kmemlab.testkit.property.Action;

/**
 * {@code threads} threads allocate and free at once ({@code GFP_ATOMIC} and {@code GFP_NOWAIT}, so nobody
 * waits), each freeing only its own blocks; the blocks of all threads must never overlap, no call may
 * throw, and once everything is freed the zones must look as they did after boot. A zone allocator MUST
 * be safe for concurrent use; one that is not shows it here as overlapping blocks, exceptions or lost
 * frames.
 *
 * @param threads how many threads
 * @param operations how many calls each makes
 * @param seed the seed of the threads' choices (which interleaving happens is up to the scheduler)
 */
record ConcurrentUse(int threads, int operations, long seed) implements Action<ZoneState> {

    @Override
    public String describe() {
        return threads + " threads x " + operations + " allocPages/freePages calls at once (GFP_ATOMIC, GFP_NOWAIT,"
                + " orders 0..3), then free everything";
    }

    @Override
    public String run(ZoneState s) {
        TreeMap<Long, Integer> live = new TreeMap<>();
        String[] problem = new String[1];
        List<Thread> workers = new ArrayList<>();
        CountDownLatch start = new CountDownLatch(1);
        for (int t = 0; t < threads; t++) {
            SplittableRandom random = new SplittableRandom(seed + t);
            workers.add(new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                work(s, random, live, problem);
            }, "kmemlab-cpu" + t));
        }
        for (Thread w : workers) {
            w.setDaemon(true);
            w.start();
        }
        start.countDown();
        for (Thread w : workers) {
            try {
                w.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (Thread w : workers) {
            if (w.isAlive() && problem[0] == null) {
                problem[0] = w.getName() + " did not finish within 10 s (a deadlock, or a wait nobody signals)";
            }
        }
        if (problem[0] != null) {
            throw Rule.ZONE_CONCURRENT.violation("concurrent allocPages/freePages went wrong: " + problem[0],
                    "disjoint blocks and no exception: a zone allocator must be safe for concurrent use (take the"
                            + " zone lock around the page allocator)", problem[0]);
        }
        for (Map.Entry<Long, Integer> block : live.entrySet()) {
            s.sut.freePages(block.getKey(), block.getValue());
        }
        ZoneInvariants.checkRestored(s);
        return "all blocks freed";
    }

    private void work(ZoneState s, SplittableRandom random, TreeMap<Long, Integer> live, String[] problem) {
        List<long[]> mine = new ArrayList<>();
        try {
            for (int i = 0; i < operations && problem[0] == null; i++) {
                if (mine.isEmpty() || random.nextInt(100) < 55) {
                    int order = random.nextInt(4);
                    int gfp = (random.nextBoolean() ? Gfp.GFP_ATOMIC : Gfp.GFP_NOWAIT) | Gfp.__GFP_NOWARN;
                    long pfn = s.sut.allocPages(gfp, order);
                    if (pfn != PageAllocator.NO_PAGE) {
                        claim(live, pfn, order, problem);
                        mine.add(new long[] {pfn, order});
                    }
                } else {
                    long[] block = mine.remove(random.nextInt(mine.size()));
                    synchronized (live) {
                        live.remove(block[0]);
                    }
                    s.sut.freePages(block[0], (int) block[1]);
                }
            }
        } catch (RuntimeException e) {
            synchronized (live) {
                problem[0] = Thread.currentThread().getName() + " got " + e.getClass().getSimpleName() + ": "
                        + e.getMessage();
            }
        }
    }

    private static void claim(TreeMap<Long, Integer> live, long pfn, int order, String[] problem) {
        synchronized (live) {
            Map.Entry<Long, Integer> below = live.floorEntry(pfn + (1L << order) - 1);
            if (below != null && below.getKey() + (1L << below.getValue()) > pfn) {
                problem[0] = "pfn " + pfn + " order " + order + " was handed out while pfn " + below.getKey()
                        + " order " + below.getValue() + " was live in another thread";
            }
            live.put(pfn, order);
        }
    }
}
