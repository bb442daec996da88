package org.kmemlab.grader;

/**
 * The Markdown a student reads for one property: the status, the property's own report (shrunk steps,
 * broken invariant, expected and actual, seed) and the one command that replays exactly this run.
 */
final class Feedback {

    private Feedback() {
    }

    /**
     * Returns {@code text} as a Markdown code block of plain text. Whatever it holds comes from the
     * submission (its output, an exception's message, a file name), so it is fenced with more backticks
     * than the longest run inside it (CommonMark closes a block only with a fence at least as long):
     * printing three backticks cannot close the block and make the rest read as the grader's Markdown (a
     * heading with a score, say).
     */
    static String code(String text) {
        return code("text", text);
    }

    /** Returns {@code text} as a Markdown code block of {@code language}, fenced as {@link #code(String)} says. */
    static String code(String language, String text) {
        int longest = 0;
        int run = 0;
        for (int i = 0; i < text.length(); i++) {
            run = text.charAt(i) == '`' ? run + 1 : 0;
            longest = Math.max(longest, run);
        }
        String fence = "`".repeat(Math.max(3, longest + 1));
        return fence + language + "\n" + text + "\n" + fence;
    }

    /** Returns the output of one graded property. */
    static String property(GroupRunner.Outcome o, PropertyRun run, Discovery.Found provider, Submission sub) {
        StringBuilder out = new StringBuilder();
        out.append("**").append(o.status().label()).append("**");
        if (o.status().passed()) {
            out.append(String.format(java.util.Locale.ROOT, " (seed %d, %d tries of up to %d steps, %.1f s)%n",
                    run.seed(), run.tries(), run.steps(), o.seconds()));
            if (!o.detail().isBlank() && o.detail().contains("warning:")) {
                out.append("\n").append(code(o.detail().strip())).append("\n");
            }
            return out.toString();
        }
        out.append("\n\n");
        if (o.status() == Status.FAILED) {
            out.append(code(GroupRunner.head(o.detail(), 12_000))).append("\n");
        } else {
            out.append(o.detail()).append('\n');
        }
        out.append("\nReplay exactly this run locally:\n\n").append(code("", replay(run, provider, sub))).append("\n");
        return out.toString();
    }

    /** Returns the grader command that re-runs one property with the same seed and effort. */
    static String replay(PropertyRun run, Discovery.Found provider, Submission sub) {
        return "kmemlab grade " + shellWord(sub.input().toString()) + " --spi " + provider.spi().key()
                + " --only " + run.id() + " --seed " + run.seed() + " --tries " + run.tries() + " --steps " + run.steps();
    }

    /** The characters a POSIX shell reads as they are, in a word of their own. */
    private static final java.util.regex.Pattern PLAIN_WORD = java.util.regex.Pattern.compile("[A-Za-z0-9/._+:@%,=-]+");

    /**
     * Returns {@code path} as one word a POSIX shell reads back unchanged: as it is when it holds only
     * characters no shell treats specially, else in single quotes (a quote inside written as {@code '\''}).
     * The replay line names the submission by the path the grader resolved, so it can be pasted as it is.
     */
    static String shellWord(String path) {
        if (PLAIN_WORD.matcher(path).matches()) {
            return path;
        }
        return "'" + path.replace("'", "'\\''") + "'";
    }
}
