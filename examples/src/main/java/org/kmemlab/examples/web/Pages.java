package org.kmemlab.examples.web;

import java.io.IOException;
import java.nio.file.Path;
import org.kmemlab.testkit.report.HtmlPage;

/**
 * Writes kmemlab's HTML pages from the resources of this package: {@code page.css} (shared), and for a
 * page kind {@code K}, {@code K.html} (the markup) and {@code K.js} (the script).
 */
final class Pages {

    private static final String DIR = "/org/kmemlab/examples/web/";

    private Pages() {
    }

    static void write(Path file, String title, String kind, String json) throws IOException {
        HtmlPage.write(file, title, resource("page.css"), resource(kind + ".html"), json, resource(kind + ".js"));
    }

    /** Returns the text of this package's resource {@code name}. */
    static String resource(String name) {
        return HtmlPage.text(Pages.class.getResourceAsStream(DIR + name), DIR + name);
    }
}
