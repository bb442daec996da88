package org.kmemlab.testkit.contract.kernel;

import java.util.ArrayList;
import java.util.List;
import org.kmemlab.api.Era;
import org.kmemlab.api.Gfp;
import org.kmemlab.api.KernelMemory;
import org.kmemlab.api.MachineProfile;
import org.kmemlab.api.bug.KernelBug;
import org.kmemlab.testkit.contract.Rule;
import org.kmemlab.testkit.contract.chain.Reports;
import org.kmemlab.testkit.property.Action;

/** The calls of kernel-contract chains: immutable values naming their allocations by label. */
final class KernelActions {

    /** No era's kmalloc serves more: larger requests MUST give NULL whatever the kernel's era. */
    static final long LARGEST_KMALLOC = largestKmalloc();

    private KernelActions() {
    }

    private static long largestKmalloc() {
        long largest = 0;
        for (Era era : Era.values()) {
            largest = Math.max(largest, era.maxKmallocSize());
        }
        return largest;
    }

    static String hex(long addr) {
        return "0x" + Long.toHexString(addr);
    }

    static String kmallocCall(long size, int gfp) {
        return "kmalloc(" + size + ", " + Gfp.toString(gfp) + ")";
    }

    static String pagesCall(int gfp, int order) {
        return "getFreePages(" + Gfp.toString(gfp) + ", order " + order + ")";
    }

    // ---------------------------------------------------------------- shared checks

    /**
     * Checks memory the kernel returned and records it: a direct-map address, sharing no byte with a
     * live allocation; for kmalloc a {@code ksize} of at least the size, for pages a naturally aligned
     * block; {@code __GFP_ZERO} and {@code GFP_DMA} when the property checks them. A pattern is then written
     * over it, so freed memory is never accidentally zero.
     */
    static KernelAllocation accept(KernelState s, String call, String label, int id, long size, int gfp, int order,
                                   long addr) {
        if (!s.machine.isDirectMapped(addr) || !s.machine.isDirectMapped(addr + size - 1)) {
            throw Rule.KERNEL_KMALLOC.violation(call + " must return a direct-map address of this machine's RAM",
                    "an address from " + hex(s.machine.profile().pageOffset()) + " on", hex(addr));
        }
        long extent;
        if (order >= 0) {
            long pfn = s.machine.pa(addr) >>> MachineProfile.PAGE_SHIFT;
            if ((s.machine.pa(addr) & (s.machine.pageSize() - 1)) != 0 || (pfn & ((1L << order) - 1)) != 0) {
                throw Rule.KERNEL_PAGES.violation("a block of 2^" + order + " pages must be naturally aligned: its first"
                        + " frame a multiple of " + (1L << order), "pfn % " + (1L << order) + " == 0",
                        hex(addr) + " (pa " + hex(s.machine.pa(addr)) + ", pfn " + pfn + ")");
            }
            extent = size;
        } else {
            try {
                extent = s.kernel.ksize(addr);
            } catch (KernelBug bug) {
                throw Rule.KERNEL_KSIZE.violation("ksize(" + hex(addr) + ") of memory kmalloc just returned must not raise"
                        + " KernelBug", "at least " + size, Reports.headline(bug));
            }
            if (extent < size) {
                throw Rule.KERNEL_KSIZE.violation("ksize(" + hex(addr) + ") is " + extent + " but " + size + " bytes were"
                        + " asked for", "at least " + size, Long.toString(extent));
            }
        }
        KernelAllocation other = s.overlapping(addr, extent);
        if (other != null) {
            throw Rule.KERNEL_KMALLOC.violation(call + " returned memory overlapping live allocation " + other.label()
                    + " at " + other, "memory sharing no byte with a live allocation",
                    hex(addr) + " (" + extent + " bytes)");
        }
        if (s.checks(KernelCheck.GFP)) {
            checkGfp(s, call, size, gfp, addr);
        }
        KernelAllocation a = new KernelAllocation(label, id, addr, size, extent, gfp, order);
        s.add(a);
        return a;
    }

    private static void checkGfp(KernelState s, String call, long size, int gfp, long addr) {
        if ((gfp & Gfp.__GFP_DMA) != 0 && s.machine.pa(addr) + size > MachineProfile.MAX_DMA_ADDRESS) {
            throw Rule.KERNEL_GFP_DMA.violation(call + ": GFP_DMA memory must lie below 16 MiB (MAX_DMA_ADDRESS)",
                    "physical addresses below " + hex(MachineProfile.MAX_DMA_ADDRESS),
                    hex(addr) + " at pa " + hex(s.machine.pa(addr)) + " .. " + hex(s.machine.pa(addr) + size));
        }
        if ((gfp & Gfp.__GFP_ZERO) != 0) {
            byte[] bytes = new byte[(int) size];
            s.kernel.read(addr, bytes, 0, bytes.length);
            for (int i = 0; i < bytes.length; i++) {
                if (bytes[i] != 0) {
                    throw Rule.KERNEL_GFP_ZERO.violation(call + ": __GFP_ZERO memory must be zeroed, but byte " + i + " of "
                            + hex(addr) + " is not 0", size + " zero bytes",
                            "0x" + Integer.toHexString(bytes[i] & 0xff) + " at offset " + i);
                }
            }
        }
    }

    /** Checks that a call that must have no effect had none. */
    static void unchanged(KernelState s, Rule rule, String call, KernelState.Snapshot before) {
        KernelState.Snapshot after = s.snapshot();
        if (!before.equals(after)) {
            throw rule.violation(call + " must change nothing", before + " (unchanged)", after.toString());
        }
    }

    // ---------------------------------------------------------------- kmalloc / kfree

    /** {@code p3 = kmalloc(24, GFP_KERNEL)}. */
    record Kmalloc(String label, int id, long size, int gfp) implements Action<KernelState> {

        @Override
        public String describe() {
            return label + " = " + kmallocCall(size, gfp);
        }

        @Override
        public boolean precondition(KernelState s) {
            return !s.live.containsKey(label);
        }

        @Override
        public String run(KernelState s) {
            return kmallocOne(s, label, id, size, gfp, s.kernel.kmalloc(size, gfp));
        }

        @Override
        public List<Action<KernelState>> shrinks() {
            List<Action<KernelState>> simpler = new ArrayList<>();
            if (gfp != Gfp.GFP_KERNEL) {
                simpler.add(new Kmalloc(label, id, size, Gfp.GFP_KERNEL));
            }
            if (size > 1 && size <= LARGEST_KMALLOC) {
                for (long smaller : new long[] {1, 8, 64, size / 2, size - 1}) {
                    if (smaller >= 1 && smaller < size) {
                        simpler.add(new Kmalloc(label, id, smaller, gfp));
                    }
                }
            }
            return simpler;
        }
    }

    /**
     * Checks what {@code kmalloc(size, gfp)} returned ({@code addr}): ZERO_SIZE_PTR for 0 (on a Linux 2.0
     * machine also a real block, which 2.0's kmalloc gave), NULL above every
     * era's maximum (changing nothing), otherwise NULL or memory that {@link #accept} checks.
     */
    static String kmallocOne(KernelState s, String label, int id, long size, int gfp, long addr) {
        String call = kmallocCall(size, gfp);
        if (size == 0) {
            if (addr != KernelMemory.ZERO_SIZE_PTR && linux20Block(s, addr)) {
                // Linux 2.0's kmalloc(0) gave a real 32-byte block (mm/kmalloc.c: realsize = 0 + header)
                KernelAllocation a = accept(s, call, label, id, 1, gfp, -1, addr);
                return hex(addr) + " (a real block, as in Linux 2.0; ksize " + a.extent() + ")";
            }
            if (addr != KernelMemory.ZERO_SIZE_PTR) {
                throw Rule.KERNEL_ZERO_SIZE.violation(call + " must return ZERO_SIZE_PTR", hex(KernelMemory.ZERO_SIZE_PTR),
                        hex(addr));
            }
            return "ZERO_SIZE_PTR";
        }
        long max = s.kernel.maxKmallocSize();
        if (size > max && addr != KernelMemory.NULL) {
            throw Rule.KERNEL_MAX_KMALLOC_SIZE.violation(call + " must return NULL: this kernel's kmalloc serves at most "
                    + max + " bytes (maxKmallocSize())", "NULL", hex(addr));
        }
        if (addr == KernelMemory.NULL) {
            return "NULL";
        }
        KernelAllocation a = accept(s, call, label, id, size, gfp, -1, addr);
        return hex(addr) + " (ksize " + a.extent() + ")";
    }

    /** True when {@code addr} may be kmalloc(0)'s answer on a Linux 2.0 machine: a real block, not NULL. */
    private static boolean linux20Block(KernelState s, long addr) {
        return s.machine.profile().era() == org.kmemlab.api.Era.LINUX_2_0 && addr != KernelMemory.NULL;
    }

    /** {@code kfree(p3)}. */
    record Kfree(String label) implements Action<KernelState> {

        @Override
        public String describe() {
            return "kfree(" + label + ")";
        }

        @Override
        public boolean precondition(KernelState s) {
            KernelAllocation a = s.live.get(label);
            return a != null && !a.isPages();
        }

        @Override
        public String run(KernelState s) {
            KernelAllocation a = s.live.get(label);
            try {
                s.kernel.kfree(a.addr());
            } catch (KernelBug bug) {
                throw Rule.KERNEL_KFREE_NULL.violation("kfree of live allocation " + label + " at " + hex(a.addr())
                        + " must be accepted", "kfree returns normally", Reports.headline(bug));
            }
            s.remove(a);
            return "ok (" + hex(a.addr()) + ")";
        }
    }

    /** {@code kfree(NULL), kfree(ZERO_SIZE_PTR)}: both do nothing. */
    record NullFrees() implements Action<KernelState> {

        @Override
        public String describe() {
            return "kfree(NULL), kfree(ZERO_SIZE_PTR)";
        }

        @Override
        public String run(KernelState s) {
            KernelState.Snapshot before = s.snapshot();
            for (long addr : new long[] {KernelMemory.NULL, KernelMemory.ZERO_SIZE_PTR}) {
                String call = "kfree(" + (addr == 0 ? "NULL" : "ZERO_SIZE_PTR") + ")";
                try {
                    s.kernel.kfree(addr);
                } catch (KernelBug bug) {
                    throw Rule.KERNEL_KFREE_NULL.violation(call + " must do nothing", "a quiet return",
                            Reports.headline(bug));
                }
                unchanged(s, Rule.KERNEL_KFREE_NULL, call, before);
            }
            return "ok";
        }
    }

    // ---------------------------------------------------------------- pages

    /** {@code g3 = getFreePages(GFP_KERNEL, order 2)}. */
    record GetPages(String label, int id, int order, int gfp) implements Action<KernelState> {

        @Override
        public String describe() {
            return label + " = " + pagesCall(gfp, order);
        }

        @Override
        public boolean precondition(KernelState s) {
            return !s.live.containsKey(label);
        }

        @Override
        public String run(KernelState s) {
            long addr = s.kernel.getFreePages(gfp, order);
            if (addr == KernelMemory.NULL) {
                return "NULL";
            }
            accept(s, pagesCall(gfp, order), label, id, s.machine.pageSize() << order, gfp, order, addr);
            return hex(addr);
        }

        @Override
        public List<Action<KernelState>> shrinks() {
            List<Action<KernelState>> simpler = new ArrayList<>();
            if (gfp != Gfp.GFP_KERNEL) {
                simpler.add(new GetPages(label, id, order, Gfp.GFP_KERNEL));
            }
            for (int smaller = 0; smaller < order; smaller++) {
                simpler.add(new GetPages(label, id, smaller, gfp));
            }
            return simpler;
        }
    }

    /** {@code freePages(g3, order 2)}. */
    record FreePages(String label) implements Action<KernelState> {

        @Override
        public String describe() {
            return "freePages(" + label + ")";
        }

        @Override
        public boolean precondition(KernelState s) {
            KernelAllocation a = s.live.get(label);
            return a != null && a.isPages();
        }

        @Override
        public String run(KernelState s) {
            KernelAllocation a = s.live.get(label);
            try {
                s.kernel.freePages(a.addr(), a.order());
            } catch (KernelBug bug) {
                throw Rule.KERNEL_PAGES.violation("freePages of live block " + label + " at " + hex(a.addr()) + ", order "
                        + a.order() + " must be accepted", "freePages returns normally", Reports.headline(bug));
            }
            s.remove(a);
            return "ok (" + hex(a.addr()) + ", order " + a.order() + ")";
        }
    }
}
