package org.kmemlab.testkit.property;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * What a state looks like at one step of a counterexample, for the failure page: the system under test's
 * view beside the model's, line by line. Lines at the same index describe the same thing ("order 2: 1
 * free block"), so the page can highlight the lines where the two disagree: where they diverge.
 *
 * <p>A state machine draws one with {@link Sides}: {@link Sides#compare} for a fact the model has an
 * expectation for, {@link Sides#both} for a heading or a fact only one side knows (it then reads the same
 * on both sides and is never highlighted).
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

    /**
     * Builds a snapshot two lines at a time, so that the allocator's and the model's lines stay paired.
     * A line the model agrees with MUST read exactly as the allocator's line: the page highlights every
     * pair that differs by a character.
     */
    public static final class Sides {
        private final List<String> allocator = new ArrayList<>();
        private final List<String> model = new ArrayList<>();

        /** Starts an empty picture. */
        public Sides() {
        }

        /** Adds {@code line} to both sides: a heading, or a fact the model has no expectation for. */
        public Sides both(String line) {
            allocator.add(line);
            model.add(line);
            return this;
        }

        /** Adds a fact as the allocator reports it beside the same fact as the model expects it. */
        public Sides compare(String allocatorLine, String modelLine) {
            allocator.add(allocatorLine);
            model.add(modelLine);
            return this;
        }

        /**
         * Adds {@code label: value} as the allocator reports it beside {@code label: expected}. A call of the
         * allocator that throws is drawn as {@code label: threw IllegalStateException} (the picture is still
         * drawn when the allocator is broken, which is when it is wanted).
         */
        public Sides compare(String label, LongSupplier value, long expected) {
            return compare(label + ": " + ask(value), label + ": " + expected);
        }

        /**
         * Adds a fact the model only bounds: the allocator's line on both sides when {@code holds}, else the
         * allocator's line beside {@code expectation} (which says the bound, e.g. {@code at least 3}).
         */
        public Sides expect(String allocatorLine, boolean holds, String expectation) {
            return compare(allocatorLine, holds ? allocatorLine : expectation);
        }

        /** Returns the snapshot drawn so far. */
        public Snapshot build() {
            return new Snapshot(allocator, model);
        }

        /** Returns the value, or {@code threw <exception>} when asking for it threw. */
        public static String ask(LongSupplier value) {
            try {
                return Long.toString(value.getAsLong());
            } catch (RuntimeException e) {
                return "threw " + e.getClass().getSimpleName();
            }
        }
    }
}
