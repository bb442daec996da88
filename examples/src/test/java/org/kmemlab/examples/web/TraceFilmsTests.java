package org.kmemlab.examples.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.kmemlab.api.MachineProfile;
import org.kmemlab.api.Sizes;
import org.kmemlab.examples.map.FrameWatch;
import org.kmemlab.examples.map.Owner;
import org.kmemlab.examples.trace.Trace;
import org.kmemlab.examples.trace.TraceParser;
import org.kmemlab.kmalloc.FrameOwner;
import org.kmemlab.kmalloc.Kernel;
import org.kmemlab.kmalloc.KernelBuilder;

/**
 * The replay page learns frame owners by watching the providers ({@link FrameWatch}); the kernel keeps its
 * own per-frame table ({@link Kernel#frameOwner}). After a replayed trace the two must agree on every frame,
 * or the page's grid would show a frame as free that the kernel holds (or the other way round).
 */
class TraceFilmsTests {

    /**
     * The owner the watch shows for a frame the kernel says {@code owner} holds. The watch knows fewer
     * owners: a block it cannot attribute (the page cache, page tables, vmalloc, __get_free_pages asked for by
     * the kernel itself) is "page cache (and other kernel use)"; named caches are slab pages.
     */
    static Owner shownAs(FrameOwner owner) {
        return switch (owner) {
            case FREE -> Owner.FREE;
            case RESERVED -> Owner.RESERVED;
            case SLAB, KMEM_CACHE -> Owner.SLAB;
            case KMALLOC_LARGE -> Owner.KMALLOC_LARGE;
            case PAGES, PER_CPU_LIST, PAGE_CACHE, VMALLOC, PAGE_TABLE -> Owner.PAGE_CACHE;
        };
    }

    @ParameterizedTest(name = "{0} on {1}")
    @CsvSource({"kmem-events.trace, I386_LINUX_2_0", "kmem-events.trace, X86_64", "realloc-growth.rep, I386_LINUX_2_0"})
    void theWatchAgreesWithTheKernelOnEveryFrameAfterAReplay(String name, MachineProfile profile) throws Exception {
        Trace trace = TraceParser.parse(Path.of("traces", name));
        Film film = new Recording("kmemlab replay").film(trace.name());
        // x86_64 at 64 MiB instead of its 1 GiB default: the same trace, a sixteenth of the frames to compare
        KernelBuilder builder = Kernel.builder().profile(profile).cpuCaches(false);
        if (profile == MachineProfile.X86_64) {
            builder.ram(64 * Sizes.MiB);
        }
        Kernel kernel = TraceFilms.record(film, film.watching(builder, "buddy-reference", "bucket-reference"), trace);
        FrameWatch watch = film.watch();
        long frames = kernel.machine().frames();
        assertEquals(frames, watch.frames(), "the watch covers the machine");
        Map<FrameOwner, Long> counts = new EnumMap<>(FrameOwner.class);
        List<String> disagreements = new ArrayList<>();
        for (long pfn = 0; pfn < frames; pfn++) {
            FrameOwner owner = kernel.frameOwner(pfn);
            counts.merge(owner, 1L, Long::sum);
            if (watch.owner(pfn) != shownAs(owner) && disagreements.size() < 10) {
                disagreements.add("pfn " + pfn + ": the kernel says " + owner + ", the page shows " + watch.owner(pfn));
            }
        }
        System.out.println("[kmemlab] " + name + " on " + profile + " after " + trace.ops().size()
                + " operations: frames by owner " + counts);
        assertEquals(List.of(), disagreements);
        assertTrue(counts.getOrDefault(FrameOwner.SLAB, 0L) > 0, "the replay left slab pages to compare: " + counts);
        if (profile == MachineProfile.X86_64) {
            assertTrue(counts.getOrDefault(FrameOwner.KMALLOC_LARGE, 0L) > 0, "and large kmallocs: " + counts);
        }
    }
}
