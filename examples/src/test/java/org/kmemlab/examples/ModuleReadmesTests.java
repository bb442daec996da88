package org.kmemlab.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The module READMEs a reader opens first name only files that exist: a README that points at a class
 * renamed since is worse than none.
 */
class ModuleReadmesTests {

    private static final Path ROOT = Path.of("..");

    /**
     * The top README's module table is how a newcomer finds a class: every module the parent pom builds
     * has a row (folder and JPMS module name), and every row names a module that is built.
     */
    @Test
    void theTopReadmeModuleTableListsExactlyTheBuiltModules() throws IOException {
        Set<String> built = new TreeSet<>();
        Matcher module = Pattern.compile("<module>([\\w-]+)</module>").matcher(Files.readString(ROOT.resolve("pom.xml")));
        while (module.find()) {
            built.add(module.group(1));
        }
        Set<String> rows = new TreeSet<>();
        Matcher row = Pattern.compile("(?m)^\\| `([\\w-]+)` \\| (`org\\.kmemlab\\.[\\w.]+`|\\(class path\\)) \\|")
                .matcher(Files.readString(ROOT.resolve("README.md")));
        while (row.find()) {
            rows.add(row.group(1));
            if (row.group(2).startsWith("`")) {
                String declared = Files.readString(ROOT.resolve(row.group(1)).resolve("src/main/java/module-info.java"));
                String name = row.group(2).replace("`", "");
                assertTrue(declared.contains("module " + name + " "),
                        "README.md says folder " + row.group(1) + " holds module " + name + ", its module-info.java does not");
            }
        }
        assertEquals(built, rows, "README.md's module table lists exactly the modules pom.xml builds");
    }

    @Test
    void everyFileAModuleReadmeNamesIsInThatModule() throws IOException {
        Pattern named = Pattern.compile("`(\\w+)(\\.java|Tests)`");
        for (String module : List.of("api", "buddy", "bucket", "dma-zone", "slab")) {
            Path readme = ROOT.resolve(module).resolve("README.md");
            assertTrue(Files.isRegularFile(readme), module + " has a README.md");
            Set<String> files = new TreeSet<>();
            try (Stream<Path> s = Files.walk(ROOT.resolve(module).resolve("src"))) {
                s.map(p -> p.getFileName().toString()).forEach(files::add);
            }
            Matcher m = named.matcher(Files.readString(readme));
            while (m.find()) {
                String file = m.group(2).equals("Tests") ? m.group(1) + "Tests.java" : m.group(1) + ".java";
                assertTrue(files.contains(file), module + "/README.md names " + m.group() + ", which is not in "
                        + module + "/src");
            }
        }
    }
}
