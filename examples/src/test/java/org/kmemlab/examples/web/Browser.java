package org.kmemlab.examples.web;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * Headless Chromium driven through Selenium, for the page tests: finds Debian's {@code chromium} and
 * {@code chromedriver} (never downloads anything: Selenium Manager is not used), starts the browser with
 * a fresh profile and no background networking, and collects the console's errors.
 *
 * <p>Where no browser is installed the tests are skipped with the command that installs one;
 * {@code .ci/run} installs it, so CI always runs them.
 */
final class Browser implements AutoCloseable {

    /** Where Debian's packages put the browser and its driver. */
    private static final String[] BROWSERS = {"/usr/lib/chromium/chromium", "/usr/bin/chromium"};
    private static final String[] DRIVERS = {"/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"};

    /** Where screenshots go, to be looked at after a run. */
    static final Path SCREENSHOTS = Path.of("target", "screenshots");

    final ChromeDriver driver;
    private final Path profile;

    private Browser(ChromeDriver driver, Path profile) {
        this.driver = driver;
        this.profile = profile;
    }

    /** Starts a browser, or skips the calling test with how to install one. */
    static Browser start() throws IOException {
        String browser = find(BROWSERS);
        String chromedriver = find(DRIVERS);
        Assumptions.assumeTrue(browser != null && chromedriver != null,
                "headless Chromium is not installed, so the browser tests are skipped; install it with"
                        + " 'apt-get install chromium chromium-driver' (Debian) and run them again");
        Path profile = Files.createTempDirectory("kmemlab-chromium");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(browser);
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1600,1000", "--user-data-dir=" + profile);
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(Path.of(chromedriver).toFile()).usingAnyFreePort().build();
        return new Browser(new ChromeDriver(service, options), profile);
    }

    private static String find(String[] candidates) {
        for (String c : candidates) {
            if (Files.isExecutable(Path.of(c))) {
                return c;
            }
        }
        return null;
    }

    /** Opens {@code page} from {@code file://}. */
    void open(Path page) {
        driver.get(page.toAbsolutePath().toUri().toString());
    }

    /** Runs {@code script} in the page and returns its result. */
    Object js(String script, Object... args) {
        return driver.executeScript(script, args);
    }

    /**
     * Moves the pointer over the point ({@code x}, {@code y}) of element {@code id}, measured from its top
     * left corner in CSS pixels, after scrolling that point to the middle of the window; returns the
     * actions so that a caller may click there.
     */
    org.openqa.selenium.interactions.Actions pointAt(String id, int x, int y) {
        @SuppressWarnings("unchecked")
        List<Number> at = (List<Number>) js("const e = document.getElementById(arguments[0]);"
                + " window.scrollBy(0, e.getBoundingClientRect().top + arguments[2] - window.innerHeight / 2);"
                + " const r = e.getBoundingClientRect(); return [r.left + arguments[1], r.top + arguments[2]];",
                id, x, y);
        org.openqa.selenium.interactions.Actions actions = new org.openqa.selenium.interactions.Actions(driver)
                .moveToLocation(at.get(0).intValue(), at.get(1).intValue());
        actions.perform();
        return actions;
    }

    /** Returns the console messages logged at SEVERE (errors) since the last call. */
    List<String> consoleErrors() {
        List<String> errors = new ArrayList<>();
        for (LogEntry e : driver.manage().logs().get(LogType.BROWSER)) {
            if (e.getLevel().intValue() >= Level.SEVERE.intValue()) {
                errors.add(e.getMessage());
            }
        }
        return errors;
    }

    /** Saves a screenshot of the window as {@code target/screenshots/NAME.png} and returns its path. */
    Path screenshot(String name) throws IOException {
        Files.createDirectories(SCREENSHOTS);
        Path file = SCREENSHOTS.resolve(name + ".png");
        Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
        return file;
    }

    @Override
    public void close() throws IOException {
        try {
            driver.quit();
        } finally {
            try (var files = Files.walk(profile)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
