package org.kmemlab.grader;

import java.util.ArrayList;
import java.util.List;
import org.kmemlab.api.Checks;
import org.kmemlab.api.spi.Provider;
import org.kmemlab.testkit.contract.ContractProperty;
import org.kmemlab.testkit.contract.PropertyResult;
import org.kmemlab.testkit.property.Effort;

/**
 * Builds the {@link PropertyResult} of an instructor's own property (see {@link PropertySet} and
 * GRADING.md, "Writing a hidden property set") without its fourteen-argument constructor:
 *
 * <pre>{@code
 * CustomResult result = CustomResult.of(this, provider, effort);
 * result.step("allocate(10) -> " + first);
 * if (first == PageAllocator.NO_PAGE) {
 *     return result.failed("an order-10 block fits", "a pfn", "NO_PAGE");
 * }
 * return result.passed();
 * }</pre>
 *
 * The replay line of a failure is the grader command that re-runs exactly this property with this
 * seed and effort, unless {@link #replay(String)} sets another.
 */
public final class CustomResult {

    private final String id;
    private final String title;
    private final String subject;
    private final Effort effort;
    private final List<String> steps = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();
    private String setUp = "";
    private int tries = 1;
    private String replay;

    private CustomResult(String id, String title, String subject, Effort effort) {
        this.id = Checks.requireNonNull(id, "property id");
        this.title = Checks.requireNonNull(title, "property title");
        this.subject = Checks.requireNonNull(subject, "subject");
        this.effort = Checks.requireNonNull(effort, "effort");
        String spi = id.contains(".") ? id.substring(0, id.indexOf('.')) : id;
        this.replay = "kmemlab grade <your submission> --spi " + spi + " --only " + id + " --seed " + effort.seed()
                + " --tries " + effort.tries() + " --steps " + effort.steps();
    }

    /** Starts the result of {@code property} checked on {@code provider} with {@code effort}. */
    public static CustomResult of(ContractProperty property, Provider provider, Effort effort) {
        Checks.requireNonNull(property, "property");
        Checks.requireNonNull(provider, "provider");
        return new CustomResult(property.id(), property.title(), provider.name(), effort);
    }

    /** Sets the line shown as step 0: what was built before the first step (a machine, a zone). */
    public CustomResult setUp(String text) {
        this.setUp = Checks.requireNonNull(text, "set-up");
        return this;
    }

    /** Adds one numbered step to the report, in the order they ran. */
    public CustomResult step(String text) {
        steps.add((steps.size() + 1) + ": " + Checks.requireNonNull(text, "step"));
        return this;
    }

    /** Adds a SHOULD-level finding that does not fail the property. */
    public CustomResult warning(String text) {
        warnings.add(Checks.requireNonNull(text, "warning"));
        return this;
    }

    /** Sets how many tries ran (1 unless the property repeats itself). */
    public CustomResult tries(int count) {
        Checks.requireArgument(count >= 1, "tries must be at least 1, not %d", count);
        this.tries = count;
        return this;
    }

    /** Replaces the replay line, for instance with your course's own command. */
    public CustomResult replay(String command) {
        this.replay = Checks.requireNonNull(command, "replay command");
        return this;
    }

    /** Returns the passed result. */
    public PropertyResult passed() {
        return new PropertyResult(id, title, subject, true, effort, tries, "", List.of(), "", "", "", 0, replay,
                warnings);
    }

    /**
     * Returns the failed result.
     *
     * @param brokenInvariant what is broken, in plain words
     * @param expected what was expected
     * @param actual what the allocator did
     */
    public PropertyResult failed(String brokenInvariant, String expected, String actual) {
        return new PropertyResult(id, title, subject, false, effort, tries, setUp.isEmpty() ? "(nothing)" : setUp,
                steps, Checks.requireNonNull(brokenInvariant, "broken invariant"),
                Checks.requireNonNull(expected, "expected"), Checks.requireNonNull(actual, "actual"), steps.size(),
                replay, warnings);
    }
}
