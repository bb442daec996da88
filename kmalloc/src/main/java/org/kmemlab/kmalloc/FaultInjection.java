package org.kmemlab.kmalloc;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.SplittableRandom;
import org.kmemlab.api.Checks;
import org.kmemlab.api.Dmesg;
import org.kmemlab.api.Gfp;

/**
 * Makes allocations fail on purpose, as Linux's {@code failslab} (the object path of kmalloc) and
 * {@code fail_page_alloc} (every page allocation: get_free_pages, large kmalloc, vmalloc pages and page
 * tables) do. Lessons use it to show what happens to code that does not check for NULL; the testkit uses
 * it to check that a caller's error path unwinds cleanly.
 *
 * <pre>{@code
 * FaultInjection faults = kernel.faultInjection();
 * faults.failslab(FaultAttr.probability(100).withInterval(3).withTimes(1));   // the 3rd kmalloc fails, once
 * faults.failPageAlloc(FaultAttr.probability(5).withSeed(42).withVerbose(1));
 * ...
 * faults.disable();
 * }</pre>
 * The rules of each knob are on {@link FaultAttr}. An injected failure is an ordinary failure: the call
 * returns NULL (or NO_PAGE) exactly as when memory is short, and nothing else changes.
 *
 * <h2>Cost</h2>
 * While an injector is off, an allocation reads one flag, with opaque access: it sees a change made by
 * another thread soon, without the ordering a volatile read would impose on the allocation path. While
 * it is on, each eligible call takes this object's lock; a call-site filter adds a stack walk
 * ({@link CallSite}).
 *
 * <p>Thread-safe. Changing an injector restarts its counters and its random sequence.
 */
public final class FaultInjection {

    /** One injector's knobs and counters. */
    private static final class Injector {
        final String name;
        FaultAttr attr = FaultAttr.OFF;
        SplittableRandom random = new SplittableRandom(0);
        long count;
        long timesLeft = -1;
        long spaceLeft;
        long injected;

        Injector(String name) {
            this.name = name;
        }

        void set(FaultAttr a) {
            attr = a;
            random = new SplittableRandom(a.seed());
            count = 0;
            timesLeft = a.times();
            spaceLeft = a.space();
            injected = 0;
        }
    }

    private final Dmesg dmesg;
    private final Injector slab = new Injector("failslab");
    private final Injector pages = new Injector("fail_page_alloc");
    private static final VarHandle SLAB_ARMED;
    private static final VarHandle PAGES_ARMED;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            SLAB_ARMED = lookup.findVarHandle(FaultInjection.class, "slabArmed", boolean.class);
            PAGES_ARMED = lookup.findVarHandle(FaultInjection.class, "pagesArmed", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Read with opaque access, written under the lock with volatile access. */
    private boolean slabArmed;
    private boolean pagesArmed;

    FaultInjection(Dmesg dmesg) {
        this.dmesg = dmesg;
    }

    /** Sets the knobs of failslab (kmalloc's object path); {@link FaultAttr#OFF} turns it off. */
    public synchronized void failslab(FaultAttr attr) {
        slab.set(Checks.requireNonNull(attr, "failslab attributes"));
        SLAB_ARMED.setVolatile(this, attr.enabled());
    }

    /** Sets the knobs of fail_page_alloc (every page allocation); {@link FaultAttr#OFF} turns it off. */
    public synchronized void failPageAlloc(FaultAttr attr) {
        pages.set(Checks.requireNonNull(attr, "fail_page_alloc attributes"));
        PAGES_ARMED.setVolatile(this, attr.enabled());
    }

    /** Turns both injectors off. */
    public synchronized void disable() {
        failslab(FaultAttr.OFF);
        failPageAlloc(FaultAttr.OFF);
    }

    /** Returns failslab's knobs. */
    public synchronized FaultAttr failslab() {
        return slab.attr;
    }

    /** Returns fail_page_alloc's knobs. */
    public synchronized FaultAttr failPageAlloc() {
        return pages.attr;
    }

    /** Returns the failures failslab injected since its knobs were last set. */
    public synchronized long slabFailures() {
        return slab.injected;
    }

    /** Returns the failures fail_page_alloc injected since its knobs were last set. */
    public synchronized long pageFailures() {
        return pages.injected;
    }

    /** Returns true while failslab is on; kmalloc's fast path runs only while it is off. */
    boolean slabArmed() {
        return (boolean) SLAB_ARMED.getOpaque(this);
    }

    /**
     * Decides whether a kmalloc of {@code size} bytes from the object path fails ({@code should_failslab}).
     * Called at the top of the path; false at once while failslab is off.
     */
    boolean shouldFailSlab(int gfp, long size) {
        if (!(boolean) SLAB_ARMED.getOpaque(this)) {
            return false;
        }
        return decide(slab, gfp, size, 0);
    }

    /**
     * Decides whether a page allocation of {@code order} fails ({@code should_fail_alloc_page}). The space
     * budget is charged in bytes ({@code PAGE_SIZE << order}); Linux charges fail_page_alloc in pages.
     */
    boolean shouldFailPages(int gfp, int order) {
        if (!(boolean) PAGES_ARMED.getOpaque(this)) {
            return false;
        }
        return decide(pages, gfp, 4096L << order, order);
    }

    private synchronized boolean decide(Injector f, int gfp, long size, int order) {
        FaultAttr a = f.attr;
        if (!a.enabled() || (gfp & Gfp.__GFP_NOFAIL) != 0 || order < a.minOrder()
                || (a.ignoreGfpWait() && (gfp & Gfp.__GFP_DIRECT_RECLAIM) != 0)) {
            return false;
        }
        if (f.timesLeft == 0) {
            return false;
        }
        CallSite site = null;
        if (!a.callSites().isEmpty()) {
            site = CallSite.capture(a.stacktraceDepth());
            if (!site.matches(a.callSites())) {
                return false;
            }
        }
        if (f.spaceLeft > size) {
            f.spaceLeft -= size;
            return false;
        }
        if (a.interval() > 1) {
            f.count++;
            if (f.count % a.interval() != 0) {
                return false;
            }
        }
        if (a.probability() <= f.random.nextInt(100)) {
            return false;
        }
        if (f.timesLeft > 0) {
            f.timesLeft--;
        }
        f.injected++;
        if (a.verbose() > 0 && (f == slab || (gfp & Gfp.__GFP_NOWARN) == 0)) {
            dump(f, a, gfp, size, site);
        }
        return true;
    }

    /** Logs the failure as {@code fail_dump()} does, with the caller's frames at verbose 2. */
    private void dump(Injector f, FaultAttr a, int gfp, long size, CallSite site) {
        dmesg.warn("FAULT_INJECTION: forcing a failure.");
        dmesg.warn("name " + f.name + ", interval " + a.interval() + ", probability " + a.probability()
                + ", space " + f.spaceLeft + ", times " + f.timesLeft);
        if (a.verbose() > 1) {
            CallSite trace = site != null ? site : CallSite.capture(a.stacktraceDepth());
            dmesg.warn("Call Trace: " + size + " bytes, mode:" + Gfp.mode(gfp));
            for (String frame : trace.frames()) {
                dmesg.warn(" " + frame);
            }
        }
    }
}
