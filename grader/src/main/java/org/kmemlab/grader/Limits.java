package org.kmemlab.grader;

import java.time.Duration;
import org.kmemlab.api.Checks;

/**
 * The resource limits of one test group's child JVM, from the rubric.
 *
 * <p>Time limits are sized for the JVM: starting a child costs about half a second, so a property's
 * clock starts when the child reports it is ready to run that property, and the group's clock (which
 * includes start-up) should allow a few seconds more than the sum of its properties.
 *
 * @param heapMegabytes the child's {@code -Xmx}; beyond it the child stops with "out of memory"
 * @param propertyTimeout wall-clock time one property may take before its child is killed (TIMED OUT)
 * @param groupTimeout wall-clock time for the whole group, restarts included
 * @param groupCpu CPU time (all threads of the child) for the whole group; a submission that starts
 *                 busy threads uses it up faster than wall-clock time
 * @param outputKibibytes how much of the submission's output is kept; the rest is cut with a marker
 * @param maxThreads how many threads the submission may have running beyond the JVM's own
 */
public record Limits(int heapMegabytes, Duration propertyTimeout, Duration groupTimeout, Duration groupCpu,
                     int outputKibibytes, int maxThreads) {

    /** The defaults the shipped rubrics use. */
    public static final Limits DEFAULTS = new Limits(256, Duration.ofSeconds(20), Duration.ofSeconds(120),
            Duration.ofSeconds(240), 64, 16);

    /** Checks every limit is positive. */
    public Limits {
        Checks.requireArgument(heapMegabytes >= 16, "heap limit %d MB is below 16 MB", heapMegabytes);
        Checks.requireNonNull(propertyTimeout, "property timeout");
        Checks.requireNonNull(groupTimeout, "group timeout");
        Checks.requireNonNull(groupCpu, "group CPU limit");
        Checks.requireArgument(!propertyTimeout.isNegative() && !propertyTimeout.isZero(),
                "property timeout %s must be positive", propertyTimeout);
        Checks.requireArgument(!groupTimeout.isNegative() && !groupTimeout.isZero(),
                "group timeout %s must be positive", groupTimeout);
        Checks.requireArgument(!groupCpu.isNegative() && !groupCpu.isZero(), "group CPU limit %s must be positive",
                groupCpu);
        Checks.requireArgument(outputKibibytes >= 1, "output limit %d KiB must be at least 1", outputKibibytes);
        Checks.requireArgument(maxThreads >= 0, "thread limit %d is negative", maxThreads);
    }
}
