package org.kmemlab.testkit.zoo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmemlab.testkit.contract.ContractProperty;
import org.kmemlab.testkit.contract.ObjectAllocatorContract;
import org.kmemlab.testkit.contract.PropertyResult;
import org.kmemlab.testkit.contract.SlabCacheContract;
import org.kmemlab.testkit.contract.ZoneAllocatorContract;
import org.kmemlab.testkit.contract.support.SimplePageAllocator;
import org.kmemlab.testkit.property.Effort;
import org.kmemlab.testkit.property.Snapshot;
import org.kmemlab.testkit.report.FailurePage;
import org.kmemlab.testkit.report.Json;

/**
 * The failure page of the object, zone and slab-cache contracts draws the allocator beside the model: for
 * a zoo mutant with one planted bug, the failing property's page exists, holds a picture per step, and the
 * first picture in which the two sides differ is the step that planted the bug's first effect, with the
 * lines that differ being the figures the bug falsifies. (The page contract's picture is tested in
 * {@code FailurePageTests}, the kernel's in kmalloc's {@code KernelFailurePageTests}.)
 */
class FailurePicturesTests {

    /** Runs {@code properties} in order and returns the result of the one named {@code id}, which must fail. */
    static PropertyResult failure(List<ContractProperty> properties, String id, Effort effort) {
        for (ContractProperty p : properties) {
            if (p.id().equals(id)) {
                PropertyResult r = p.check(effort);
                assertFalse(r.passed(), id + " must fail for " + r.subject());
                System.out.println("[kmemlab] " + r.id() + " for " + r.subject() + ", " + effort + ":\n" + film(r));
                return r;
            }
        }
        throw new AssertionError("no property " + id);
    }

    /** Returns the index of the first picture whose sides differ, or -1. */
    static int divergence(List<Snapshot> film) {
        for (int i = 0; i < film.size(); i++) {
            if (film.get(i).diverges()) {
                return i;
            }
        }
        return -1;
    }

    /** Returns the allocator's lines of {@code s} that differ from the model's, each with the model's line. */
    static List<String> differing(Snapshot s) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < Math.max(s.allocator().size(), s.model().size()); i++) {
            String a = i < s.allocator().size() ? s.allocator().get(i) : "";
            String m = i < s.model().size() ? s.model().get(i) : "";
            if (!a.equals(m)) {
                out.add(a.strip() + " | " + m.strip());
            }
        }
        return out;
    }

    /** Checks what every page must hold and returns the divergent step. */
    static int checkPage(PropertyResult r, Path dir) throws Exception {
        List<Snapshot> film = r.snapshots();
        assertEquals(r.steps().size() + 1, film.size(), "a picture after set-up and after each step");
        int at = divergence(film);
        assertTrue(at >= 0, "the pictures must show where the allocator and the model part:\n" + film(r));
        Path page = dir.resolve("page.html");
        FailurePage.write(r, page);
        String html = Files.readString(page);
        System.out.println("[kmemlab] " + r.id() + " page for " + r.subject() + ": " + html.length() + " characters, "
                + film.size() + " pictures, they part at step " + divergence(film));
        for (String line : film.get(at).allocator()) {
            assertTrue(html.contains(new Json().string(line).toString()), "the page holds " + line);
        }
        return at;
    }

    private static String film(PropertyResult r) {
        StringBuilder out = new StringBuilder();
        List<String> steps = new ArrayList<>();
        steps.add("0: " + r.setUp());
        steps.addAll(r.steps());
        for (int i = 0; i < r.snapshots().size(); i++) {
            out.append("  ").append(i < steps.size() ? steps.get(i) : "?").append('\n');
            out.append("    differs: ").append(differing(r.snapshots().get(i))).append('\n');
        }
        return out.toString();
    }

    @Test
    void objectPagesShowTheSlabinfoThatMiscountsAFree(@TempDir Path dir) throws Exception {
        ZooObjectProvider mutant = SlabMutants.all().stream().filter(m -> m.name().equals("slabinfo-miscount"))
                .findFirst().orElseThrow();
        PropertyResult r = failure(ObjectAllocatorContract.properties(mutant), "object.accounting",
                new Effort(60, 40, Zoo.SEED));
        int at = checkPage(r, dir);
        assertTrue(step(r, at).contains("= free(") || step(r, at).contains(": free("), "the bug shows at a free: "
                + step(r, at));
        List<String> differing = differing(r.snapshots().get(at));
        assertTrue(differing.stream().anyMatch(l -> l.matches("objects live: (\\d+) \\| objects live: \\d+")
                && numbers(l)[0] == numbers(l)[1] + 1), "slabinfo counts one object more than"
                + " live: " + differing);
        assertTrue(differing.stream().allMatch(l -> l.contains(" live")), differing.toString());
    }

    /** The two numbers of a differing line {@code objects live: A | objects live: B}. */
    private static long[] numbers(String line) {
        String[] sides = line.split(" \\| ");
        return new long[] {Long.parseLong(sides[0].replaceAll("\\D", "")), Long.parseLong(sides[1].replaceAll("\\D", ""))};
    }

    /** The step after which picture {@code at} was drawn (0 is the set-up). */
    private static String step(PropertyResult r, int at) {
        return at == 0 ? r.setUp() : r.steps().get(at - 1);
    }

    @Test
    void zonePagesShowZoneinfoFreePagesOffByOne(@TempDir Path dir) throws Exception {
        PropertyResult r = failure(ZoneAllocatorContract.properties(
                AlternateZoneAllocator.provider(AlternateZoneAllocator.Flaw.ZONEINFO_FREE_OFF_BY_ORDER),
                SimplePageAllocator.provider()), "zone.blocks", Zoo.zoneEffort());
        int at = checkPage(r, dir);
        assertTrue(step(r, at).contains("allocPages("), "the bug shows once a block is out: " + step(r, at));
        List<String> differing = differing(r.snapshots().get(at));
        assertEquals(1, differing.size(), differing.toString());
        long[] free = numbers(differing.get(0));
        assertTrue(differing.get(0).startsWith("pages free ") && free[0] == free[1] - 1, differing.toString());
    }

    @Test
    void slabPagesShowEverySlabCountedActive(@TempDir Path dir) throws Exception {
        PropertyResult r = failure(SlabCacheContract.properties(
                AlternateSlabCache.provider(AlternateSlabCache.Flaw.ALL_SLABS_ACTIVE)), "slab.accounting",
                new Effort(60, 40, Zoo.SEED));
        int at = checkPage(r, dir);
        assertTrue(step(r, at).contains("free("), "the bug shows once a slab is empty again: " + step(r, at));
        assertEquals(List.of("active slabs: 1 | active slabs: 0"), differing(r.snapshots().get(at)));
    }
}
