package org.kmemlab.grader;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.kmemlab.api.Checks;

/**
 * Reads a {@link Rubric} from YAML or JSON (Jackson), with error messages that name the file and the
 * field: {@code rubric page.yaml: groups[1].properties[0].weight must be a number, not "ten"}.
 *
 * <p>Unknown fields are errors too: a misspelt {@code visibilty} would otherwise silently show hidden
 * tests to students. Every field but {@code spi} has a default, so a rubric can be as short as
 * {@code spi: page}; the defaults are those of the shipped rubrics ({@link #defaultFor(Spi)}).
 */
public final class RubricLoader {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();

    private RubricLoader() {
    }

    /**
     * Reads the rubric in {@code file}: JSON when its name ends in {@code .json}, else YAML.
     *
     * @throws IllegalArgumentException naming the file and field when the rubric is invalid
     * @throws UncheckedIOException when the file cannot be read
     */
    public static Rubric load(Path file) {
        Checks.requireNonNull(file, "rubric file");
        boolean json = file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json");
        try (InputStream in = Files.newInputStream(file)) {
            return parse(in, json, file.getFileName().toString(), file.toAbsolutePath().getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read rubric " + file, e);
        }
    }

    /** Returns the rubric that ships with the testkit for {@code spi}. */
    public static Rubric defaultFor(Spi spi) {
        String resource = "rubrics/" + spi.key() + ".yaml";
        try (InputStream in = RubricLoader.class.getResourceAsStream(resource)) {
            Checks.requireState(in != null, "the testkit ships no %s", resource);
            return parse(in, false, resource, null);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }

    /** Returns the text of the shipped rubric for {@code spi}, for instructors to copy and edit. */
    public static String defaultText(Spi spi) {
        String resource = "rubrics/" + spi.key() + ".yaml";
        try (InputStream in = RubricLoader.class.getResourceAsStream(resource)) {
            Checks.requireState(in != null, "the testkit ships no %s", resource);
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }

    /**
     * Parses a rubric.
     *
     * @param where the name used in error messages
     * @param base the folder relative {@code hiddenTests} paths are resolved against, or null
     */
    static Rubric parse(InputStream in, boolean json, String where, Path base) throws IOException {
        JsonNode root;
        try {
            root = (json ? JSON : YAML).readTree(in);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("rubric " + where + " is not valid " + (json ? "JSON" : "YAML") + ": "
                    + e.getOriginalMessage(), e);
        }
        Node r = new Node(root, where, "");
        r.allow("name", "spi", "reference", "provider", "seed", "hiddenSalt", "effort", "limits", "runTimeoutSeconds", "groups",
                "performance", "rules");
        Spi spi;
        try {
            spi = Spi.of(r.text("spi", null));
        } catch (IllegalArgumentException e) {
            throw r.error("spi", e.getMessage());
        }
        Node effort = r.child("effort");
        effort.allow("tries", "steps");
        int tries = effort.integer("tries", 40);
        int steps = effort.integer("steps", 50);
        Limits limits = limits(r.child("limits"), Limits.DEFAULTS);
        long seed = r.longValue("seed", 20_260_101L);
        List<Rubric.Group> groups = new ArrayList<>();
        Node groupsNode = r.child("groups");
        if (groupsNode.missing()) {
            groups.add(new Rubric.Group("contract", Rubric.Visibility.VISIBLE, Rubric.SeedMode.FIXED, seed, tries, steps,
                    List.of(new Rubric.Item("*", 1)), List.of(), limits));
        }
        for (int i = 0; i < groupsNode.size(); i++) {
            groups.add(group(groupsNode.at(i), seed, tries, steps, limits, base));
        }
        Rubric.Performance performance = null;
        Node perf = r.child("performance");
        if (!perf.missing()) {
            performance = performance(perf, seed, limits);
        }
        Node rules = r.child("rules");
        rules.allow("onViolation", "deduct");
        List<Path> hiddenPaths = new ArrayList<>();
        for (Rubric.Group g : groups) {
            for (String h : g.hiddenTests()) {
                Path p = Path.of(h);
                if (java.nio.file.Files.exists(p) && !hiddenPaths.contains(p)) {
                    hiddenPaths.add(p);
                }
            }
        }
        try {
            // Loads the instructor's property sets in the grader and fails on an id defined twice, before
            // anything is graded.
            Suites.load(hiddenPaths);
        } catch (IllegalArgumentException | LinkageError e) {
            throw new IllegalArgumentException("rubric " + where + ": hiddenTests: " + e.getMessage(), e);
        }
        try {
            return new Rubric(r.text("name", spi.type().getSimpleName()), spi, r.text("reference", spi.referenceName()),
                    r.text("provider", "").strip(), seed, r.text("hiddenSalt", "kmemlab"), tries, steps, limits,
                    Duration.ofSeconds(r.integer("runTimeoutSeconds", 540)), groups, performance,
                    new Rubric.Rules(rules.text("onViolation", "deduct"), rules.number("deduct", 10)));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("rubric " + where + ": " + e.getMessage(), e);
        }
    }

    private static Rubric.Group group(Node g, long seed, int tries, int steps, Limits limits, Path base) {
        g.allow("name", "visibility", "seeds", "seed", "effort", "properties", "hiddenTests", "limits");
        Node effort = g.child("effort");
        effort.allow("tries", "steps");
        Rubric.SeedMode seeds;
        String seedText = g.text("seeds", "fixed");
        try {
            seeds = Rubric.SeedMode.valueOf(seedText.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw g.error("seeds", "must be fixed or submission, not \"" + seedText + "\"");
        }
        List<Rubric.Item> items = new ArrayList<>();
        Node props = g.child("properties");
        for (int i = 0; i < props.size(); i++) {
            Node item = props.at(i);
            if (item.node.isTextual()) {
                items.add(new Rubric.Item(item.node.asText(), 1));
                continue;
            }
            item.allow("id", "weight");
            try {
                items.add(new Rubric.Item(item.text("id", null), item.number("weight", 1)));
            } catch (IllegalArgumentException e) {
                throw String.valueOf(e.getMessage()).startsWith("rubric ") ? e : item.error("weight", e.getMessage());
            }
        }
        if (props.missing()) {
            items.add(new Rubric.Item("*", 1));
        }
        List<String> hidden = new ArrayList<>();
        Node dirs = g.child("hiddenTests");
        for (int i = 0; i < dirs.size(); i++) {
            String p = dirs.at(i).node.asText();
            hidden.add(base == null ? p : base.resolve(p).normalize().toString());
        }
        String v = g.text("visibility", "visible");
        Rubric.Visibility visibility;
        try {
            visibility = Rubric.Visibility.of(v);
        } catch (IllegalArgumentException e) {
            throw g.error("visibility", e.getMessage());
        }
        return new Rubric.Group(g.text("name", "group " + g.path), visibility, seeds, g.longValue("seed", seed),
                effort.integer("tries", tries), effort.integer("steps", steps), items, hidden,
                limits(g.child("limits"), limits));
    }

    private static Rubric.Performance performance(Node p, long seed, Limits limits) {
        p.allow("maxScore", "visibility", "gate", "workloads", "warmups", "rounds", "thresholds", "limits");
        List<String> gate = new ArrayList<>();
        Node gateNode = p.child("gate");
        for (int i = 0; i < gateNode.size(); i++) {
            gate.add(gateNode.at(i).node.asText());
        }
        List<Rubric.Workload> workloads = new ArrayList<>();
        Node w = p.child("workloads");
        for (int i = 0; i < w.size(); i++) {
            Node one = w.at(i);
            one.allow("name", "ops", "seed");
            workloads.add(new Rubric.Workload(one.text("name", "mixed"), one.integer("ops", 200_000),
                    one.longValue("seed", seed)));
        }
        if (w.missing()) {
            workloads.add(new Rubric.Workload("mixed", 200_000, seed));
        }
        List<Rubric.Threshold> thresholds = new ArrayList<>();
        Node t = p.child("thresholds");
        for (int i = 0; i < t.size(); i++) {
            Node one = t.at(i);
            one.allow("ratio", "points");
            thresholds.add(new Rubric.Threshold(one.number("ratio", 1), one.number("points", 0)));
        }
        try {
            return new Rubric.Performance(p.number("maxScore", 10), Rubric.Visibility.of(p.text("visibility", "visible")),
                    gate, workloads, p.integer("warmups", 3), p.integer("rounds", 5), thresholds,
                    limits(p.child("limits"), limits));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("rubric " + p.where + ": performance: " + e.getMessage(), e);
        }
    }

    private static Limits limits(Node l, Limits defaults) {
        l.allow("heapMegabytes", "propertyTimeoutSeconds", "groupTimeoutSeconds", "groupCpuSeconds",
                "outputKibibytes", "maxThreads");
        try {
            return new Limits(l.integer("heapMegabytes", defaults.heapMegabytes()),
                    Duration.ofMillis(l.millis("propertyTimeoutSeconds", defaults.propertyTimeout())),
                    Duration.ofMillis(l.millis("groupTimeoutSeconds", defaults.groupTimeout())),
                    Duration.ofMillis(l.millis("groupCpuSeconds", defaults.groupCpu())),
                    l.integer("outputKibibytes", defaults.outputKibibytes()),
                    l.integer("maxThreads", defaults.maxThreads()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("rubric " + l.where + ": " + l.path + ": " + e.getMessage(), e);
        }
    }

    /** A node of the rubric with its path for messages: {@code groups[1].properties[0]}. */
    private static final class Node {
        final JsonNode node;
        final String where;
        final String path;

        Node(JsonNode node, String where, String path) {
            this.node = node;
            this.where = where;
            this.path = path;
        }

        boolean missing() {
            return node == null || node.isMissingNode() || node.isNull();
        }

        Node child(String name) {
            return new Node(missing() ? null : node.get(name), where, path.isEmpty() ? name : path + "." + name);
        }

        int size() {
            if (missing()) {
                return 0;
            }
            if (!node.isArray()) {
                throw new IllegalArgumentException("rubric " + where + ": " + path + " must be a list");
            }
            return node.size();
        }

        Node at(int i) {
            return new Node(node.get(i), where, path + "[" + i + "]");
        }

        void allow(String... names) {
            if (missing()) {
                return;
            }
            if (!node.isObject()) {
                throw new IllegalArgumentException("rubric " + where + ": " + (path.isEmpty() ? "the top level" : path)
                        + " must be a mapping of fields");
            }
            Set<String> allowed = Set.of(names);
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                String name = it.next();
                if (!allowed.contains(name)) {
                    throw error(name, "is not a rubric field here; known fields: " + String.join(", ", names));
                }
            }
        }

        String text(String name, String otherwise) {
            Node c = child(name);
            if (c.missing()) {
                if (otherwise == null) {
                    throw error(name, "is missing");
                }
                return otherwise;
            }
            if (!c.node.isValueNode()) {
                throw error(name, "must be text");
            }
            return c.node.asText();
        }

        double number(String name, double otherwise) {
            Node c = child(name);
            if (c.missing()) {
                return otherwise;
            }
            if (!c.node.isNumber()) {
                throw error(name, "must be a number, not " + c.node);
            }
            return c.node.asDouble();
        }

        long longValue(String name, long otherwise) {
            Node c = child(name);
            if (c.missing()) {
                return otherwise;
            }
            if (!c.node.isIntegralNumber()) {
                throw error(name, "must be a whole number, not " + c.node);
            }
            return c.node.asLong();
        }

        int integer(String name, int otherwise) {
            long v = longValue(name, otherwise);
            if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
                throw error(name, "is out of range: " + v);
            }
            return (int) v;
        }

        long millis(String name, Duration otherwise) {
            Node c = child(name);
            if (c.missing()) {
                return otherwise.toMillis();
            }
            if (!c.node.isNumber()) {
                throw error(name, "must be a number of seconds, not " + c.node);
            }
            return Math.round(c.node.asDouble() * 1000);
        }

        IllegalArgumentException error(String field, String message) {
            return new IllegalArgumentException("rubric " + where + ": " + (path.isEmpty() ? field : path + "." + field)
                    + " " + message);
        }
    }
}
