package org.kmemlab.testkit.zoo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.kmemlab.testkit.contract.Rule;

/**
 * Keeps the contracts provably complete against the SPIs' own text (issue 15):
 * <ul>
 *   <li>every MUST and SHOULD of the Javadoc of PageAllocator, ObjectAllocator, PageSource,
 *       ZoneAllocator, KernelMemory, SlabCaches (the kernel's named caches) and SlabCache carries a rule id
 *       in brackets, and {@link Rule} holds exactly those ids with exactly those sentences;</li>
 *   <li>every check of a contract cites a rule (no {@code new InvariantViolation(} outside {@code Rule}),
 *       and every rule is cited by a check;</li>
 *   <li>every MUST rule has a mutant in the zoo whose failures cite that rule and no other (for the kernel
 *       facade: a mutant of {@code KernelMutantsTests} in module kmalloc, which checks the citation
 *       itself), except the rules {@link #WITHOUT_MUTANT} names with the reason;</li>
 *   <li>testkit/README.md carries the table this test prints.</li>
 * </ul>
 */
class RuleTableTests {

    /** The SPI sources, relative to the repository root. */
    static final Map<String, String> SPI_SOURCES = Map.of(
            "PageAllocator", "api/src/main/java/org/kmemlab/api/spi/PageAllocator.java",
            "ObjectAllocator", "api/src/main/java/org/kmemlab/api/spi/ObjectAllocator.java",
            "PageSource", "api/src/main/java/org/kmemlab/api/spi/PageSource.java",
            "ZoneAllocator", "api/src/main/java/org/kmemlab/api/spi/ZoneAllocator.java",
            "KernelMemory", "api/src/main/java/org/kmemlab/api/KernelMemory.java",
            "SlabCaches", "api/src/main/java/org/kmemlab/api/SlabCaches.java",
            "SlabCache", "api/src/main/java/org/kmemlab/api/spi/SlabCache.java");

    /** Where the kernel facade's mutants live (module kmalloc depends on the testkit, not the reverse). */
    static final String KERNEL_MUTANTS = "kmalloc/src/test/java/org/kmemlab/kmalloc/KernelMutantsTests.java";

    /**
     * MUST rules the zoo has no mutant for yet, each with the reason. The test fails when a rule here does
     * have one (so the list only shrinks) and when a rule lacks one without being here.
     */
    static final Map<String, String> WITHOUT_MUTANT = Map.of(
            "zone.concurrent", "a missing lock shows only when the scheduler interleaves two calls badly, so no"
                    + " mutant can be killed on every build (the property runs against every real allocator)",
            "kernel.concurrent", "as zone.concurrent: a race is caught with some probability, never for sure");

    private static final Pattern SPAN = Pattern.compile(
            "\\[([a-z]+\\.[a-z0-9-]+)\\]\\s*(.*?)(?=\\[[a-z]+\\.[a-z0-9-]+\\]|</li>|<li>|<h2>|<p>|\\z)",
            Pattern.DOTALL);
    private static final Pattern JAVADOC = Pattern.compile("/\\*\\*(.*?)\\*/", Pattern.DOTALL);
    private static final Pattern RFC_WORD = Pattern.compile("\\b(MUST|SHOULD)\\b");

    @Test
    void theRulesAreTheBracketedSentencesOfTheSpiJavadoc() {
        Map<String, String[]> found = new LinkedHashMap<>();
        List<String> untagged = new ArrayList<>();
        for (Map.Entry<String, String> spi : SPI_SOURCES.entrySet()) {
            Matcher doc = JAVADOC.matcher(read(spi.getValue()));
            while (doc.find()) {
                String body = doc.group(1).replaceAll("(?m)^\\s*\\* ?", "");
                List<int[]> spans = new ArrayList<>();
                Matcher m = SPAN.matcher(body);
                while (m.find()) {
                    found.put(m.group(1), new String[] {spi.getKey(), plain(m.group(2))});
                    spans.add(new int[] {m.start(), m.end()});
                }
                Matcher word = RFC_WORD.matcher(body);
                while (word.find()) {
                    boolean inside = false;
                    for (int[] span : spans) {
                        inside |= word.start() >= span[0] && word.start() < span[1];
                    }
                    if (!inside) {
                        int from = Math.max(0, word.start() - 60);
                        untagged.add(spi.getKey() + ": ..." + plain(body.substring(from, Math.min(body.length(),
                                word.end() + 40))) + "...");
                    }
                }
            }
        }
        assertEquals(List.of(), untagged, "MUST/SHOULD sentences without a [rule.id] in the SPI Javadoc");
        List<String> problems = new ArrayList<>();
        for (Rule rule : Rule.values()) {
            String[] spiAndSentence = found.remove(rule.id());
            if (spiAndSentence == null) {
                problems.add(rule.id() + " is in Rule but in no SPI's Javadoc");
            } else if (!spiAndSentence[0].equals(rule.spi()) || !spiAndSentence[1].equals(rule.sentence())) {
                problems.add(rule.id() + " differs: Javadoc of " + spiAndSentence[0] + " says \"" + spiAndSentence[1]
                        + "\", Rule says " + rule.spi() + " \"" + rule.sentence() + "\"");
            }
        }
        found.keySet().forEach(id -> problems.add(id + " is in the Javadoc but not in Rule"));
        assertEquals(List.of(), problems);
    }

    @Test
    void everyCheckCitesARuleAndEveryRuleHasACheck() {
        Map<String, SortedSet<String>> checks = checks();
        List<String> uncited = new ArrayList<>();
        for (Path file : contractSources()) {
            String text = read(file);
            if (!file.getFileName().toString().equals("Rule.java") && text.contains("new InvariantViolation(")) {
                uncited.add(file.getFileName() + " throws a violation that cites no rule (use Rule.X.violation)");
            }
        }
        assertEquals(List.of(), uncited);
        List<String> unchecked = new ArrayList<>();
        for (Rule rule : Rule.values()) {
            if (rule.level() != Rule.Level.MAY && checks.get(rule.id()).isEmpty()) {
                unchecked.add(rule.id() + " (" + rule.level() + ") is cited by no check");
            }
        }
        assertEquals(List.of(), unchecked);
    }

    @Test
    void everyMustRuleHasAMutantThatOnlyItsCheckKills() {
        Map<String, SortedSet<String>> mutants = onlyKilledBy();
        List<String> problems = new ArrayList<>();
        for (Rule rule : Rule.values()) {
            if (rule.level() != Rule.Level.MUST) {
                continue;
            }
            boolean has = !mutants.get(rule.id()).isEmpty();
            String excused = WITHOUT_MUTANT.get(rule.id());
            if (!has && excused == null) {
                problems.add(rule.id() + ": no mutant whose failures cite only this rule");
            } else if (has && excused != null) {
                problems.add(rule.id() + " has mutant " + mutants.get(rule.id()) + ": take it out of WITHOUT_MUTANT");
            }
        }
        String table = table(mutants);
        System.out.println("[kmemlab] rule table:\n" + table);
        assertEquals(List.of(), problems);
        assertEquals(List.of(), readmeProblems(read("testkit/README.md"), mutants),
                "testkit/README.md must carry the rule table printed above (between its rule-table markers)");
    }

    /**
     * Compares the README's table with this run: the same rows, levels and checking classes, and for
     * each MUST rule at least one of the mutants the README names really is killed by that rule alone.
     * (Which further mutants a rule alone kills may vary with the seed and, for timed rules, the load.)
     */
    static List<String> readmeProblems(String readme, Map<String, SortedSet<String>> mutants) {
        Map<String, SortedSet<String>> checks = checks();
        List<String> problems = new ArrayList<>();
        for (Rule rule : Rule.values()) {
            Matcher row = Pattern.compile("(?m)^\\| `" + Pattern.quote(rule.id()) + "` \\| (\\w+) \\| ([^|]*) \\| ([^|]*) \\|$")
                    .matcher(readme);
            if (!row.find()) {
                problems.add(rule.id() + ": no row in the README's rule table");
                continue;
            }
            if (!row.group(1).equals(rule.level().name())
                    || !row.group(2).trim().equals(String.join(", ", checks.get(rule.id())))) {
                problems.add(rule.id() + ": the README says " + row.group(1) + " | " + row.group(2).trim()
                        + ", the sources say " + rule.level() + " | " + String.join(", ", checks.get(rule.id())));
            }
            if (rule.level() == Rule.Level.MUST && !WITHOUT_MUTANT.containsKey(rule.id())) {
                boolean named = false;
                for (String mutant : row.group(3).split(", ")) {
                    named |= mutants.get(rule.id()).contains(mutant.trim());
                }
                if (!named) {
                    problems.add(rule.id() + ": none of the README's mutants (" + row.group(3).trim()
                            + ") is killed by this rule alone in this run: " + mutants.get(rule.id()));
                }
            }
        }
        return problems;
    }

    /** The table: rule, level, the classes whose checks cite it, the mutants only it kills. */
    static String table(Map<String, SortedSet<String>> mutants) {
        Map<String, SortedSet<String>> checks = checks();
        StringBuilder out = new StringBuilder();
        out.append("| rule | level | checked in | mutants only this rule kills |\n");
        out.append("|---|---|---|---|\n");
        for (Rule rule : Rule.values()) {
            String killed = String.join(", ", mutants.get(rule.id()));
            if (killed.isEmpty()) {
                killed = rule.level() == Rule.Level.MUST ? "none: " + WITHOUT_MUTANT.getOrDefault(rule.id(), "?")
                        : rule.level() == Rule.Level.MAY ? "(a freedom: the correct alternates use it)"
                        : "(a warning, never a failure)";
            }
            out.append("| `").append(rule.id()).append("` | ").append(rule.level()).append(" | ")
                    .append(String.join(", ", checks.get(rule.id()))).append(" | ").append(killed).append(" |\n");
        }
        return out.toString();
    }

    /** For every rule, the mutants whose failures cite that rule and no other. */
    static Map<String, SortedSet<String>> onlyKilledBy() {
        Map<String, SortedSet<String>> only = new TreeMap<>();
        for (Rule rule : Rule.values()) {
            only.put(rule.id(), new TreeSet<>());
        }
        for (KillTable table : List.of(Zoo.pages(), Zoo.objects(), Zoo.zones(), Zoo.slabCaches())) {
            for (String mutant : table.mutants()) {
                SortedSet<String> cited = table.rulesCited(mutant);
                if (cited.size() == 1 && only.containsKey(cited.first())) {
                    only.get(cited.first()).add(mutant);
                }
            }
        }
        // The kernel facade's mutants: KernelMutantsTests asserts that each one's failure cites its rule.
        Matcher m = Pattern.compile("new Mutant\\(\"([^\"]+)\",[^;]*?\"(kernel\\.[a-z0-9-]+)\"\\s*\\)",
                Pattern.DOTALL).matcher(read(KERNEL_MUTANTS));
        while (m.find()) {
            only.get(Rule.byId(m.group(2)).id()).add("kmalloc: " + m.group(1));
        }
        return only;
    }

    /** For every rule, the simple names of the contract classes whose checks cite it. */
    static Map<String, SortedSet<String>> checks() {
        Map<String, SortedSet<String>> checks = new TreeMap<>();
        for (Rule rule : Rule.values()) {
            checks.put(rule.id(), new TreeSet<>());
        }
        for (Path file : contractSources()) {
            String name = file.getFileName().toString().replace(".java", "");
            if (name.equals("Rule")) {
                continue;
            }
            String text = read(file);
            for (Rule rule : Rule.values()) {
                if (Pattern.compile("\\bRule\\." + rule.name() + "\\b").matcher(text).find()) {
                    checks.get(rule.id()).add(name);
                }
            }
        }
        return checks;
    }

    private static List<Path> contractSources() {
        try (Stream<Path> files = Files.walk(root().resolve("testkit/src/main/java/org/kmemlab/testkit/contract"))) {
            return files.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The Javadoc text of a rule without markup, as {@link Rule#sentence()} holds it. */
    static String plain(String javadoc) {
        Matcher link = Pattern.compile("\\{@(?:link|linkplain)\\s+([^}]*)\\}").matcher(javadoc);
        StringBuilder linked = new StringBuilder();
        while (link.find()) {
            String inner = link.group(1).trim();
            String shown = inner.substring(inner.indexOf('#') + 1);
            int space = inner.indexOf(' ');
            if (inner.indexOf('(') < 0 && space > 0) {
                shown = inner.substring(space + 1).trim();
            }
            link.appendReplacement(linked, Matcher.quoteReplacement(shown));
        }
        link.appendTail(linked);
        String t = linked.toString();
        t = t.replaceAll("\\{@code\\s+([^}]*)\\}", "$1");
        t = t.replaceAll("<[^>]+>", "");
        t = t.replaceAll("\\b(?:[a-z]+\\.)+([A-Z]\\w*)", "$1");
        return t.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&").replaceAll("\\s+", " ").trim();
    }

    static String read(String relative) {
        return read(root().resolve(relative));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": run the tests from the repository", e);
        }
    }

    /** The repository root: the first folder up from the working directory that has api/ and testkit/. */
    static Path root() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !(Files.isDirectory(dir.resolve("api/src")) && Files.isDirectory(dir.resolve("testkit")))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("cannot find the repository root (with api/ and testkit/) above "
                    + Path.of("").toAbsolutePath());
        }
        return dir;
    }
}
