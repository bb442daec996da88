package org.kmemlab.grader;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.kmemlab.api.Checks;

/**
 * How one SPI's submissions are graded: which properties count and how much, who sees them when, how
 * their seeds are chosen, the limits, the performance scale and what breaking the submission rules
 * costs. Read from YAML or JSON by {@link RubricLoader}; {@code GRADING.md} documents every field.
 *
 * @param name the assignment's name, shown in reports
 * @param spi the SPI graded
 * @param reference the provider name of the reference implementation the performance is compared with
 * @param provider the name of the submission's provider to grade, or empty: then the only one, or the
 *                 first by name when there are several
 * @param seed the fixed seed of groups with {@link SeedMode#FIXED} seeds
 * @param hiddenSalt an instructor's secret mixed into derived seeds, so students cannot compute them
 * @param tries the default chains per property
 * @param steps the default steps per chain
 * @param limits the default limits of every group
 * @param runTimeout the wall-clock limit of the whole grade of this SPI
 * @param groups the test groups, each run in its own child JVM
 * @param performance the performance scale, or null when performance is not graded
 * @param rules what a violation of the submission rules does
 */
public record Rubric(String name, Spi spi, String reference, String provider, long seed, String hiddenSalt, int tries, int steps,
                     Limits limits, Duration runTimeout, List<Group> groups, Performance performance, Rules rules) {

    /** Checks the parts. */
    public Rubric {
        Checks.requireNonNull(name, "name");
        Checks.requireNonNull(spi, "spi");
        Checks.requireNonNull(reference, "reference");
        Checks.requireNonNull(provider, "provider");
        Checks.requireNonNull(hiddenSalt, "hiddenSalt");
        Checks.requireNonNull(limits, "limits");
        Checks.requireNonNull(runTimeout, "runTimeout");
        Checks.requireNonNull(rules, "rules");
        groups = List.copyOf(groups);
        Checks.requireArgument(!groups.isEmpty(), "a rubric needs at least one group, not %d", groups.size());
    }

    /** Who sees a test, and when; the values are Gradescope's. */
    public enum Visibility {
        /** Always shown. */
        VISIBLE,
        /** Never shown to students. */
        HIDDEN,
        /** Shown once the due date has passed. */
        AFTER_DUE_DATE,
        /** Shown once the instructor publishes the grades. */
        AFTER_PUBLISHED;

        /** Returns Gradescope's name: {@code visible}, {@code after_due_date}, … */
        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }

        /**
         * Returns the visibility named {@code text}.
         *
         * @throws IllegalArgumentException listing the accepted names
         */
        public static Visibility of(String text) {
            for (Visibility v : values()) {
                if (v.key().equals(text.trim().toLowerCase(Locale.ROOT).replace('-', '_'))) {
                    return v;
                }
            }
            throw new IllegalArgumentException("unknown visibility \"" + text
                    + "\"; use visible, hidden, after_due_date or after_published");
        }
    }

    /** Where a group's seeds come from. */
    public enum SeedMode {
        /** The rubric's (or group's) fixed seed: the same for every submission, so students can replay it. */
        FIXED,
        /** Derived from the submission's SHA-256 and the rubric's salt: different per submission. */
        SUBMISSION
    }

    /**
     * A group of properties run in one child JVM.
     *
     * @param name the group's name, shown in test names ({@code contract}, {@code hidden})
     * @param visibility who sees its tests
     * @param seeds where its seeds come from
     * @param seed the fixed seed when {@code seeds} is {@link SeedMode#FIXED}
     * @param tries chains per property
     * @param steps steps per chain
     * @param items which properties count and their weights, first match wins
     * @param hiddenTests jars or directories with extra {@link PropertySet}s, resolved against the
     *                    rubric file's folder
     * @param limits the group's limits
     */
    public record Group(String name, Visibility visibility, SeedMode seeds, long seed, int tries, int steps,
                        List<Item> items, List<String> hiddenTests, Limits limits) {

        /** Copies the lists. */
        public Group {
            Checks.requireNonNull(name, "group name");
            Checks.requireNonNull(visibility, "visibility");
            Checks.requireNonNull(seeds, "seeds");
            Checks.requireNonNull(limits, "limits");
            items = List.copyOf(items);
            hiddenTests = List.copyOf(hiddenTests);
            Checks.requireArgument(tries >= 1, "group tries %d must be at least 1", tries);
            Checks.requireArgument(steps >= 1, "group steps %d must be at least 1", steps);
        }

        /** Returns the first item whose pattern matches {@code propertyId}, or null. */
        public Item itemFor(String propertyId) {
            for (Item item : items) {
                if (item.matches(propertyId)) {
                    return item;
                }
            }
            return null;
        }
    }

    /**
     * A property pattern and its weight.
     *
     * @param id a property id ({@code page.no-overlap}) or a pattern with {@code *} ({@code page.*}, {@code *})
     * @param weight the points a passing property earns; 0 runs it for feedback only
     */
    public record Item(String id, double weight) {

        /** Checks the weight. */
        public Item {
            Checks.requireNonNull(id, "property id");
            Checks.requireArgument(weight >= 0 && Double.isFinite(weight), "weight %s of %s must be 0 or more",
                    weight, id);
        }

        /** Returns true when {@code propertyId} matches this item's id or pattern. */
        public boolean matches(String propertyId) {
            if (!id.contains("*")) {
                return id.equals(propertyId);
            }
            List<String> parts = new java.util.ArrayList<>();
            for (String part : id.split("\\*", -1)) {
                parts.add(java.util.regex.Pattern.quote(part));
            }
            String pattern = String.join(".*", parts);
            return propertyId.matches(pattern);
        }
    }

    /**
     * How performance turns into points.
     *
     * @param maxScore the most points
     * @param visibility who sees the performance test
     * @param gate groups whose every property must pass before performance earns points
     * @param workloads the workloads measured; the ratio is their geometric mean
     * @param warmups untimed rounds per implementation and workload
     * @param rounds timed rounds per implementation and workload (best counts)
     * @param thresholds the scale: the points of the highest threshold the ratio reaches
     * @param limits the performance child's limits
     */
    public record Performance(double maxScore, Visibility visibility, List<String> gate, List<Workload> workloads,
                              int warmups, int rounds, List<Threshold> thresholds, Limits limits) {

        /** Copies the lists and sorts the thresholds by ratio. */
        public Performance {
            Checks.requireNonNull(visibility, "visibility");
            Checks.requireNonNull(limits, "limits");
            gate = List.copyOf(gate);
            workloads = List.copyOf(workloads);
            Checks.requireArgument(!workloads.isEmpty(), "performance needs at least one workload, not %d",
                    workloads.size());
            Checks.requireArgument(rounds >= 1, "performance rounds %d must be at least 1", rounds);
            Checks.requireArgument(warmups >= 0, "performance warm-ups %d is negative", warmups);
            thresholds = thresholds.stream().sorted(java.util.Comparator.comparingDouble(Threshold::ratio)).toList();
            for (Threshold t : thresholds) {
                Checks.requireArgument(t.points() <= maxScore, "threshold %s gives more than maxScore %s", t,
                        maxScore);
            }
        }

        /** Returns the points {@code ratio} earns: those of the highest threshold it reaches, else 0. */
        public double pointsFor(double ratio) {
            double points = 0;
            for (Threshold t : thresholds) {
                if (ratio >= t.ratio()) {
                    points = t.points();
                }
            }
            return points;
        }
    }

    /**
     * One workload of the performance test.
     *
     * @param name its name ({@code mixed})
     * @param ops operations per round
     * @param seed the seed of its operation sequence
     */
    public record Workload(String name, int ops, long seed) {

        /** Checks the count. */
        public Workload {
            Checks.requireNonNull(name, "workload name");
            Checks.requireArgument(ops >= 1, "workload ops %d must be at least 1", ops);
        }
    }

    /**
     * One step of the performance scale.
     *
     * @param ratio the speed relative to the reference (1.0: as fast)
     * @param points the points from this ratio up
     */
    public record Threshold(double ratio, double points) {
    }

    /**
     * What breaking the submission rules costs.
     *
     * @param onViolation {@code zero} (the score is 0), {@code deduct} (minus {@code deduct} points) or
     *                    {@code report} (shown, costs nothing)
     * @param deduct the points taken off for {@code deduct}
     */
    public record Rules(String onViolation, double deduct) {

        /** Checks the action. */
        public Rules {
            Checks.requireArgument(List.of("zero", "deduct", "report").contains(onViolation),
                    "rules.onViolation \"%s\" must be zero, deduct or report", onViolation);
            Checks.requireArgument(deduct >= 0, "rules.deduct %s is negative", deduct);
        }
    }
}
