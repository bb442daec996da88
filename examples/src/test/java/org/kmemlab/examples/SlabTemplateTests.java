package org.kmemlab.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmemlab.api.Gfp;
import org.kmemlab.api.Machine;
import org.kmemlab.api.MachineProfile;
import org.kmemlab.api.Sizes;
import org.kmemlab.api.bug.KernelBug;
import org.kmemlab.api.spi.PageSource;
import org.kmemlab.api.spi.SlabCache;
import org.kmemlab.api.spi.SlabCacheConfig;
import org.kmemlab.api.spi.SlabCacheProvider;
import org.kmemlab.testkit.contract.ContractProperty;
import org.kmemlab.testkit.contract.PropertyResult;
import org.kmemlab.testkit.contract.SlabCacheContract;
import org.kmemlab.testkit.property.Effort;

/**
 * Keeps {@code examples/templates/slab} consistent: its files agree with each other and with this build,
 * it compiles against the api alone, and its skeleton fails the slab contract honestly.
 */
class SlabTemplateTests {

    private static final Path TEMPLATE = Path.of("templates", "slab");
    private static final String SERVICES = "src/main/resources/META-INF/services/org.kmemlab.api.spi.SlabCacheProvider";

    @Test
    void theProviderIsNamedAlikeInServicesModuleInfoAndSources() throws IOException {
        String provider = read(SERVICES).strip();
        Matcher provides = Pattern.compile("provides org\\.kmemlab\\.api\\.spi\\.SlabCacheProvider with ([\\w.]+);")
                .matcher(read("src/main/java/module-info.java"));
        assertTrue(provides.find(), "module-info provides the SlabCacheProvider");
        assertEquals(provider, provides.group(1), "META-INF/services and module-info name the same class");
        String test = read("src/test/java/edu/example/slab/StudentSlabTests.java");
        assertTrue(test.contains("extends " + SlabCacheContract.class.getSimpleName()), test);
        String pom = read("pom.xml");
        String root = Files.readString(Path.of("..", "pom.xml"), StandardCharsets.UTF_8);
        assertEquals(tag(root, "version"), tag(pom, "kmemlab.version"), "the kmemlab version");
        assertEquals(tag(root, "junit.version"), tag(pom, "junit.version"), "the JUnit version");
        assertTrue(read("README.md").contains("mvn test -Dtest=StudentSlabTests -Dkmemlab.seed="), "the pasted run");
        assertTrue(read("README.md").contains("target/slab-allocator-1.0-SNAPSHOT.jar"), "the jar's name");
        assertTrue(pom.contains("<artifactId>slab-allocator</artifactId>"), pom);
    }

    @Test
    void theSkeletonCompilesAgainstTheApiAloneAndFailsTheContractHonestly(@TempDir Path out) throws Exception {
        SlabCacheProvider provider = compileAndLoad(out);
        assertEquals("student-slab", provider.name());
        Machine machine = Machine.boot(MachineProfile.X86_64, 64 * Sizes.MiB);
        PageSource none = new PageSource() {
            @Override
            public long getFreePages(int gfp, int order) {
                return 0;
            }

            @Override
            public void freePages(long addr, int order) {
                throw new IllegalStateException("never handed out");
            }
        };
        SlabCache cache = provider.create(new SlabCacheConfig(machine, none, "t", 64, 0, 0, null));
        assertEquals(SlabCache.NULL, cache.allocate(Gfp.GFP_KERNEL), "allocate answers no memory, without crashing");
        assertThrows(KernelBug.class, () -> cache.free(machine.pfnToVirt(100)), "a free of what was never allocated");
        Matcher pasted = Pattern.compile("Tests run: (\\d+), Failures: (\\d+), Errors: 0").matcher(read("README.md"));
        assertTrue(pasted.find(), "the README pastes a failing run");
        int failed = 0;
        List<ContractProperty> properties = SlabCacheContract.properties(provider);
        for (ContractProperty property : properties) {
            PropertyResult result = property.check(new Effort(3, 40, 11));
            if (!result.passed()) {
                failed++;
                assertTrue(result.report().contains("replay: "), "a failure says how to replay it:\n" + result.report());
            }
        }
        assertEquals(Integer.parseInt(pasted.group(1)), properties.size(), "properties run, as the README shows");
        assertEquals(Integer.parseInt(pasted.group(2)), failed, "failures, as the README shows");
    }

    /** Compiles the template's main sources (without module-info) with javac against the api jar. */
    private static SlabCacheProvider compileAndLoad(Path out) throws Exception {
        List<String> command = new ArrayList<>();
        Path java = Path.of(ProcessHandle.current().info().command().orElseThrow());
        command.add(java.resolveSibling("javac").toString());
        command.addAll(List.of("--release", "17", "-Xlint:all", "-Werror", "-d", out.toString(), "-cp",
                Path.of(Machine.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString()));
        try (Stream<Path> files = Files.walk(TEMPLATE.resolve("src/main/java"))) {
            files.filter(p -> p.toString().endsWith(".java") && !p.endsWith("module-info.java"))
                    .forEach(p -> command.add(p.toString()));
        }
        Process javac = new ProcessBuilder(command).redirectErrorStream(true).start();
        String messages = new String(javac.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, javac.waitFor(), "the template compiles without warnings:\n" + messages);
        URLClassLoader loader = new URLClassLoader(new URL[] {out.toUri().toURL()},
                SlabTemplateTests.class.getClassLoader());
        return (SlabCacheProvider) loader.loadClass(read(SERVICES).strip()).getConstructor().newInstance();
    }

    private static String read(String file) throws IOException {
        return Files.readString(TEMPLATE.resolve(file), StandardCharsets.UTF_8);
    }

    private static String tag(String xml, String tag) {
        Matcher m = Pattern.compile("<" + Pattern.quote(tag) + ">([^<]+)</" + Pattern.quote(tag) + ">").matcher(xml);
        assertTrue(m.find(), "<" + tag + "> missing");
        return m.group(1).strip();
    }
}
