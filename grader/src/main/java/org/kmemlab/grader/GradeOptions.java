package org.kmemlab.grader;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.kmemlab.api.Checks;

/**
 * How to grade: rubrics, which SPI and property, seed and effort overrides (for replaying one property
 * locally), where the child JVM's libraries and the references come from, and how to build sources.
 *
 * @param rubrics the rubric per SPI; an SPI without one is graded with {@link RubricLoader#defaultFor}
 * @param onlySpi grade only this SPI, or null for every SPI the submission provides
 * @param onlyProperty run only this property id (no performance), or null
 * @param seed the seed for every property instead of the rubric's, or null
 * @param tries chains per property instead of the rubric's, or 0
 * @param steps steps per chain instead of the rubric's, or 0
 * @param skipPerformance true to leave the performance test out
 * @param path the child's libraries and references
 * @param builder how sources are built
 * @param workDir where children run and sources are built
 */
public record GradeOptions(Map<Spi, Rubric> rubrics, Spi onlySpi, String onlyProperty, Long seed, int tries, int steps,
                           boolean skipPerformance, ChildPath path, SubmissionBuilder builder, Path workDir) {

    /** Copies the map. */
    public GradeOptions {
        rubrics = Map.copyOf(rubrics);
        Checks.requireNonNull(path, "child path");
        Checks.requireNonNull(builder, "builder");
        Checks.requireNonNull(workDir, "work directory");
    }

    /** Returns options that grade everything with the shipped rubrics, children built from this JVM's path. */
    public static GradeOptions defaults(Path workDir) {
        ChildPath path = ChildPath.fromCurrentJvm();
        return new GradeOptions(Map.of(), null, null, null, 0, 0, false, path,
                new SubmissionBuilder("mvn", List.of(), apiOf(path), Duration.ofMinutes(5)), workDir);
    }

    /** Returns the rubric for {@code spi}. */
    public Rubric rubricFor(Spi spi) {
        Rubric r = rubrics.get(spi);
        return r != null ? r : RubricLoader.defaultFor(spi);
    }

    /** Returns these options with another child path (for example with {@code --reference} entries). */
    public GradeOptions withPath(ChildPath newPath) {
        return new GradeOptions(rubrics, onlySpi, onlyProperty, seed, tries, steps, skipPerformance, newPath,
                builder, workDir);
    }

    /** Returns the api jar or directory among the child's libraries, or null. */
    static Path apiOf(ChildPath path) {
        for (Path p : path.libraries()) {
            String name = ChildPath.explicitModuleName(p);
            if ("org.kmemlab.api".equals(name)) {
                return p;
            }
        }
        return null;
    }
}
