package org.kmemlab.examples.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One {@link Browser} for all the tests of a page test class, as a JUnit extension. Register it in a
 * static field with {@code @RegisterExtension} and call {@link #start()} from {@code @BeforeAll} (after
 * writing the page to open, if there is one). After each test it fails the test if the page logged a
 * console error. After the class it closes the browser.
 */
final class BrowserPerClass implements AfterEachCallback, AfterAllCallback {

    private Browser browser;

    /** Starts the browser (or skips the class, as {@link Browser#start()} does) and returns it. */
    Browser start() throws IOException {
        browser = Browser.start();
        return browser;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (browser != null) {
            assertEquals(List.of(), browser.consoleErrors(), "the page logged errors");
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        if (browser != null) {
            browser.close();
        }
    }
}
