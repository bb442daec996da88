package org.kmemlab.testkit.contract.kernel;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.kmemlab.api.KernelMemory;
import org.kmemlab.api.bug.KernelBug;
import org.kmemlab.testkit.contract.Rule;
import org.kmemlab.testkit.contract.chain.Draws;
import org.kmemlab.testkit.contract.chain.FreeList;
import org.kmemlab.testkit.contract.chain.Reports;
import org.kmemlab.testkit.property.Action;
import org.kmemlab.testkit.property.Randomness;
import org.kmemlab.testkit.property.StateMachine;

/**
 * The state machine behind every kernel-contract property: random kmallocs of every size and gfp mix,
 * kfrees, page blocks, bad kfrees, sleeping requests in atomic context and free-everything steps against a
 * freshly booted kernel, with the property's invariants after every step.
 */
final class KernelChain implements StateMachine<KernelState> {

    /**
     * What a property checks and how its chains are drawn.
     *
     * @param checks the invariants checked after every step
     * @param weights relative weights of kmalloc, kfree, getFreePages, freePages, bad kfree, atomic,
     *                NULL frees and free-everything steps
     * @param oddSizePercent how often a kmalloc size is 0 or above the kernel's {@code maxKmallocSize()}
     * @param dmaPercent how often a request carries {@code GFP_DMA}
     * @param zeroPercent how often a request carries {@code __GFP_ZERO}
     */
    record Focus(Set<KernelCheck> checks, int[] weights, int oddSizePercent, int dmaPercent, int zeroPercent) {
    }

    private final Supplier<? extends KernelMemory> kernels;
    private final Focus focus;
    private final long slackPages;

    KernelChain(Supplier<? extends KernelMemory> kernels, Focus focus, long slackPages) {
        this.kernels = kernels;
        this.focus = focus;
        this.slackPages = slackPages;
    }

    @Override
    public KernelState setUp(Randomness random) {
        KernelMemory kernel = kernels.get();
        if (kernel == null) {
            throw Rule.KERNEL_KMALLOC.violation("the kernel supplier must boot a kernel", "a KernelMemory", "null");
        }
        return new KernelState(kernel, focus.checks(), slackPages);
    }

    @Override
    public String describeSetUp(KernelState s) {
        return "kernel = boot()  [" + s.machine.profile().displayName() + ", MemTotal " + s.kernel.meminfo().memTotal()
                + " kB, MemFree " + s.kernel.meminfo().memFree() + " kB]";
    }

    @Override
    public Action<KernelState> nextAction(KernelState s, Randomness random) {
        switch (random.choose(focus.weights())) {
            case 1: {
                List<String> objects = labels(s, false);
                if (!objects.isEmpty()) {
                    return new KernelActions.Kfree(random.pick(objects));
                }
                break;
            }
            case 2: {
                int id = s.newId();
                return new KernelActions.GetPages("g" + id, id, order(random), gfp(random));
            }
            case 3: {
                List<String> blocks = labels(s, true);
                if (!blocks.isEmpty()) {
                    return new KernelActions.FreePages(random.pick(blocks));
                }
                break;
            }
            case 4: {
                Action<KernelState> misuse = misuse(s, random);
                if (misuse != null) {
                    return misuse;
                }
                break;
            }
            case 5: {
                int id = s.newId();
                boolean pages = random.percent(30);
                return new KernelMisuse.SleepInAtomic((pages ? "g" : "p") + id, id, pages ? 0 : size(random),
                        pages ? order(random) : -1);
            }
            case 6:
                return new KernelActions.NullFrees();
            case 7:
                if (!s.live.isEmpty()) {
                    return FreeList.everyLive(s, "allocations", random.nextLong());
                }
                break;
            default:
                break;
        }
        int id = s.newId();
        long size = random.percent(focus.oddSizePercent())
                ? (random.percent(50) ? 0 : s.kernel.maxKmallocSize() + random.between(1, 4096))
                : size(random);
        return new KernelActions.Kmalloc("p" + id, id, size, gfp(random));
    }

    private static List<String> labels(KernelState s, boolean pages) {
        List<String> labels = new ArrayList<>();
        for (KernelAllocation a : s.live.values()) {
            if (a.isPages() == pages) {
                labels.add(a.label());
            }
        }
        return labels;
    }

    private static long size(Randomness random) {
        return switch (random.choose(60, 25, 10, 5)) {
            case 0 -> random.boundarySize(512);
            case 1 -> random.boundarySize(4096);
            case 2 -> random.boundarySize(32768);
            default -> random.boundarySize(131072);
        };
    }

    private static int order(Randomness random) {
        return random.percent(80) ? random.between(0, 2) : random.between(3, 5);
    }

    private int gfp(Randomness random) {
        return Draws.gfp(random, focus.dmaPercent(), focus.zeroPercent());
    }

    private static Action<KernelState> misuse(KernelState s, Randomness random) {
        KernelMisuse.Kind[] kinds = KernelMisuse.Kind.values();
        for (int attempt = 0; attempt < 6; attempt++) {
            KernelMisuse.Kind kind = kinds[random.between(0, kinds.length - 1)];
            KernelMisuse.BadKfree candidate = switch (kind) {
                case DOUBLE_FREE -> s.freed.isEmpty() ? null
                        : new KernelMisuse.BadKfree(kind, random.pick(new ArrayList<>(s.freed.keySet())), 0);
                case INTERIOR -> {
                    List<String> objects = labels(s, false);
                    if (objects.isEmpty()) {
                        yield null;
                    }
                    String label = random.pick(objects);
                    long size = s.live.get(label).size();
                    if (size < 2) {
                        yield null;
                    }
                    yield new KernelMisuse.BadKfree(kind, label, Draws.interiorOffset(random, size));
                }
                case PAGES_BLOCK -> {
                    List<String> blocks = labels(s, true);
                    yield blocks.isEmpty() ? null : new KernelMisuse.BadKfree(kind, random.pick(blocks), 0);
                }
                case NEVER_RETURNED -> new KernelMisuse.BadKfree(kind, null,
                        random.longBetween(0, s.machine.ramBytes() - 1) & ~7L);
                case OUTSIDE_RAM -> new KernelMisuse.BadKfree(kind, null, 8L * random.between(0, 4096));
            };
            if (candidate != null && candidate.precondition(s)) {
                return candidate;
            }
        }
        return null;
    }

    @Override
    public void checkInvariants(KernelState s) {
        if (s.checks(KernelCheck.KSIZE)) {
            for (KernelAllocation a : s.live.values()) {
                if (a.isPages()) {
                    continue;
                }
                long ksize;
                try {
                    ksize = s.kernel.ksize(a.addr());
                } catch (KernelBug bug) {
                    throw Rule.KERNEL_KSIZE.violation("ksize of live allocation " + a.label() + " at "
                            + KernelActions.hex(a.addr()) + " must not raise KernelBug", Long.toString(a.extent()),
                            Reports.headline(bug));
                }
                if (ksize != a.extent()) {
                    throw Rule.KERNEL_KSIZE.violation("ksize of live allocation " + a.label() + " changed while it was live",
                            a.extent() + " (as when it was allocated, at least " + a.size() + ")", Long.toString(ksize));
                }
            }
        }
        if (s.checks(KernelCheck.ACCOUNTING)) {
            KernelAccounting.check(s);
        }
        if (s.checks(KernelCheck.PATTERNS)) {
            s.verifyPatterns();
        }
    }

    @Override
    public List<String> warnings(KernelState s) {
        return new ArrayList<>(s.warnings);
    }

    /** Draws the kernel's /proc view beside the model for the failure page ({@link KernelPicture}). */
    @Override
    public org.kmemlab.testkit.property.Snapshot snapshot(KernelState s) {
        return KernelPicture.of(s);
    }

    @Override
    public long exercised(KernelState s) {
        return s.exercised;
    }
}
