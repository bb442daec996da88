package org.kmemlab.kmalloc;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.kmemlab.api.Checks;
import org.kmemlab.api.ExecutionContext;
import org.kmemlab.api.Gfp;
import org.kmemlab.api.bug.KernelBug;

/**
 * A memory pool ({@code mempool_t}): a reserve of at least {@code minNr} preallocated elements that
 * guarantees forward progress when the allocator it wraps fails. The seed's advice, "allocate an easy
 * amount at the start and parcel it out", made into an API; block-layer and network drivers keep one for
 * the allocation they cannot afford to lose (a request structure on the write-out path).
 *
 * <h2>The algorithm ({@code mm/mempool.c})</h2>
 * <pre>
 * alloc(gfp):
 *   1. try the allocator with gfp minus direct reclaim and I/O, plus NORETRY|NOWARN|NOMEMALLOC:
 *      cheap, and it leaves the reserve alone while memory is easy to get
 *   2. failed: take an element from the reserve if there is one
 *   3. reserve empty and gfp may not sleep: return NULL
 *   4. first time round: retry the allocator with the full gfp (it may reclaim)
 *   5. sleep until an element is freed back to the pool (or 5 s pass), then go to 1
 * free(element):
 *   reserve below minNr? put the element back there and wake a sleeper; else give it to the allocator
 * </pre>
 * So an allocation that may sleep never fails: at worst it waits for another user of the pool to free an
 * element, and because every user frees what it took, one always will. A {@code GFP_ATOMIC} or
 * {@code GFP_NOWAIT} allocation gets NULL once the reserve is empty.
 *
 * <p>Worked example: a pool of {@code minNr = 2} on a machine with no free memory. Allocations 1 and 2
 * take the reserve (the allocator fails each time); allocation 3 with {@code GFP_NOWAIT} returns NULL;
 * allocation 3 with {@code GFP_KERNEL} sleeps until the holder of element 1 frees it, then returns
 * element 1.
 *
 * <p>Thread-safe. Elements are addresses; {@link Kernel#NULL} is never an element.
 */
public final class Mempool {

    /** How long one sleep in {@link #alloc} lasts before the allocator is tried again: Linux's 5 s. */
    static final long WAIT_NANOS = TimeUnit.SECONDS.toNanos(5);

    /** Allocates one element ({@code mempool_alloc_t}). */
    @FunctionalInterface
    public interface Alloc {
        /** Returns an element, or {@link Kernel#NULL} when none can be had with {@code gfp}. */
        long alloc(int gfp);
    }

    /** Frees one element ({@code mempool_free_t}). */
    @FunctionalInterface
    public interface Free {
        /** Gives {@code element} back to the allocator it came from. */
        void free(long element);
    }

    private final ExecutionContext context;
    private final int minNr;
    private final Alloc allocFn;
    private final Free freeFn;
    private final long[] reserve;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition returned = lock.newCondition();
    private int currNr;
    private boolean destroyed;

    private Mempool(ExecutionContext context, int minNr, Alloc allocFn, Free freeFn) {
        this.context = context;
        this.minNr = minNr;
        this.allocFn = allocFn;
        this.freeFn = freeFn;
        this.reserve = new long[minNr];
    }

    /**
     * Creates a pool and fills its reserve with {@code minNr} elements allocated with {@code GFP_KERNEL}
     * ({@code mempool_create}).
     *
     * @return the pool, or null when the reserve cannot be filled (what was allocated is freed again)
     */
    static Mempool create(ExecutionContext context, int minNr, Alloc allocFn, Free freeFn) {
        Checks.requireArgument(minNr >= 1, "mempool min_nr %d must be at least 1", minNr);
        Mempool pool = new Mempool(context, minNr, Checks.requireNonNull(allocFn, "alloc function"),
                Checks.requireNonNull(freeFn, "free function"));
        context.mightSleep("mempool_create");
        while (pool.currNr < minNr) {
            long element = allocFn.alloc(Gfp.GFP_KERNEL);
            if (element == Kernel.NULL) {
                pool.drainReserve();
                return null;
            }
            pool.reserve[pool.currNr++] = element;
        }
        return pool;
    }

    /**
     * Creates a pool of kmalloc objects of {@code size} bytes on {@code kernel}
     * ({@code mempool_create_kmalloc_pool}).
     *
     * @throws IllegalArgumentException when {@code size} is not 1 .. the era's kmalloc maximum
     */
    static Mempool kmallocPool(Kernel kernel, int minNr, long size) {
        long max = kernel.era().maxKmallocSize();
        Checks.requireArgument(size > 0 && size <= max, "mempool element size %d is not 1..%d", size, max);
        return create(kernel.machine().context(), minNr, gfp -> kernel.kmalloc(size, gfp), kernel::kfree);
    }

    /**
     * Creates a pool of blocks of {@code 2^order} pages on {@code kernel} ({@code mempool_create_page_pool}).
     *
     * @throws IllegalArgumentException when {@code order} is not 0 .. the era's maximum order
     */
    static Mempool pagePool(Kernel kernel, int minNr, int order) {
        int max = kernel.era().maxOrder();
        Checks.requireArgument(order >= 0 && order <= max, "mempool page order %d is not 0..%d", order, max);
        return create(kernel.machine().context(), minNr, gfp -> kernel.getFreePages(gfp, order),
                element -> kernel.freePages(element, order));
    }

    /** Returns the reserve the pool keeps: {@code min_nr}. */
    public int minNr() {
        return minNr;
    }

    /** Returns the elements in the reserve now: {@code curr_nr}. */
    public int reserved() {
        lock.lock();
        try {
            return currNr;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Allocates an element ({@code mempool_alloc}), as the overview describes.
     *
     * @param gfp the caller's flags; {@code __GFP_ZERO} is not allowed (a reserve element is not zeroed)
     * @return an element; {@link Kernel#NULL} only when {@code gfp} may not sleep and the reserve is empty
     * @throws org.kmemlab.api.bug.SleepInAtomicBug for a gfp that may sleep in atomic context
     * @throws KernelBug when the pool was destroyed
     */
    public long alloc(int gfp) {
        Checks.requireArgument((gfp & Gfp.__GFP_ZERO) == 0,
                "mempool_alloc mode %s has __GFP_ZERO; zero the element yourself", Gfp.toString(gfp));
        context.mightSleep(gfp, "mempool_alloc");
        int full = gfp | Gfp.__GFP_NOMEMALLOC | Gfp.__GFP_NORETRY | Gfp.__GFP_NOWARN;
        int attempt = full & ~(Gfp.__GFP_DIRECT_RECLAIM | Gfp.__GFP_IO);
        while (true) {
            checkAlive();
            long element = allocFn.alloc(attempt);
            if (element != Kernel.NULL) {
                return element;
            }
            lock.lock();
            try {
                checkAlive();
                if (currNr > 0) {
                    return reserve[--currNr];
                }
                if (!Gfp.allowsBlocking(gfp)) {
                    return Kernel.NULL;
                }
                if (attempt != full) {
                    attempt = full;
                    continue;
                }
                awaitReturn();
            } finally {
                lock.unlock();
            }
        }
    }

    /** Sleeps until an element is returned or {@link #WAIT_NANOS} pass; uninterruptible, as in Linux. */
    private void awaitReturn() {
        boolean interrupted = false;
        try {
            returned.awaitNanos(WAIT_NANOS);
        } catch (InterruptedException e) {
            interrupted = true;
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Frees an element ({@code mempool_free}): refills the reserve first and wakes one sleeper, else gives
     * it to the free function. {@link Kernel#NULL} is ignored.
     *
     * @throws KernelBug when the pool was destroyed
     */
    public void free(long element) {
        if (element == Kernel.NULL) {
            return;
        }
        lock.lock();
        try {
            checkAlive();
            if (currNr < minNr) {
                reserve[currNr++] = element;
                returned.signal();
                return;
            }
        } finally {
            lock.unlock();
        }
        freeFn.free(element);
    }

    /**
     * Frees the reserve and retires the pool ({@code mempool_destroy}). Every element taken from the pool
     * should have been freed to it first; ones still out must be freed to their allocator directly.
     *
     * @throws KernelBug when the pool was destroyed already
     */
    public void destroy() {
        lock.lock();
        try {
            checkAlive();
            destroyed = true;
            drainReserve();
            returned.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void drainReserve() {
        while (currNr > 0) {
            freeFn.free(reserve[--currNr]);
        }
    }

    private void checkAlive() {
        if (destroyed) {
            throw new KernelBug("BUG: mempool used after mempool_destroy()",
                    "INFO: the pool of min_nr " + minNr + " was destroyed",
                    "destroy a pool only after every user is done with it, and set the pointer to NULL");
        }
    }

    @Override
    public String toString() {
        return "Mempool[min_nr=" + minNr + ", curr_nr=" + reserved() + "]";
    }
}
