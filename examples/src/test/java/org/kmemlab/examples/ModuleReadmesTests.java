package org.kmemlab.examples;

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

    @Test
    void everyFileAModuleReadmeNamesIsInThatModule() throws IOException {
        Pattern named = Pattern.compile("`(\\w+)(\\.java|Tests)`");
        for (String module : List.of("api", "buddy", "bucket", "dma-zone")) {
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
