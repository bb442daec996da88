package org.kmemlab.kmalloc;

import java.util.Set;
import org.kmemlab.api.Checks;

/**
 * The knobs of one fault injector, as in Linux's {@code /sys/kernel/debug/failslab/} and
 * {@code fail_page_alloc/} (Documentation/fault-injection/fault-injection.rst). Immutable: change a knob
 * with a {@code with…} method and hand the result to {@link FaultInjection}.
 *
 * <pre>{@code
 * kernel.faultInjection().failslab(FaultAttr.probability(10).withTimes(5).withCallSites("Driver.probe"));
 * }</pre>
 *
 * <h2>Which allocations fail</h2>
 * An allocation is <em>eligible</em> when the injector is on ({@code probability > 0}), its gfp has no
 * {@code __GFP_NOFAIL}, not {@code __GFP_DIRECT_RECLAIM} while {@code ignoreGfpWait} is set, its order is
 * at least {@code minOrder} (pages only), and, when {@code callSites} is not empty, one of the caller's
 * frames (up to {@code stacktraceDepth}) names a listed class or method. Then, in Linux's order:
 * <ol>
 *   <li>when {@code times} failures have been injected already, it succeeds (-1: no limit);</li>
 *   <li>while the {@code space} budget lasts, its size in bytes is taken from the budget and it
 *       succeeds;</li>
 *   <li>with {@code interval > 1}, only every {@code interval}-th eligible call goes on;</li>
 *   <li>it fails with {@code probability} percent, drawn from a generator seeded with {@code seed}, so a
 *       run replays exactly.</li>
 * </ol>
 *
 * @param probability percent of eligible calls to fail, 0 (off) .. 100
 * @param interval fail only every {@code interval}-th eligible call (1: every call may fail)
 * @param times the most failures to inject; -1 for no limit
 * @param space bytes that must be allocated before failures start
 * @param verbose 0 silent; 1 one dmesg line per failure; 2 adds the caller's frames
 * @param ignoreGfpWait never fail allocations that may sleep ({@code __GFP_DIRECT_RECLAIM}), as Linux's
 *                      default
 * @param minOrder fail only page allocations of at least this order (fail_page_alloc's {@code min-order})
 * @param callSites fail only calls with a frame in one of these classes or methods ({@code Driver},
 *                  {@code Driver.probe}, {@code org.x.Driver.probe}); empty for every caller
 * @param stacktraceDepth how many caller frames the call-site filter looks at
 * @param seed the seed of the probability draws
 */
public record FaultAttr(int probability, long interval, long times, long space, int verbose, boolean ignoreGfpWait,
                        int minOrder, Set<String> callSites, int stacktraceDepth, long seed) {

    /** Linux's default {@code stacktrace-depth}. */
    public static final int DEFAULT_STACKTRACE_DEPTH = 32;

    /** Injects nothing. */
    public static final FaultAttr OFF = new FaultAttr(0, 1, -1, 0, 0, true, 0, Set.of(), DEFAULT_STACKTRACE_DEPTH, 0);

    /** Checks the values and copies the call-site set. */
    public FaultAttr {
        Checks.requireArgument(probability >= 0 && probability <= 100, "probability %d is not 0..100 percent",
                probability);
        Checks.requireArgument(interval >= 1, "interval %d must be at least 1", interval);
        Checks.requireArgument(times >= -1, "times %d must be -1 (no limit) or more", times);
        Checks.requireArgument(space >= 0, "space %d is negative", space);
        Checks.requireArgument(verbose >= 0 && verbose <= 2, "verbose %d is not 0, 1 or 2", verbose);
        Checks.requireArgument(minOrder >= 0, "min-order %d is negative", minOrder);
        Checks.requireArgument(stacktraceDepth >= 1, "stacktrace-depth %d must be at least 1", stacktraceDepth);
        callSites = Set.copyOf(Checks.requireNonNull(callSites, "call sites"));
    }

    /** Fails {@code percent} of eligible calls, with Linux's defaults for everything else. */
    public static FaultAttr probability(int percent) {
        return OFF.withProbability(percent);
    }

    /**
     * Parses Linux's boot-option form {@code <interval>,<probability>,<space>,<times>}, e.g.
     * {@code failslab=1,10,0,-1}.
     *
     * @throws IllegalArgumentException for text of another shape
     */
    public static FaultAttr parse(String text) {
        String[] parts = Checks.requireNonNull(text, "fault attributes").split(",");
        Checks.requireArgument(parts.length == 4, "'%s' is not <interval>,<probability>,<space>,<times>", text);
        try {
            return OFF.withInterval(Long.parseLong(parts[0].trim()))
                    .withProbability(Integer.parseInt(parts[1].trim()))
                    .withSpace(Long.parseLong(parts[2].trim()))
                    .withTimes(Long.parseLong(parts[3].trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not <interval>,<probability>,<space>,<times>"
                    + " of whole numbers", e);
        }
    }

    /** Returns true when this injector can fail anything. */
    public boolean enabled() {
        return probability > 0 && times != 0;
    }

    /** Returns these knobs with {@code probability} set to {@code percent}. */
    public FaultAttr withProbability(int percent) {
        return new FaultAttr(percent, interval, times, space, verbose, ignoreGfpWait, minOrder, callSites,
                stacktraceDepth, seed);
    }

    /** Returns these knobs failing only every {@code every}-th eligible call. */
    public FaultAttr withInterval(long every) {
        return new FaultAttr(probability, every, times, space, verbose, ignoreGfpWait, minOrder, callSites,
                stacktraceDepth, seed);
    }

    /** Returns these knobs injecting at most {@code most} failures (-1: no limit). */
    public FaultAttr withTimes(long most) {
        return new FaultAttr(probability, interval, most, space, verbose, ignoreGfpWait, minOrder, callSites,
                stacktraceDepth, seed);
    }

    /** Returns these knobs letting {@code bytes} be allocated before failures start. */
    public FaultAttr withSpace(long bytes) {
        return new FaultAttr(probability, interval, times, bytes, verbose, ignoreGfpWait, minOrder, callSites,
                stacktraceDepth, seed);
    }

    /** Returns these knobs logging at {@code level} (0, 1 or 2). */
    public FaultAttr withVerbose(int level) {
        return new FaultAttr(probability, interval, times, space, level, ignoreGfpWait, minOrder, callSites,
                stacktraceDepth, seed);
    }

    /** Returns these knobs sparing ({@code true}) or failing sleeping allocations. */
    public FaultAttr withIgnoreGfpWait(boolean ignore) {
        return new FaultAttr(probability, interval, times, space, verbose, ignore, minOrder, callSites,
                stacktraceDepth, seed);
    }

    /** Returns these knobs failing only page allocations of at least {@code order}. */
    public FaultAttr withMinOrder(int order) {
        return new FaultAttr(probability, interval, times, space, verbose, ignoreGfpWait, order, callSites,
                stacktraceDepth, seed);
    }

    /** Returns these knobs failing only calls from the named classes or methods. */
    public FaultAttr withCallSites(String... sites) {
        return new FaultAttr(probability, interval, times, space, verbose, ignoreGfpWait, minOrder,
                Set.of(Checks.requireNonNull(sites, "call sites")), stacktraceDepth, seed);
    }

    /** Returns these knobs looking at {@code depth} caller frames for the call-site filter. */
    public FaultAttr withStacktraceDepth(int depth) {
        return new FaultAttr(probability, interval, times, space, verbose, ignoreGfpWait, minOrder, callSites,
                depth, seed);
    }

    /** Returns these knobs drawing probabilities from a generator seeded with {@code newSeed}. */
    public FaultAttr withSeed(long newSeed) {
        return new FaultAttr(probability, interval, times, space, verbose, ignoreGfpWait, minOrder, callSites,
                stacktraceDepth, newSeed);
    }
}
