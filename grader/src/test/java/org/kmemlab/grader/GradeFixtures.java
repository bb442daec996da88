package org.kmemlab.grader;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The submissions and rubrics the grader's end-to-end tests grade: a student copy of the reference buddy
 * allocator (package {@code edu.student.buddy}, provider {@code student-buddy}), mutants of it with one
 * seeded bug each, the reference itself as a jar for performance, and small rubrics with low effort.
 */
final class GradeFixtures {

    /** The tests' effort: small, so a whole grade takes seconds (the shipped rubrics use 40 x 50). */
    static final int TRIES = 6;
    static final int STEPS = 30;

    private GradeFixtures() {
    }

    /** Makes the reference buddy into a student's: another package and provider name. */
    static final UnaryOperator<String> STUDENT = asStudent("org.kmemlab.buddy", "edu.student.buddy", "PAGES",
            "student-buddy");

    /**
     * Returns a transform that turns a reference module's sources into a student's: package {@code pkg}
     * becomes {@code studentPkg}, and the provider name, spelt {@code ReferenceProviders.<constant>} in
     * the reference, becomes the literal {@code name}, so that the copy does not clash with the reference.
     */
    static UnaryOperator<String> asStudent(String pkg, String studentPkg, String constant, String name) {
        return text -> text.replace(pkg, studentPkg)
                .replaceAll("(org\\.kmemlab\\.api\\.spi\\.)?ReferenceProviders\\." + constant + "\\b",
                        "\"" + name + "\"");
    }

    /** Returns the student copy of the reference buddy, with {@code mutation} applied to BuddyAllocator.java. */
    static Path studentBuddy(Path dir, String name, UnaryOperator<String> mutation) throws IOException {
        Map<String, String> files = new LinkedHashMap<>(FixtureJars.moduleSources("buddy"));
        String allocator = "org/kmemlab/buddy/BuddyAllocator.java";
        files.put(allocator, mutation.apply(files.get(allocator)));
        return FixtureJars.jar(files, STUDENT, dir.resolve(name + ".jar"));
    }

    /** Returns the reference buddy as a jar, as the grader's reference path holds it. */
    static Path referenceBuddy(Path dir) throws IOException {
        return FixtureJars.jar(FixtureJars.moduleSources("buddy"), UnaryOperator.identity(),
                dir.resolve("buddy-reference.jar"));
    }

    /**
     * Returns a page-SPI submission made of one provider class whose {@code create} runs {@code body}
     * (Java statements) before returning a working allocator from the student buddy: the hostile fixtures.
     */
    static Path hostile(Path dir, String name, String body) throws IOException {
        return hostile(dir, name, body, Map.of());
    }

    /** Returns {@link #hostile(Path, String, String)} with {@code extra} sources or resources added. */
    static Path hostile(Path dir, String name, String body, Map<String, String> extra) throws IOException {
        Map<String, String> files = new LinkedHashMap<>(FixtureJars.moduleSources("buddy"));
        files.putAll(extra);
        String provider = "org/kmemlab/buddy/BuddyAllocatorProvider.java";
        String text = files.get(provider);
        int create = text.indexOf("create(PageAllocatorConfig config) {");
        int open = text.indexOf('{', create) + 1;
        files.put(provider, text.substring(0, open) + "\n" + body + "\n" + text.substring(open));
        return FixtureJars.jar(files, STUDENT, dir.resolve(name + ".jar"));
    }

    /** Makes the testkit's zoo (package org.kmemlab.testkit.zoo, test tree) into a student's package. */
    static final UnaryOperator<String> ZOO = text -> text.replace("org.kmemlab.testkit.zoo", "edu.student.zoo");

    /**
     * Returns a submission made of the testkit's zoo sources and one provider, {@code zoo-<name>}, whose
     * {@code create} returns {@code new <allocatorClass>(config)} ({@code ListBuddy},
     * {@code BuddyMutants.NeverMerges}, …).
     */
    static Path zoo(Path dir, String name, String allocatorClass) throws IOException {
        Map<String, String> files = new LinkedHashMap<>();
        Path zoo = FixtureJars.repository().resolve("testkit/src/test/java/org/kmemlab/testkit/zoo");
        for (String file : List.of("ListBuddy.java", "BuddyMutants.java", "ZooPageProvider.java")) {
            files.put("org/kmemlab/testkit/zoo/" + file, Files.readString(zoo.resolve(file), StandardCharsets.UTF_8));
        }
        files.put("org/kmemlab/testkit/zoo/Submitted.java", """
                package org.kmemlab.testkit.zoo;

                public final class Submitted implements org.kmemlab.api.spi.PageAllocatorProvider {
                    @Override
                    public String name() {
                        return "zoo-%s";
                    }

                    @Override
                    public org.kmemlab.api.spi.PageAllocator create(org.kmemlab.api.spi.PageAllocatorConfig config) {
                        return new %s(config);
                    }
                }
                """.formatted(name, allocatorClass));
        files.put("META-INF/services/org.kmemlab.api.spi.PageAllocatorProvider", "org.kmemlab.testkit.zoo.Submitted\n");
        return FixtureJars.jar(files, ZOO, dir.resolve(name + ".jar"));
    }

    /** Writes a small rubric for the page SPI and returns its path. */
    static Path rubric(Path dir, String name, String yaml) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, yaml, StandardCharsets.UTF_8);
        return file;
    }

    /** A page rubric with the visible contract only, at the tests' effort, weights 1..9 by id. */
    static String contractRubric(String extra) {
        return """
                name: test buddy
                spi: page
                seed: 42
                effort: { tries: %d, steps: %d }
                limits: { propertyTimeoutSeconds: 20, groupTimeoutSeconds: 120, groupCpuSeconds: 240 }
                groups:
                  - name: contract
                    properties:
                      - { id: page.no-overlap, weight: 8 }
                      - { id: page.accounting, weight: 6 }
                      - { id: page.free-all-restores, weight: 6 }
                      - { id: page.misuse, weight: 6 }
                      - { id: "page.*", weight: 3 }
                """.formatted(TRIES, STEPS) + extra;
    }

    /**
     * A small page rubric at low effort for tests of a mechanism (batches, outputs, workflows) rather than
     * of the contract: three properties that tell a correct buddy from the zoo's never-merging and
     * silently-double-freeing mutants, three chains of twenty steps each.
     */
    static String smallRubric() {
        return """
                name: small test buddy
                spi: page
                seed: 42
                effort: { tries: 3, steps: 20 }
                groups:
                  - name: contract
                    properties:
                      - { id: page.no-overlap, weight: 4 }
                      - { id: page.free-all-restores, weight: 3 }
                      - { id: page.misuse, weight: 3 }
                """;
    }

    /** Options for one test: this JVM's path plus the given references, no build tools needed. */
    static GradeOptions options(Path work, Map<Spi, Rubric> rubrics, List<Path> references) {
        GradeOptions defaults = GradeOptions.defaults(work);
        return new GradeOptions(rubrics, null, null, null, 0, 0, false, defaults.path().withReferences(references),
                new SubmissionBuilder("mvn", List.of("-o"), FixtureJars.apiPath(), Duration.ofMinutes(3)), work);
    }

    /**
     * Writes an instructor's hidden-tests jar to {@code jar}: one {@link PropertySet} with the page
     * property {@code page.hidden.two-largest-blocks}, which the reference buddy passes.
     */
    static Path hiddenTwoLargestBlocks(Path jar) throws IOException {
        return FixtureJars.jar(Map.of("edu/instructor/TwoLargestBlocks.java", """
                package edu.instructor;

                import java.util.List;
                import org.kmemlab.api.Machine;
                import org.kmemlab.api.MachineProfile;
                import org.kmemlab.api.spi.PageAllocator;
                import org.kmemlab.api.spi.PageAllocatorConfig;
                import org.kmemlab.api.spi.PageAllocatorProvider;
                import org.kmemlab.api.spi.Provider;
                import org.kmemlab.testkit.contract.ContractProperty;
                import org.kmemlab.testkit.contract.PropertyResult;
                import org.kmemlab.grader.PropertySet;
                import org.kmemlab.grader.Spi;
                import org.kmemlab.testkit.property.Effort;

                public final class TwoLargestBlocks implements PropertySet {
                    public Spi spi() {
                        return Spi.PAGE;
                    }

                    public List<ContractProperty> properties(Provider provider, PageAllocatorProvider pages) {
                        return List.of(new ContractProperty() {
                            public String id() {
                                return "page.hidden.two-largest-blocks";
                            }

                            public String title() {
                                return "Two maxOrder blocks fit in two maxOrder blocks of frames";
                            }

                            public PropertyResult check(Effort effort) {
                                Machine m = Machine.boot(MachineProfile.X86_64, 64L << 20);
                                PageAllocator a = ((PageAllocatorProvider) provider).create(
                                        new PageAllocatorConfig(m, "Normal", 1024, 2048, 10));
                                long first = a.allocate(10);
                                long second = a.allocate(10);
                                boolean ok = first != PageAllocator.NO_PAGE && second != PageAllocator.NO_PAGE
                                        && first != second;
                                return new PropertyResult(id(), title(), provider.name(), ok, effort, 1, "", List.of(),
                                        ok ? "" : "two order-10 blocks must fit", "", "", 0, "", List.of());
                            }
                        });
                    }
                }
                """, "META-INF/services/org.kmemlab.grader.PropertySet", "edu.instructor.TwoLargestBlocks\n"),
                UnaryOperator.identity(), jar);
    }
}
