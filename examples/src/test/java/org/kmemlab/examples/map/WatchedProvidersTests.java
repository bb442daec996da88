package org.kmemlab.examples.map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.kmemlab.api.spi.ObjectAllocator;
import org.kmemlab.api.spi.PageAllocator;
import org.kmemlab.examples.Run;

/**
 * The watching wrappers that map, replay and every {@code --html} page put around the chosen providers
 * must only watch: a watched kernel behaves exactly as the kernel it watches.
 */
class WatchedProvidersTests {

    @Test
    void theWrappersForwardEveryMethodOfTheSpiTheyWrapDefaultsIncluded() throws Exception {
        List<String> missing = new ArrayList<>();
        missing.addAll(notOverridden(PageAllocator.class, Class.forName(WatchedPages.class.getName() + "$Watched")));
        missing.addAll(notOverridden(ObjectAllocator.class, Class.forName(WatchedSlabs.class.getName() + "$Counted")));
        assertEquals(List.of(), missing, "a default method left to the interface changes what the kernel does"
                + " (kmalloc probes size classes when an allocator gives none)");
    }

    private static List<String> notOverridden(Class<?> spi, Class<?> wrapper) {
        List<String> missing = new ArrayList<>();
        for (Method m : spi.getMethods()) {
            if (Modifier.isStatic(m.getModifiers())) {
                continue;
            }
            try {
                wrapper.getDeclaredMethod(m.getName(), m.getParameterTypes());
            } catch (NoSuchMethodException e) {
                missing.add(wrapper.getSimpleName() + " does not forward " + spi.getSimpleName() + "." + m.getName());
            }
        }
        return missing;
    }

    /**
     * Recording a lesson ({@code --html}) must not change what it shows. On the default Linux 2.0 machine
     * the DMA lesson's ordinary kmalloc landed below 16 MiB when recorded (the watched object allocator
     * hid its size classes, and kmalloc's boot-time probe reordered the free lists), so the lesson failed.
     * Lessons whose output has no measured times are compared line for line.
     */
    @ParameterizedTest
    @ValueSource(strings = {"check-returns", "unwind", "pools", "atomic", "dma", "vmalloc", "boot", "carry-on"})
    void aRecordedLessonPrintsWhatTheUnrecordedOneDoes(String lesson, @org.junit.jupiter.api.io.TempDir
            java.nio.file.Path dir) {
        Run plain = Run.kmemlab("lesson", lesson);
        Run recorded = Run.kmemlab("lesson", lesson, "--html", dir.resolve(lesson + ".html").toString());
        assertEquals(0, plain.status(), plain.err());
        assertEquals(0, recorded.status(), recorded.err());
        String withoutPageLine = recorded.out().replaceAll("(?m)^Page written to .*\\R", "");
        assertEquals(plain.out(), withoutPageLine);
        assertTrue(recorded.out().contains("Page written to "), recorded.out());
    }
}
