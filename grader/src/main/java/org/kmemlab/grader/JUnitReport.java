package org.kmemlab.grader;

import java.util.Locale;
import org.kmemlab.api.Checks;

/**
 * Writes a {@link GradeReport} as JUnit XML (the Ant/Surefire format CI systems show): one
 * {@code testcase} per test, {@code failure} for FAILED, {@code error} for every other status that is not
 * PASSED (its {@code type} is the status key), the score in the test's properties.
 */
public final class JUnitReport {

    private JUnitReport() {
    }

    /** Returns the XML text of {@code report}. */
    public static String toXml(GradeReport report) {
        Checks.requireNonNull(report, "report");
        long failures = report.count(Status.FAILED);
        long errors = report.tests().size() - failures - report.count(Status.PASSED);
        StringBuilder x = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        x.append(String.format(Locale.ROOT,
                "<testsuite name=\"%s\" tests=\"%d\" failures=\"%d\" errors=\"%d\" skipped=\"0\" time=\"%.3f\">%n",
                escape("kmemlab grade " + report.submission()), report.tests().size(), failures, errors,
                report.executionSeconds()));
        x.append("  <properties>\n");
        property(x, "    ", "score", Grader.format(report.score()));
        property(x, "    ", "max_score", Grader.format(report.maxScore()));
        property(x, "    ", "submission_sha256", report.sha256());
        x.append("  </properties>\n");
        for (TestResult t : report.tests()) {
            x.append(String.format(Locale.ROOT, "  <testcase classname=\"%s\" name=\"%s\" time=\"%.3f\">%n",
                    escape(className(t)),
                    escape(t.number() + " " + t.name()), t.seconds()));
            x.append("    <properties>\n");
            property(x, "      ", "score", Grader.format(t.score()));
            property(x, "      ", "max_score", Grader.format(t.maxScore()));
            property(x, "      ", "status", t.status().key());
            property(x, "      ", "visibility", t.visibility().key());
            x.append("    </properties>\n");
            if (t.status() == Status.FAILED) {
                x.append("    <failure type=\"failed\" message=\"").append(escape(message(t))).append("\">")
                        .append(escape(t.output())).append("</failure>\n");
            } else if (!t.status().passed()) {
                x.append("    <error type=\"").append(t.status().key()).append("\" message=\"")
                        .append(escape(message(t))).append("\">").append(escape(t.output()))
                        .append("</error>\n");
            } else {
                x.append("    <system-out>").append(escape(t.output())).append("</system-out>\n");
            }
            x.append("  </testcase>\n");
        }
        x.append("</testsuite>\n");
        return x.toString();
    }

    private static void property(StringBuilder x, String indent, String name, String value) {
        x.append(indent).append("<property name=\"").append(name).append("\" value=\"").append(escape(value))
                .append("\"/>\n");
    }

    /**
     * Returns the Java-like class name CI tools group a test under: {@code kmemlab.} and the test's tags
     * without its status ({@code kmemlab.page.contract}), or, for a test whose only tag is its own kind
     * ({@code rules}, {@code build}), {@code kmemlab.} and that tag. It MUST NOT end in a dot: tools
     * that split on the last dot show such a test without a class.
     */
    static String className(TestResult t) {
        StringBuilder name = new StringBuilder("kmemlab");
        for (String tag : t.tags()) {
            if (!isStatusKey(tag)) {
                name.append('.').append(tag.replaceAll("[^A-Za-z0-9_-]+", "_"));
            }
        }
        if (name.length() == "kmemlab".length()) {
            name.append('.').append(t.name().replaceAll("[^A-Za-z0-9_-]+", "_"));
        }
        return name.toString();
    }

    private static boolean isStatusKey(String tag) {
        for (Status s : Status.values()) {
            if (s.key().equals(tag)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Returns the line a CI tool shows as the failure's message: the first line of the output that says
     * something beyond the status marker ({@code **FAILED**}), which the failure's type already says.
     */
    static String message(TestResult t) {
        String status = "**" + t.status().label() + "**";
        for (String line : t.output().split("\n")) {
            String rest = line.strip();
            if (rest.startsWith(status)) {
                rest = rest.substring(status.length()).strip();
                if (rest.startsWith(":")) {
                    rest = rest.substring(1).strip();
                }
            }
            if (!rest.isEmpty() && !rest.startsWith("```")) {
                return rest;
            }
        }
        return t.status().label().toLowerCase(Locale.ROOT) + ": " + t.name();
    }

    /** Escapes XML text and drops the characters XML 1.0 cannot hold (a submission may print any byte). */
    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                default -> {
                    if (c >= 0x20 || c == '\n' || c == '\t' || c == '\r') {
                        if (c < 0xFFFE) {
                            out.append(c);
                        }
                    }
                }
            }
        }
        return out.toString();
    }
}
