package org.kmemlab.examples.web;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.kmemlab.testkit.report.HtmlPage;

/** The index of a directory of pages ({@code kmemlab tour --html DIR}): a list of links, nothing else. */
public final class IndexPage {

    private IndexPage() {
    }

    /**
     * Writes {@code file}: a page titled {@code title} that links to each page, given as
     * {@code {file name, caption}}.
     */
    public static void write(Path file, String title, List<String[]> pages) throws IOException {
        StringBuilder body = new StringBuilder("<header><h1>" + HtmlPage.escape(title) + "</h1></header>\n"
                + "<main><div><p>One page per lesson: each replays the kernels the lesson booted, a step per line"
                + " it printed.</p>\n<ol id=\"pages\">\n");
        for (String[] page : pages) {
            body.append("<li><a href=\"").append(HtmlPage.escape(page[0])).append("\">")
                    .append(HtmlPage.escape(page[1])).append("</a></li>\n");
        }
        body.append("</ol></div></main>");
        HtmlPage.write(file, title, Pages.resource("page.css"),
                body.toString(), "{}", "");
    }
}
