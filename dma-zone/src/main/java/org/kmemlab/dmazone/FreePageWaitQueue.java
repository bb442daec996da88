package org.kmemlab.dmazone;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Where allocations that may sleep wait for another thread to free pages: the simulated
 * {@code schedule_timeout()} of a task that found no memory.
 *
 * <h2>Overview for maintainers</h2>
 * Pages are freed under a zone lock, but a waiter may be satisfied by any zone, so waiters do not sleep on
 * a zone lock's condition; they share one queue. The protocol has no lost wake-up and costs a freeing
 * thread nothing while nobody waits:
 * <ol>
 *   <li>A waiter reads {@link #generation()} <em>before</em> its last allocation attempt.</li>
 *   <li>It then calls {@link #await(long, long)}, which registers it as a waiter and sleeps only if the
 *       generation has not moved since.</li>
 *   <li>A freeing thread bumps the generation (after its pages are back in the zone) and, only if a
 *       waiter is registered, takes the queue lock and signals.</li>
 * </ol>
 * Both sides write one volatile and then read the other's (waiters, generation), so at least one of them
 * sees the other: either the waiter sees the new generation and retries at once, or the freer sees the
 * waiter and signals it (the waiter holds the queue lock from registering until it sleeps, so the signal
 * cannot slip in between).
 */
final class FreePageWaitQueue {

    private final AtomicLong generation = new AtomicLong();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition pagesFreed = lock.newCondition();
    private volatile int waiters;

    /** Returns the number of free events so far; read it before the attempt that failed. */
    long generation() {
        return generation.get();
    }

    /** Called after pages were freed: wakes every waiter. Takes no lock when nobody waits. */
    void pagesFreed() {
        generation.incrementAndGet();
        if (waiters > 0) {
            lock.lock();
            try {
                pagesFreed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    /**
     * Sleeps until pages are freed after {@code seen} was read, or for at most {@code nanos}.
     *
     * @return the nanoseconds left of {@code nanos} (at most 0 when the time ran out)
     * @throws InterruptedException when the thread is interrupted while waiting
     */
    long await(long seen, long nanos) throws InterruptedException {
        lock.lock();
        try {
            waiters++;
            try {
                long left = nanos;
                while (generation.get() == seen && left > 0) {
                    left = pagesFreed.awaitNanos(left);
                }
                return left;
            } finally {
                waiters--;
            }
        } finally {
            lock.unlock();
        }
    }

    /** Returns the number of threads waiting now (for reports and tests). */
    int waiters() {
        return waiters;
    }
}
