package org.kmemlab.grader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmemlab.api.Era;
import org.kmemlab.api.Machine;
import org.kmemlab.api.MachineProfile;
import org.kmemlab.api.Sizes;
import org.kmemlab.api.bug.KernelBug;
import org.kmemlab.api.spi.PageAllocator;
import org.kmemlab.api.spi.PageAllocatorConfig;
import org.kmemlab.api.spi.PageAllocatorProvider;
import org.kmemlab.grader.child.Wire;

/** The channel to the submission's JVM: calls, exceptions, replicated memory, deaths, and its speed. */
class ChildSessionTests {

    @TempDir
    Path dir;

    private static final Limits LIMITS = new Limits(256, Duration.ofSeconds(60), Duration.ofSeconds(120),
            Duration.ofSeconds(240), 64, 16);

    private ChildSession start(Path submission) throws Exception {
        long far = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        return ChildSession.start(GradeOptions.defaults(dir.resolve("w")).path(), List.of(submission), LIMITS, 0, far,
                far, dir.resolve("child"));
    }


    @Test
    void callsCrossTheChannelAndTheirSpeedIsReported() throws Exception {
        Path jar = GradeFixtures.studentBuddy(dir, "alice", UnaryOperator.identity());
        ChildSession session = ChildSession.start(GradeOptions.defaults(dir.resolve("w")).path(), List.of(jar), LIMITS,
                0, System.nanoTime() + Duration.ofMinutes(5).toNanos(), System.nanoTime() + Duration.ofMinutes(5)
                        .toNanos(), dir.resolve("child"));
        try {
            List<ChildSession.Listed> listed = session.hello(List.of(jar), List.of());
            assertTrue(listed.stream().anyMatch(l -> l.name().equals("student-buddy") && l.fromSubmission()),
                    listed.toString());
            PageAllocatorProvider provider = (PageAllocatorProvider) RemoteProviders.of(session, Spi.PAGE,
                    session.provider(Spi.PAGE, "student-buddy", false), "student-buddy");
            Machine machine = Machine.boot(MachineProfile.X86_64, 64 * Sizes.MiB);
            PageAllocator a = provider.create(new PageAllocatorConfig(machine, "Normal", 0, machine.frames(), 10));
            assertEquals(machine.frames(), a.freeFrames());
            // Warm up, then time round trips: one allocate and one free per iteration.
            for (int i = 0; i < 2000; i++) {
                a.free(a.allocate(0), 0);
            }
            int n = 20_000;
            long started = System.nanoTime();
            for (int i = 0; i < n; i++) {
                a.free(a.allocate(i & 3), i & 3);
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            System.out.printf("[channel] %.0f calls per second (%d round trips in %.2f s)%n", 2 * n / seconds, 2 * n,
                    seconds);
            assertEquals(machine.frames(), a.freeFrames());
            // A bad free comes back as the KernelBug the allocator threw, with its report.
            long pfn = a.allocate(2);
            KernelBug bug = assertThrows(KernelBug.class, () -> a.free(pfn, 1));
            assertTrue(bug.getMessage().contains("Bad page state") || bug.getMessage().contains("BUG"),
                    bug.getMessage());
            a.free(pfn, 2);
            assertEquals(machine.frames(), a.freeFrames());
            // The era crosses the channel: on Linux 2.0 a split hands out the top half (2.0's EXPAND,
            // mm/page_alloc.c:161-172), so the first order-0 block of frames 0..7 is frame 7.
            PageAllocator old = provider.create(new PageAllocatorConfig(machine, "DMA", 0, 8, 3, Era.LINUX_2_0));
            assertEquals(7, old.allocate(0));
            PageAllocator today = provider.create(new PageAllocatorConfig(machine, "DMA", 0, 8, 3, Era.MODERN));
            assertEquals(0, today.allocate(0));
        } finally {
            ChildRun run = session.close();
            assertEquals(null, run.kill());
        }
    }

    @Test
    void aChildThatExitsWakesTheCallerWithGoneAndIsReportedAsExited() throws Exception {
        Path jar = GradeFixtures.hostile(dir, "exit", "System.exit(3);");
        ChildSession session = start(jar);
        PageAllocatorProvider provider;
        try {
            List<ChildSession.Listed> listed = session.hello(List.of(jar), List.of());
            provider = (PageAllocatorProvider) RemoteProviders.of(session, Spi.PAGE,
                    session.provider(Spi.PAGE, "student-buddy", false), "student-buddy");
            Machine machine = Machine.boot(MachineProfile.X86_64, 64 * Sizes.MiB);
            assertThrows(Wire.Gone.class,
                    () -> provider.create(new PageAllocatorConfig(machine, "Normal", 0, machine.frames(), 10)));
        } finally {
            ChildRun run = session.close();
            assertEquals(Status.EXITED, GroupRunner.classify(run), run.toString());
        }
    }
}
