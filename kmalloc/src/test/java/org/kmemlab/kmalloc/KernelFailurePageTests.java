package org.kmemlab.kmalloc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmemlab.api.KernelMemory;
import org.kmemlab.api.stats.SlabInfo;
import org.kmemlab.testkit.contract.ContractProperty;
import org.kmemlab.testkit.contract.KernelContract;
import org.kmemlab.testkit.contract.PropertyResult;
import org.kmemlab.testkit.property.Effort;
import org.kmemlab.testkit.property.Snapshot;
import org.kmemlab.testkit.report.FailurePage;
import org.kmemlab.testkit.report.Json;

/**
 * The kernel contract's failure page draws the kernel's /proc view beside the model: for a mutant of
 * {@link KernelMutantsTests}, the failing property's page holds a picture per step, and the first in which
 * the two sides differ shows the figure the planted bug falsifies.
 */
class KernelFailurePageTests {

    private static final Effort EFFORT = new Effort(40, 50, 20261125L);

    static PropertyResult failure(Supplier<KernelMemory> boot, String subject, String id) {
        for (ContractProperty p : KernelContract.properties(boot, subject, "mvn test", 0)) {
            if (p.id().equals(id)) {
                PropertyResult r = p.check(EFFORT);
                assertFalse(r.passed(), id + " must fail for " + subject);
                return r;
            }
        }
        throw new AssertionError("no property " + id);
    }

    /** Returns the picture where the sides first differ, as allocator-line | model-line pairs, and its index. */
    static List<String> firstDifference(PropertyResult r, int[] at) {
        List<Snapshot> film = r.snapshots();
        assertEquals(r.steps().size() + 1, film.size(), "a picture after set-up and after each step");
        for (int i = 0; i < film.size(); i++) {
            Snapshot s = film.get(i);
            List<String> out = new ArrayList<>();
            for (int k = 0; k < s.allocator().size(); k++) {
                if (!s.allocator().get(k).equals(s.model().get(k))) {
                    out.add(s.allocator().get(k).strip() + " | " + s.model().get(k).strip());
                }
            }
            if (!out.isEmpty()) {
                at[0] = i;
                System.out.println("[kmemlab] " + r.id() + " for " + r.subject() + ": the kernel and the model part"
                        + " at step " + i + " of " + r.steps().size() + ": " + out + "\n  " + s.allocator());
                return out;
            }
        }
        throw new AssertionError("the pictures never differ: " + film);
    }

    @Test
    void aKernelThatLeavesSlabOutOfMeminfoShowsSlabZeroBesideTheSlabinfoPages(@TempDir Path dir) throws Exception {
        PropertyResult r = failure(KernelMutantsTests.SlabMissingFromMeminfo::new, "slab-missing", "kernel.accounting");
        int[] at = new int[1];
        List<String> differing = firstDifference(r, at);
        assertEquals(1, differing.size(), differing.toString());
        assertTrue(differing.get(0).matches("Slab: 0 kB \\| Slab: [1-9]\\d* kB"), differing.toString());
        Path page = dir.resolve("page.html");
        FailurePage.write(r, page);
        String html = Files.readString(page);
        for (String line : r.snapshots().get(at[0]).model()) {
            assertTrue(html.contains(new Json().string(line).toString()), line);
        }
    }

    @Test
    void aKernelThatLeaksLargeAllocationsShowsThePagesMissingOnceNothingIsLive() {
        PropertyResult r = failure(KernelMutantsTests.LeaksLargeAllocations::new, "leaks-large", "kernel.accounting");
        int[] at = new int[1];
        List<String> differing = firstDifference(r, at);
        assertTrue(at[0] > 0, "after set-up nothing has leaked yet");
        assertEquals(1, differing.size(), differing.toString());
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("nothing live, free \\+ slab \\+ cached: (\\d+) pages"
                + " \\| nothing live, free \\+ slab \\+ cached: at least (\\d+) pages \\(as after boot\\)")
                .matcher(differing.get(0));
        assertTrue(m.matches(), differing.toString());
        assertTrue(Long.parseLong(m.group(1)) < Long.parseLong(m.group(2)), differing.toString());
        assertTrue(r.steps().get(at[0] - 1).contains("kfree("), "the leak shows when the last kfree leaves"
                + " nothing live: " + r.steps().get(at[0] - 1));
    }

    /** A kernel whose slabinfo row of a named cache counts no active object. */
    static final class NamedCacheRowCountsNothing extends KernelMutantsTests.Forwarding {
        @Override
        public List<SlabInfo> slabinfo() {
            List<SlabInfo> rows = new ArrayList<>();
            for (SlabInfo r : kernel.slabinfo()) {
                rows.add(r.name().equals("contract_cache") ? new SlabInfo(r.name(), 0, r.totalObjects(), r.objectSize(),
                        r.objectsPerSlab(), r.pagesPerSlab(), 0, r.totalSlabs()) : r);
            }
            return rows;
        }
    }

    @Test
    void aNamedCacheWhoseRowCountsNothingShowsItBesideTheLiveCacheObjects() {
        PropertyResult r = failure(NamedCacheRowCountsNothing::new, "row-counts-nothing", "kernel.named-caches");
        int[] at = new int[1];
        List<String> differing = firstDifference(r, at);
        assertTrue(r.steps().get(at[0] - 1).contains("kmem_cache_alloc("), "the row is wrong once an object is"
                + " live: " + r.steps().get(at[0] - 1));
        assertEquals(List.of("active objects: 0 | active objects: at least 1"), differing);
    }
}
