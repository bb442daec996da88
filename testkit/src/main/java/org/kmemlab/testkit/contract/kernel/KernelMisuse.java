package org.kmemlab.testkit.contract.kernel;

import org.kmemlab.api.Gfp;
import org.kmemlab.api.bug.KernelBug;
import org.kmemlab.api.bug.SleepInAtomicBug;
import org.kmemlab.testkit.contract.Rule;
import org.kmemlab.testkit.contract.chain.Reports;
import org.kmemlab.testkit.property.Action;

/** The calls a kernel must refuse: bad kfrees, and sleeping allocations in atomic context. */
final class KernelMisuse {

    private KernelMisuse() {
    }

    /** What a bad kfree passes. */
    enum Kind {
        /** The address of an allocation already freed. */
        DOUBLE_FREE,
        /** An address inside a live kmalloc allocation, past its start. */
        INTERIOR,
        /** The address of a live block from getFreePages. */
        PAGES_BLOCK,
        /** An address of RAM kmalloc never returned (offset into the direct map). */
        NEVER_RETURNED,
        /** An address outside the direct map. */
        OUTSIDE_RAM
    }

    /**
     * {@code kfree(p3)} again, {@code kfree(p3 + 8)}, {@code kfree(g2)}, {@code kfree(0xc0001000)}: must raise
     * {@code KernelBug} and change nothing.
     *
     * @param kind what is passed
     * @param label the allocation it refers to, or null for the address kinds
     * @param offset the offset into the allocation, or into the direct map / beyond RAM
     */
    record BadKfree(Kind kind, String label, long offset) implements Action<KernelState> {

        long address(KernelState s) {
            long pageOffset = s.machine.profile().pageOffset();
            return switch (kind) {
                case DOUBLE_FREE -> s.freed.get(label).addr();
                case INTERIOR -> s.live.get(label).addr() + offset;
                case PAGES_BLOCK -> s.live.get(label).addr();
                case NEVER_RETURNED -> pageOffset + offset;
                case OUTSIDE_RAM -> pageOffset + s.machine.ramBytes() + offset;
            };
        }

        @Override
        public String describe() {
            return switch (kind) {
                case DOUBLE_FREE -> "kfree(" + label + ") again";
                case INTERIOR -> "kfree(" + label + " + " + offset + ")";
                case PAGES_BLOCK -> "kfree(" + label + ") of a getFreePages block";
                case NEVER_RETURNED -> "kfree(PAGE_OFFSET + " + KernelActions.hex(offset) + ")";
                case OUTSIDE_RAM -> "kfree(end of RAM + " + KernelActions.hex(offset) + ")";
            };
        }

        @Override
        public boolean precondition(KernelState s) {
            boolean known = switch (kind) {
                case DOUBLE_FREE -> label != null && s.freed.containsKey(label) && !s.live.containsKey(label);
                case INTERIOR -> s.live.containsKey(label) && !s.live.get(label).isPages()
                        && offset > 0 && offset < s.live.get(label).size();
                case PAGES_BLOCK -> s.live.containsKey(label) && s.live.get(label).isPages();
                case NEVER_RETURNED -> offset < s.machine.ramBytes();
                case OUTSIDE_RAM -> true;
            };
            return known && !s.isLiveKmalloc(address(s));
        }

        @Override
        public String run(KernelState s) {
            long addr = address(s);
            KernelState.Snapshot before = s.snapshot();
            String call = "kfree(" + KernelActions.hex(addr) + ")";
            try {
                s.kernel.kfree(addr);
            } catch (KernelBug bug) {
                KernelActions.unchanged(s, Rule.KERNEL_BAD_KFREE, "the rejected " + call, before);
                return Reports.headline(bug);
            }
            throw Rule.KERNEL_BAD_KFREE.violation(call + " (" + describe() + ") must raise KernelBug: the address is not a"
                    + " live kmalloc allocation", "KernelBug", "kfree returned normally");
        }
    }

    /**
     * {@code p3 = kmalloc(64, GFP_KERNEL) in atomic context}: must raise {@code SleepInAtomicBug} and
     * allocate nothing; the same request with {@code GFP_ATOMIC} must then be served as usual. On the Linux
     * 2.0 era (no {@code might_sleep()}) the {@code GFP_KERNEL} request under the spinlock is served instead.
     */
    record SleepInAtomic(String label, int id, long size, int order) implements Action<KernelState> {

        private String call(int gfp) {
            return order >= 0 ? KernelActions.pagesCall(gfp, order) : KernelActions.kmallocCall(size, gfp);
        }

        @Override
        public String describe() {
            return "in atomic context: " + call(Gfp.GFP_KERNEL) + ", then " + label + " = " + call(Gfp.GFP_ATOMIC);
        }

        @Override
        public boolean precondition(KernelState s) {
            return !s.live.containsKey(label);
        }

        @Override
        public String run(KernelState s) {
            if (s.machine.profile().era() == org.kmemlab.api.Era.LINUX_2_0) {
                return linux20(s);
            }
            KernelState.Snapshot before = s.snapshot();
            String sleeping = call(Gfp.GFP_KERNEL);
            try {
                s.machine.context().runAtomic("kernel contract", () -> allocate(s, Gfp.GFP_KERNEL));
                throw Rule.KERNEL_SLEEP_IN_ATOMIC.violation(sleeping + " in atomic context must raise SleepInAtomicBug (GFP_KERNEL"
                        + " may sleep)", "SleepInAtomicBug", "it returned normally");
            } catch (SleepInAtomicBug bug) {
                KernelActions.unchanged(s, Rule.KERNEL_SLEEP_IN_ATOMIC, "the refused " + sleeping, before);
            }
            long addr;
            try {
                addr = s.machine.context().callAtomic("kernel contract", () -> allocate(s, Gfp.GFP_ATOMIC));
            } catch (SleepInAtomicBug bug) {
                throw Rule.KERNEL_SLEEP_IN_ATOMIC.violation(call(Gfp.GFP_ATOMIC) + " must be allowed in atomic context",
                        "an address or NULL", Reports.headline(bug));
            }
            if (order >= 0) {
                if (addr == 0) {
                    return "SleepInAtomicBug, then NULL";
                }
                KernelActions.accept(s, call(Gfp.GFP_ATOMIC), label, id, s.machine.pageSize() << order, Gfp.GFP_ATOMIC,
                        order, addr);
                return "SleepInAtomicBug, then " + KernelActions.hex(addr);
            }
            return "SleepInAtomicBug, then " + KernelActions.kmallocOne(s, label, id, size, Gfp.GFP_ATOMIC, addr);
        }

        /** 2.0 had no might_sleep(): under a spinlock the sleeping request is served as in process context. */
        private String linux20(KernelState s) {
            String sleeping = call(Gfp.GFP_KERNEL);
            long addr;
            try {
                addr = s.machine.context().callAtomic("kernel contract", () -> allocate(s, Gfp.GFP_KERNEL));
            } catch (SleepInAtomicBug bug) {
                throw Rule.KERNEL_SLEEP_IN_ATOMIC.violation(sleeping + " under a spinlock on the Linux 2.0 era must be"
                        + " served as in process context (2.0 had no might_sleep())", "an address or NULL",
                        Reports.headline(bug));
            }
            if (order >= 0) {
                if (addr == 0) {
                    return "under a spinlock (2.0: no check): NULL";
                }
                KernelActions.accept(s, sleeping, label, id, s.machine.pageSize() << order, Gfp.GFP_KERNEL, order, addr);
                return "under a spinlock (2.0: no check): " + KernelActions.hex(addr);
            }
            return "under a spinlock (2.0: no check): "
                    + KernelActions.kmallocOne(s, label, id, size, Gfp.GFP_KERNEL, addr);
        }

        private long allocate(KernelState s, int gfp) {
            return order >= 0 ? s.kernel.getFreePages(gfp, order) : s.kernel.kmalloc(size, gfp);
        }
    }
}
