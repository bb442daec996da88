package org.kmemlab.grader;

/**
 * The Markdown a student reads for one property: the status, the property's own report (shrunk steps,
 * broken invariant, expected and actual, seed) and the one command that replays exactly this run.
 */
final class Feedback {

    private Feedback() {
    }

    /** Returns the output of one graded property. */
    static String property(GroupRunner.Outcome o, PropertyRun run, Discovery.Found provider, Submission sub) {
        StringBuilder out = new StringBuilder();
        out.append("**").append(o.status().label()).append("**");
        if (o.status().passed()) {
            out.append(String.format(java.util.Locale.ROOT, " (seed %d, %d tries of up to %d steps, %.1f s)%n",
                    run.seed(), run.tries(), run.steps(), o.seconds()));
            if (!o.detail().isBlank() && o.detail().contains("warning:")) {
                out.append("\n```text\n").append(o.detail().strip()).append("\n```\n");
            }
            return out.toString();
        }
        out.append("\n\n");
        if (o.status() == Status.FAILED) {
            out.append("```text\n").append(GroupRunner.head(o.detail(), 12_000)).append("\n```\n");
        } else {
            out.append(o.detail()).append('\n');
        }
        out.append("\nReplay exactly this run locally:\n\n```\n").append(replay(run, provider, sub)).append("\n```\n");
        return out.toString();
    }

    /** Returns the grader command that re-runs one property with the same seed and effort. */
    static String replay(PropertyRun run, Discovery.Found provider, Submission sub) {
        return "kmemlab grade " + sub.name() + " --spi " + provider.spi().key() + " --only " + run.id() + " --seed "
                + run.seed() + " --tries " + run.tries() + " --steps " + run.steps();
    }
}
