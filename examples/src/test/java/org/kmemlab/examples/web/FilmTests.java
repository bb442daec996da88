package org.kmemlab.examples.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmemlab.api.Gfp;
import org.kmemlab.api.KernelMemory;
import org.kmemlab.api.MachineProfile;
import org.kmemlab.examples.map.Owner;
import org.kmemlab.examples.trace.Trace;
import org.kmemlab.examples.trace.TraceOp;
import org.kmemlab.kmalloc.Kernel;
import org.kmemlab.kmalloc.KernelBuilder;

/** Recording a run without a browser: steps, deltas, the /proc pool and misuse. */
class FilmTests {

    private static KernelBuilder builder() {
        return Kernel.builder().profile(MachineProfile.I386_LINUX_2_0).cpuCaches(false);
    }

    private static Film film(Recording recording) {
        Film film = recording.film("test");
        return film;
    }

    @Test
    void bootIsStepZeroAndEveryStepRecordsOnlyWhatChanged() {
        Recording recording = new Recording("t");
        Film film = film(recording);
        Kernel kernel = film.watching(builder(), "buddy-reference", "bucket-reference").boot();
        assertEquals(1, film.steps(), "boot");
        long block = kernel.getFreePages(Gfp.GFP_KERNEL, 3);
        long pfn = kernel.machine().virtToPfn(block);
        film.step("got 8 pages");
        film.step("nothing happened");
        assertEquals(3, film.steps());
        String json = recording.json();
        assertTrue(json.contains("{\"l\":\"got 8 pages\",\"f\":[" + pfn + ",8," + Owner.PAGE_CACHE.ordinal() + "],"),
                json.substring(json.indexOf("got 8 pages") - 10));
        // A step where nothing changed has no frame changes and keeps every /proc file (-1).
        assertTrue(json.contains("{\"l\":\"nothing happened\",\"f\":[],\"o\":[],\"p\":[-1,-1,-1,-1],\"d\":[]}"), json);
    }

    @Test
    void slabPagesCountTheirObjects() {
        Recording recording = new Recording("t");
        Film film = film(recording);
        Kernel kernel = film.watching(builder(), "buddy-reference", "bucket-reference").boot();
        long a = kernel.kmalloc(100, Gfp.GFP_KERNEL);
        long b = kernel.kmalloc(100, Gfp.GFP_KERNEL);
        long pfn = kernel.machine().virtToPfn(a);
        assertEquals(pfn, kernel.machine().virtToPfn(b), "two small objects share a slab page");
        assertEquals(Owner.SLAB, film.watch().owner(pfn));
        assertEquals(2, film.watch().objects(pfn));
        assertEquals(2 * kernel.ksize(a), film.watch().objectBytes(pfn));
        kernel.kfree(a);
        assertEquals(1, film.watch().objects(pfn));
    }

    @Test
    void aTraceGetsAStepPerOperationLabelledAsKernelCodeWouldCallIt() {
        Trace trace = new Trace("t", Trace.Format.CSAPP, 1, List.of(new TraceOp(TraceOp.Kind.ALLOC, 0, 20000,
                Gfp.GFP_KERNEL, 5), new TraceOp(TraceOp.Kind.FREE, 0, 0, Gfp.GFP_KERNEL, 6)), 0);
        Recording recording = new Recording("t");
        Film film = film(recording);
        TraceFilms.record(film, film.watching(builder(), "buddy-reference", "bucket-reference"), trace);
        assertEquals(3, film.steps());
        String json = recording.json();
        assertTrue(json.contains("\"l\":\"kmalloc(20000, GFP_KERNEL) = 0x"), json);
        assertTrue(json.contains(" [id 0, line 6]"), json);

        // On a modern machine 20000 bytes are beyond the object allocator: a large kmalloc of 8 frames.
        Trace alloc = new Trace("t", Trace.Format.CSAPP, 1, trace.ops().subList(0, 1), 0);
        Film modern = new Recording("m").film("m");
        Kernel kernel = TraceFilms.record(modern, modern.watching(Kernel.builder().profile(MachineProfile.X86_64)
                .cpuCaches(false), "buddy-reference", "bucket-reference"), alloc);
        long pfn = -1;
        for (int p = 0; p < modern.watch().frames() && pfn < 0; p++) {
            pfn = modern.watch().owner(p) == Owner.KMALLOC_LARGE ? p : -1;
        }
        assertTrue(pfn >= 0, "some frame is a large kmalloc");
        for (long p = pfn; p < pfn + 8; p++) {
            assertEquals(Owner.KMALLOC_LARGE, modern.watch().owner(p), "pfn " + p);
        }
        assertEquals(Owner.FREE, modern.watch().owner(pfn + 8), "an order-3 block");
        assertEquals(kernel.machine().frames(), modern.watch().frames());
        assertEquals("kfree(NULL) [id 3, line 9]", TraceFilms.describe(new TraceOp(TraceOp.Kind.FREE, 3, 0,
                Gfp.GFP_KERNEL, 9), KernelMemory.NULL, KernelMemory.NULL));
    }

    @Test
    void procFilesAreKeptAsPooledLines() {
        Recording recording = new Recording("t");
        int[] first = recording.lines("a\nb\n");
        int[] again = recording.lines("b\na");
        assertEquals(2, first.length);
        assertEquals(first[1], again[0]);
        assertEquals(first[0], again[1]);
    }

    @Test
    void misuseIsExplained(@TempDir Path dir) {
        Recording recording = new Recording("empty");
        Film film = film(recording);
        assertEquals("film 'test' has no kernel yet: boot the builder from watching() first",
                assertThrows(IllegalStateException.class, () -> film.step("x")).getMessage());
        assertEquals("nothing was recorded: no kernel booted for page 'empty'",
                assertThrows(IllegalStateException.class, () -> recording.write(dir.resolve("p.html"))).getMessage());
        assertTrue(Files.notExists(dir.resolve("p.html")));
        KernelBuilder once = film.watching(builder(), "buddy-reference", "bucket-reference");
        once.boot();
        assertTrue(assertThrows(IllegalStateException.class, once::boot).getMessage()
                .startsWith("a frame watch serves one machine, but a second one booted with it"));
    }

    @Test
    void aLessonsNarrationStepsTheKernelItBootedLast() {
        Recording recording = new Recording("lesson");
        LessonFilms films = new LessonFilms(recording, "demo", p -> builder(), "buddy-reference", "bucket-reference");
        films.narrate("before any kernel: not recorded");
        films.builder(MachineProfile.I386_LINUX_2_0).boot();
        films.narrate("first kernel up");
        films.builder(MachineProfile.I386_LINUX_2_0).boot();
        films.narrate("  second kernel up  ");
        films.narrate("   ");
        List<Film> all = recording.films();
        assertEquals(2, all.size());
        assertEquals(2, all.get(0).steps(), "boot and one line");
        assertEquals(2, all.get(1).steps(), "boot and one line; blank lines make no step");
        assertTrue(recording.json().contains("\"title\":\"demo: kernel 2\""));
        assertTrue(recording.json().contains("\"l\":\"second kernel up\""));
    }
}
