package org.kmemlab.examples;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.io.File;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Keeps the module shape the top README describes (README.md, "Modules"): the api depends on java.base
 * only; implementation modules depend only on the api, export nothing and provide their SPI; kmalloc
 * uses the three SPIs and never depends on an implementation. Checked twice: on the module descriptors
 * the build produced, and on the classes' dependencies with ArchUnit.
 */
class ModuleShapeTests {

    private static final String SPI = "org.kmemlab.api.spi.";
    private static final Map<String, String> IMPLEMENTATIONS = Map.of(
            "org.kmemlab.buddy", SPI + "PageAllocatorProvider",
            "org.kmemlab.bucket", SPI + "ObjectAllocatorProvider",
            "org.kmemlab.dmazone", SPI + "ZoneAllocatorProvider");

    private static Map<String, ModuleDescriptor> descriptors;

    @BeforeAll
    static void readDescriptors() {
        List<Path> entries = new ArrayList<>();
        for (String property : List.of("jdk.module.path", "java.class.path")) {
            String value = System.getProperty(property, "");
            for (String entry : value.split(File.pathSeparator)) {
                if (entry.isBlank()) {
                    continue;
                }
                Path path = Path.of(entry);
                boolean jar = entry.endsWith(".jar") && Files.isRegularFile(path);
                boolean exploded = Files.isRegularFile(path.resolve("module-info.class"));
                if (jar || exploded) {
                    entries.add(path);
                }
            }
        }
        descriptors = new TreeMap<>();
        for (ModuleReference ref : ModuleFinder.of(entries.toArray(Path[]::new)).findAll()) {
            String name = ref.descriptor().name();
            if (name.startsWith("org.kmemlab.")) {
                descriptors.putIfAbsent(name, ref.descriptor());
            }
        }
    }

    private static ModuleDescriptor descriptor(String module) {
        ModuleDescriptor d = descriptors.get(module);
        assertTrue(d != null, module + " was not found on the test's paths; modules found: " + descriptors.keySet());
        return d;
    }

    private static Set<String> requires(ModuleDescriptor d) {
        return d.requires().stream().map(ModuleDescriptor.Requires::name).collect(Collectors.toSet());
    }

    @Test
    void everyModuleOfTheDesignIsBuilt() {
        assertTrue(descriptors.keySet().containsAll(Set.of("org.kmemlab.api", "org.kmemlab.buddy",
                "org.kmemlab.bucket", "org.kmemlab.dmazone", "org.kmemlab.kmalloc", "org.kmemlab.testkit",
                "org.kmemlab.grader")),
                "modules found: " + descriptors.keySet());
    }

    @Test
    void theApiDependsOnJavaBaseOnly() {
        assertEquals(Set.of("java.base"), requires(descriptor("org.kmemlab.api")));
    }

    @Test
    void aStudentsTestDependencyOnTheTestkitBringsNoGradingMachinery() {
        Set<String> testkit = requires(descriptor("org.kmemlab.testkit"));
        assertFalse(testkit.stream().anyMatch(m -> m.startsWith("com.fasterxml.jackson")), "testkit requires " + testkit);
        assertFalse(testkit.contains("org.kmemlab.grader"), "testkit requires " + testkit);
        assertTrue(requires(descriptor("org.kmemlab.grader")).contains("org.kmemlab.testkit"));
    }

    @Test
    void implementationModulesDependOnTheApiExportNothingAndProvideTheirSpi() {
        IMPLEMENTATIONS.forEach((module, spi) -> {
            ModuleDescriptor d = descriptor(module);
            assertTrue(Set.of("java.base", "org.kmemlab.api").containsAll(requires(d)),
                    module + " requires " + requires(d));
            assertTrue(d.exports().isEmpty(), module + " exports " + d.exports());
            assertTrue(d.provides().stream().anyMatch(p -> p.service().equals(spi)),
                    module + " must provide " + spi + "; provides " + d.provides());
        });
    }

    @Test
    void kmallocUsesTheSpisAndRequiresNoImplementation() {
        ModuleDescriptor kmalloc = descriptor("org.kmemlab.kmalloc");
        assertTrue(kmalloc.uses().containsAll(IMPLEMENTATIONS.values()), "kmalloc uses " + kmalloc.uses());
        for (String implementation : IMPLEMENTATIONS.keySet()) {
            assertFalse(requires(kmalloc).contains(implementation), "kmalloc requires " + implementation);
        }
    }

    @Test
    void classesOutsideExamplesBenchAndTestsNeverNameAnImplementation() {
        JavaClasses classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("org.kmemlab");
        noClasses().that().resideInAnyPackage("org.kmemlab.api..", "org.kmemlab.kmalloc..", "org.kmemlab.testkit..",
                        "org.kmemlab.grader..")
                .should().dependOnClassesThat().resideInAnyPackage("org.kmemlab.buddy..", "org.kmemlab.bucket..",
                        "org.kmemlab.dmazone..")
                .check(classes);
        noClasses().that().resideInAPackage("org.kmemlab.api..")
                .should().dependOnClassesThat().resideOutsideOfPackages("org.kmemlab.api..", "java..")
                .check(classes);
    }
}
