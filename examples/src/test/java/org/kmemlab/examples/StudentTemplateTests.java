package org.kmemlab.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.kmemlab.api.Machine;
import org.kmemlab.api.MachineProfile;
import org.kmemlab.api.Sizes;
import org.kmemlab.api.bug.KernelBug;
import org.kmemlab.api.spi.ObjectAllocatorProvider;
import org.kmemlab.api.spi.PageAllocator;
import org.kmemlab.api.spi.PageAllocatorConfig;
import org.kmemlab.api.spi.PageAllocatorProvider;
import org.kmemlab.api.spi.Provider;
import org.kmemlab.api.spi.ZoneAllocatorProvider;
import org.kmemlab.grader.GradeMain;
import org.kmemlab.testkit.contract.ContractProperty;
import org.kmemlab.testkit.contract.ObjectAllocatorContract;
import org.kmemlab.testkit.contract.PageAllocatorContract;
import org.kmemlab.testkit.contract.PropertyResult;
import org.kmemlab.testkit.contract.ZoneAllocatorContract;
import org.kmemlab.testkit.contract.support.SimplePageAllocator;
import org.kmemlab.testkit.property.Effort;

/**
 * Keeps every template in {@code examples/templates} consistent with its README and with this build:
 * its files name the provider alike, it compiles against the api alone, its skeleton fails its contract
 * as many times as the README's pasted run says, and it grades to the score the README states.
 */
class StudentTemplateTests {

    private static final Path TEMPLATES = Path.of("templates");

    /**
     * One template: its folder, the SPI's provider interface and contract, the grader's SPI key, and how
     * the contract's properties are listed for a provider.
     */
    record Template(String folder, Class<? extends Provider> spi, Class<?> contract, String spiKey,
                    Function<Provider, List<ContractProperty>> properties) {

        Path dir() {
            return TEMPLATES.resolve(folder);
        }

        String services() {
            return "src/main/resources/META-INF/services/" + spi.getName();
        }

        String testClass() {
            return "Student" + Character.toUpperCase(folder.charAt(0)) + folder.substring(1) + "Tests";
        }

        @Override
        public String toString() {
            return folder;
        }
    }

    /** Every template; a new one gets a row here and in {@code examples/templates/README.md}. */
    static final List<Template> TEMPLATES_LIST = List.of(
            new Template("buddy", PageAllocatorProvider.class, PageAllocatorContract.class, "page",
                    p -> PageAllocatorContract.properties((PageAllocatorProvider) p)),
            new Template("bucket", ObjectAllocatorProvider.class, ObjectAllocatorContract.class, "object",
                    p -> ObjectAllocatorContract.properties((ObjectAllocatorProvider) p)),
            new Template("zone", ZoneAllocatorProvider.class, ZoneAllocatorContract.class, "zone",
                    p -> ZoneAllocatorContract.properties((ZoneAllocatorProvider) p, SimplePageAllocator.provider())),
            new Template("slab", org.kmemlab.api.spi.SlabCacheProvider.class,
                    org.kmemlab.testkit.contract.SlabCacheContract.class, "slab",
                    p -> org.kmemlab.testkit.contract.SlabCacheContract.properties(
                            (org.kmemlab.api.spi.SlabCacheProvider) p)));

    static List<Template> templates() {
        return TEMPLATES_LIST;
    }

    @Test
    void everyTemplateFolderIsListedAndTheIndexNamesEach() throws IOException {
        List<String> folders = new ArrayList<>();
        try (Stream<Path> s = Files.list(TEMPLATES)) {
            s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().forEach(folders::add);
        }
        assertEquals(TEMPLATES_LIST.stream().map(Template::folder).sorted().toList(), folders);
        String index = Files.readString(TEMPLATES.resolve("README.md"));
        for (Template t : TEMPLATES_LIST) {
            assertTrue(index.contains("`student-" + t.folder() + "`"), "the index names " + t.folder());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("templates")
    void theProviderIsNamedAlikeInServicesModuleInfoSourcesAndReadme(Template t) throws IOException {
        String provider = read(t, t.services()).strip();
        Matcher provides = Pattern.compile("provides " + Pattern.quote(t.spi().getName()) + " with ([\\w.]+);")
                .matcher(read(t, "src/main/java/module-info.java"));
        assertTrue(provides.find(), "module-info provides the " + t.spi().getSimpleName());
        assertEquals(provider, provides.group(1), "META-INF/services and module-info name the same class");
        assertEquals("edu.example." + t.folder() + ".Student" + capital(t.folder()) + "Provider", provider);
        Path source = t.dir().resolve("src/main/java/" + provider.replace('.', '/') + ".java");
        assertTrue(Files.readString(source).contains("implements " + t.spi().getSimpleName()), source.toString());
        assertTrue(Files.readString(source).contains("NAME = \"student-" + t.folder() + "\""), source.toString());
        String test = read(t, "src/test/java/edu/example/" + t.folder() + "/" + t.testClass() + ".java");
        assertTrue(test.contains("extends " + t.contract().getSimpleName()), test);
        assertTrue(test.contains("import " + t.contract().getName() + ";"), test);
        String readme = read(t, "README.md");
        assertTrue(readme.contains("`student-" + t.folder() + "`"), "the README names the provider");
        assertTrue(readme.contains("mvn test -Dtest=" + t.testClass() + " -Dkmemlab.property="), "the pasted run's replay line");
        assertTrue(readme.contains("target/" + t.folder() + "-allocator-1.0-SNAPSHOT.jar"), "the jar's name");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("templates")
    void thePomUsesThisBuildsVersionsAndIsNotInTheReactor(Template t) throws IOException {
        String pom = read(t, "pom.xml");
        String root = Files.readString(Path.of("..", "pom.xml"), StandardCharsets.UTF_8);
        assertEquals(tag(root, "version"), tag(pom, "kmemlab.version"), "the kmemlab version");
        assertEquals(tag(root, "junit.version"), tag(pom, "junit.version"), "the JUnit version");
        assertTrue(pom.contains("<artifactId>kmemlab-api</artifactId>"), pom);
        assertTrue(pom.contains("<artifactId>kmemlab-testkit</artifactId>"), pom);
        assertTrue(pom.contains("<groupId>edu.example</groupId>"), pom);
        assertTrue(pom.contains("<artifactId>" + t.folder() + "-allocator</artifactId>"), pom);
        assertFalse(root.contains("templates"), "the templates are not modules of the kmemlab build");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("templates")
    void theSkeletonFailsItsContractAsOftenAsItsReadmeShows(Template t, @TempDir Path out) throws Exception {
        Provider provider = compileAndLoad(t, out);
        assertEquals("student-" + t.folder(), provider.name());
        Matcher pasted = Pattern.compile("Tests run: (\\d+), Failures: (\\d+), Errors: 0")
                .matcher(read(t, "README.md"));
        assertTrue(pasted.find(), "the README pastes a failing run");
        int failed = 0;
        List<ContractProperty> properties = t.properties().apply(provider);
        for (ContractProperty property : properties) {
            PropertyResult result = property.check(new Effort(3, 40, 11));
            if (!result.passed()) {
                failed++;
                assertTrue(result.report().contains("replay: "), "a failure says how to replay it:\n" + result.report());
            }
        }
        assertEquals(Integer.parseInt(pasted.group(1)), properties.size(), "properties run, as the README shows");
        assertEquals(Integer.parseInt(pasted.group(2)), failed, "failures, as the README shows");
        assertTrue(failed > 0, "the skeleton must fail the contract until the student writes the allocator");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("templates")
    void theSkeletonGradesToTheScoreItsReadmeStates(Template t, @TempDir Path dir) throws Exception {
        Matcher stated = Pattern.compile("`Score: (\\d+ / \\d+)`").matcher(read(t, "README.md"));
        assertTrue(stated.find(), "the README states the skeleton's score");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = GradeMain.run(new String[] {t.dir().resolve("src/main").toString(), "--spi", t.spiKey(),
            "--no-perf", "--quiet", "--out", dir.resolve("out").toString(), "--work", dir.resolve("work").toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                false);
        String printed = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
        assertTrue(printed.startsWith("Score: " + stated.group(1) + " ("), "README says " + stated.group(1)
                + ", the grader says " + printed);
    }

    @Test
    void theBuddySkeletonAnswersHonestly(@TempDir Path out) throws Exception {
        PageAllocatorProvider provider = (PageAllocatorProvider) compileAndLoad(TEMPLATES_LIST.get(0), out);
        Machine machine = Machine.boot(MachineProfile.X86_64, 64 * Sizes.MiB);
        PageAllocator allocator = provider.create(new PageAllocatorConfig(machine, "Normal", 4096, 64, 3));
        assertEquals(PageAllocator.NO_PAGE, allocator.allocate(0), "allocate answers no memory, without crashing");
        assertEquals(64, allocator.freeFrames());
        assertThrows(KernelBug.class, () -> allocator.free(4096, 0), "a free of what was never allocated is a bug");
        assertThrows(KernelBug.class, () -> allocator.free(1, 0), "so is a free outside the zone");
    }

    /** Compiles the template's main sources (without module-info) with javac against the api jar. */
    private static Provider compileAndLoad(Template t, Path out) throws Exception {
        List<String> command = new ArrayList<>();
        Path java = Path.of(ProcessHandle.current().info().command().orElseThrow());
        command.add(java.resolveSibling("javac").toString());
        command.addAll(List.of("--release", "17", "-Xlint:all", "-Werror", "-d", out.toString(), "-cp",
                Path.of(Machine.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString()));
        try (Stream<Path> files = Files.walk(t.dir().resolve("src/main/java"))) {
            files.filter(p -> p.toString().endsWith(".java") && !p.endsWith("module-info.java"))
                    .forEach(p -> command.add(p.toString()));
        }
        Process javac = new ProcessBuilder(command).redirectErrorStream(true).start();
        String messages = new String(javac.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, javac.waitFor(), "the template compiles without warnings:\n" + messages);
        URLClassLoader loader = new URLClassLoader(new URL[] {out.toUri().toURL()},
                StudentTemplateTests.class.getClassLoader());
        return (Provider) loader.loadClass(read(t, t.services()).strip()).getConstructor().newInstance();
    }

    private static String read(Template t, String file) throws IOException {
        return Files.readString(t.dir().resolve(file), StandardCharsets.UTF_8);
    }

    private static String capital(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    private static String tag(String xml, String tag) {
        Matcher m = Pattern.compile("<" + Pattern.quote(tag) + ">([^<]+)</" + Pattern.quote(tag) + ">").matcher(xml);
        assertTrue(m.find(), "<" + tag + "> missing");
        return m.group(1).strip();
    }
}
