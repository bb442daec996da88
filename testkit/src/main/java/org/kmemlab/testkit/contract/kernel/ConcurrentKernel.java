package org.kmemlab.testkit.contract.kernel;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.kmemlab.api.Gfp;
import org.kmemlab.api.KernelMemory;
import org.kmemlab.testkit.contract.Rule;
import org.kmemlab.testkit.property.Action;
import org.kmemlab.testkit.property.Randomness;
import org.kmemlab.testkit.property.StateMachine;

/**
 * {@code kernel.concurrent}: threads call kmalloc, write a pattern of their own into what they got, read
 * it back and kfree it, all at once on one kernel. The facade MUST be safe for concurrent use: no
 * exception, no address live twice, and every pattern intact.
 *
 * <p>Whether a race shows in a few thousand calls is up to the scheduler, so this property can only ever
 * catch a kernel without its locks with some probability; the zoo has no mutant for it (see the rule
 * table). A correct kernel passes it every time.
 */
final class ConcurrentKernel implements StateMachine<ConcurrentKernel.State> {

    /** Threads and calls per thread. */
    static final int THREADS = 4;
    static final int OPERATIONS = 2_000;

    /** The kernel and the number of calls that succeeded. */
    static final class State {
        final KernelMemory kernel;
        long exercised;
        boolean ran;

        State(KernelMemory kernel) {
            this.kernel = kernel;
        }
    }

    private final Supplier<? extends KernelMemory> kernels;

    ConcurrentKernel(Supplier<? extends KernelMemory> kernels) {
        this.kernels = kernels;
    }

    @Override
    public State setUp(Randomness random) {
        KernelMemory kernel = kernels.get();
        if (kernel == null) {
            throw Rule.KERNEL_KMALLOC.violation("the kernel supplier must boot a kernel", "a KernelMemory", "null");
        }
        return new State(kernel);
    }

    @Override
    public String describeSetUp(State s) {
        return "kernel = boot()";
    }

    @Override
    public Action<State> nextAction(State s, Randomness random) {
        return s.ran ? null : new Run(random.longBetween(1, Long.MAX_VALUE - 1));
    }

    @Override
    public void checkInvariants(State s) {
        // Run checks everything itself.
    }

    @Override
    public long exercised(State s) {
        return s.exercised;
    }

    /** The one step: the threads' kmalloc/kfree storm. */
    record Run(long seed) implements Action<State> {

        @Override
        public String describe() {
            return THREADS + " threads each kmalloc, write, read back and kfree " + OPERATIONS + " times at once";
        }

        @Override
        public String run(State s) {
            s.ran = true;
            ConcurrentHashMap<Long, Integer> live = new ConcurrentHashMap<>();
            String[] problem = new String[1];
            long[] done = new long[THREADS];
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int me = t;
                threads.add(new Thread(() -> storm(s.kernel, me, new SplittableRandom(seed + me), live, problem,
                        done), "kmemlab-kernel-" + t));
            }
            threads.forEach(Thread::start);
            for (Thread thread : threads) {
                try {
                    thread.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            for (long d : done) {
                s.exercised += d;
            }
            if (problem[0] != null) {
                throw Rule.KERNEL_CONCURRENT.violation("concurrent kmalloc/kfree went wrong: " + problem[0],
                        "disjoint allocations, intact bytes and no exception: the facade must be safe for"
                                + " concurrent use", problem[0]);
            }
            return s.exercised + " calls succeeded";
        }

        private static void storm(KernelMemory kernel, int me, SplittableRandom random,
                                  ConcurrentHashMap<Long, Integer> live, String[] problem, long[] done) {
            byte mark = (byte) (0x40 + me);
            byte[] scratch = new byte[256];
            try {
                for (int i = 0; i < OPERATIONS && problem[0] == null; i++) {
                    int size = 1 + random.nextInt(256);
                    long addr = kernel.kmalloc(size, Gfp.GFP_KERNEL);
                    if (addr == KernelMemory.NULL) {
                        continue;
                    }
                    Integer other = live.putIfAbsent(addr, me);
                    if (other != null) {
                        problem[0] = "thread " + me + " got " + Long.toHexString(addr) + " while thread " + other
                                + " still held it";
                        return;
                    }
                    kernel.fill(addr, size, mark);
                    Thread.yield();
                    kernel.read(addr, scratch, 0, size);
                    for (int b = 0; b < size; b++) {
                        if (scratch[b] != mark) {
                            problem[0] = "byte " + b + " of thread " + me + "'s allocation at 0x"
                                    + Long.toHexString(addr) + " was overwritten while it was live";
                            return;
                        }
                    }
                    live.remove(addr);
                    kernel.kfree(addr);
                    done[me] += 2;
                }
            } catch (RuntimeException e) {
                problem[0] = "thread " + me + " caught " + e.getClass().getSimpleName() + ": " + e.getMessage();
            }
        }
    }
}
