package org.kmemlab.testkit.property;

import java.util.List;

/**
 * What a state looks like at one step of a counterexample, for the failure page: the system under test's
 * view beside the model's, line by line. Lines at the same index describe the same thing ("order 2: 1
 * free block"), so the page can highlight the lines where the two disagree: where they diverge.
 *
 * @param allocator what the system under test reports, one fact a line
 * @param model what the model expects, the same facts in the same order
 */
public record Snapshot(List<String> allocator, List<String> model) {

    /** Copies the lists. */
    public Snapshot {
        allocator = List.copyOf(allocator);
        model = List.copyOf(model);
    }

    /** Returns true when some line differs (or one side has more lines). */
    public boolean diverges() {
        return !allocator.equals(model);
    }
}
