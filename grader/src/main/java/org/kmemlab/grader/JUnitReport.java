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
                    escape("kmemlab." + String.join(".", t.tags().subList(0, Math.max(0, t.tags().size() - 1)))),
                    escape(t.number() + " " + t.name()), t.seconds()));
            x.append("    <properties>\n");
            property(x, "      ", "score", Grader.format(t.score()));
            property(x, "      ", "max_score", Grader.format(t.maxScore()));
            property(x, "      ", "status", t.status().key());
            property(x, "      ", "visibility", t.visibility().key());
            x.append("    </properties>\n");
            if (t.status() == Status.FAILED) {
                x.append("    <failure type=\"failed\" message=\"").append(escape(firstLine(t.output()))).append("\">")
                        .append(escape(t.output())).append("</failure>\n");
            } else if (!t.status().passed()) {
                x.append("    <error type=\"").append(t.status().key()).append("\" message=\"")
                        .append(escape(firstLine(t.output()))).append("\">").append(escape(t.output()))
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

    private static String firstLine(String text) {
        int nl = text.indexOf('\n');
        return nl < 0 ? text : text.substring(0, nl);
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
