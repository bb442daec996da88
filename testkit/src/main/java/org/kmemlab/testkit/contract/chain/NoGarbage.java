package org.kmemlab.testkit.contract.chain;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.IntConsumer;
import java.util.function.Supplier;
import org.kmemlab.testkit.contract.Rule;
import org.kmemlab.testkit.contract.support.AllocatedBytes;

/**
 * The "allocate and free SHOULD NOT allocate Java objects" warning of the page and object contracts
 * ({@code page.no-garbage}, {@code object.no-garbage}), measured once per property run.
 *
 * <p>A chain owns one instance. The first time the engine asks the chain for its warnings, the chain's
 * allocator runs {@link #PAIRS} allocate/free pairs under the thread's allocated-bytes counter
 * ({@link AllocatedBytes}), after as many to warm up, so that class loading and JIT compilation are not
 * counted. More than a byte a pair on average is a SHOULD warning; a JVM that cannot count allocated bytes
 * measures nothing. The measurement never fails a property: an allocator that throws here fails its MUST
 * properties anyway.
 */
public final class NoGarbage {

    /** Pairs of allocate and free the measurement runs (after as many to warm up). */
    public static final int PAIRS = 20_000;

    /** True once this property's run has measured the allocate/free garbage (once is enough). */
    private boolean measured;

    /**
     * Returns the chain's own warnings, with the no-garbage warning added the first time it is asked.
     *
     * @param warnings the chain's warnings so far
     * @param rule the SHOULD rule the warning cites
     * @param suspects what typically allocates, for the warning ("boxing a Long, an iterator, …")
     * @param pairs gives the work: a consumer that runs that many allocate/free pairs, or null when there is
     *        nothing to measure; called inside the measurement, so an exception there is no warning
     */
    public List<String> warnings(Collection<String> warnings, Rule rule, String suspects, Supplier<IntConsumer> pairs) {
        List<String> all = new ArrayList<>(warnings);
        if (!measured) {
            measured = true;
            String garbage = measure(rule, suspects, pairs);
            if (garbage != null) {
                all.add(garbage);
            }
        }
        return all;
    }

    private static String measure(Rule rule, String suspects, Supplier<IntConsumer> pairs) {
        AllocatedBytes counter = AllocatedBytes.counter();
        if (counter == null || !counter.calibrated()) {
            return null;
        }
        try {
            IntConsumer cycle = pairs.get();
            if (cycle == null) {
                return null;
            }
            long used = counter.ofSecondRun(() -> cycle.accept(PAIRS));
            if (used > PAIRS) {
                return rule.warning(used + " bytes of Java objects allocated in " + PAIRS + " allocate/free pairs ("
                        + suspects + ")");
            }
            return null;
        } catch (RuntimeException e) {
            return null; // a broken allocator fails its MUST properties; this measurement is only a SHOULD
        }
    }
}
