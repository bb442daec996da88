package org.kmemlab.testkit.report;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Assembles one self-contained HTML page: markup, styles, script and the page's data in one file that
 * opens from {@code file://} with no network. Nothing is loaded from elsewhere: the styles and the
 * script are inlined, and the data sits in a {@code <script type="application/json" id="page-data">}
 * element that the script reads with {@code JSON.parse}.
 *
 * <p>The markup, styles and script are resources of the module that draws the page (read with
 * {@link #text(InputStream, String)}); the data is written with {@link Json}, which escapes {@code <} so
 * that no text in it can close the element early.
 */
public final class HtmlPage {

    private HtmlPage() {
    }

    /**
     * Returns the page.
     *
     * @param title the window title (escaped here)
     * @param css the styles
     * @param body the markup inside {@code <body>}
     * @param data the page's data as JSON (from {@link Json})
     * @param script the script that draws the page from the data
     */
    public static String assemble(String title, String css, String body, String data, String script) {
        if (script.contains("</script") || css.contains("</style")) {
            throw new IllegalArgumentException("an inlined script or style must not contain its own end tag");
        }
        return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                + "<link rel=\"icon\" href=\"data:,\">\n"
                + "<title>" + escape(title) + "</title>\n<style>\n" + css + "\n</style>\n</head>\n<body>\n" + body
                + "\n<script type=\"application/json\" id=\"page-data\">" + data + "</script>\n<script>\n" + script
                + "\n</script>\n</body>\n</html>\n";
    }

    /** Assembles the page and writes it to {@code file} (UTF-8), replacing what was there. */
    public static void write(Path file, String title, String css, String body, String data, String script)
            throws IOException {
        Files.writeString(file, assemble(title, css, body, data, script), StandardCharsets.UTF_8);
    }

    /**
     * Reads a text resource that the drawing module opened itself, e.g.
     * {@code HtmlPage.text(Pages.class.getResourceAsStream(name), name)}. (The module MUST open it: a
     * resource in a module's package is visible to that module's own classes only.)
     *
     * @param in the resource, null when it is missing
     * @param name its name, for the message
     * @throws UncheckedIOException when it is missing: a packaging mistake, not a user error
     */
    public static String text(InputStream in, String name) {
        if (in == null) {
            throw new UncheckedIOException(new IOException("resource " + name + " is missing; rebuild the module"));
        }
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Escapes text for HTML element content and attribute values. */
    public static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
