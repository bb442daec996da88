package org.kmemlab.examples.web;

import java.util.function.Function;
import org.kmemlab.api.MachineProfile;
import org.kmemlab.kmalloc.KernelBuilder;

/**
 * Records the kernels a lesson boots: each builder the lesson asks for is watched by a new {@link Film},
 * and every line the lesson prints closes a step of the film of the kernel booted last, labelled with
 * that line. The page then follows the lesson's own narration: what it said, and what memory looked like
 * when it said it.
 */
public final class LessonFilms {

    private final Recording recording;
    private final String lesson;
    private final Function<MachineProfile, KernelBuilder> builders;
    private final String pagesProvider;
    private final String objectsProvider;
    private int booted;
    private Film last;

    /**
     * Records into {@code recording} the kernels of lesson {@code lesson}.
     *
     * @param builders the builders the lesson would get without recording
     */
    public LessonFilms(Recording recording, String lesson, Function<MachineProfile, KernelBuilder> builders,
                       String pagesProvider, String objectsProvider) {
        this.recording = recording;
        this.lesson = lesson;
        this.builders = builders;
        this.pagesProvider = pagesProvider;
        this.objectsProvider = objectsProvider;
    }

    /** Returns a watched builder: the lesson context's builder function while recording. */
    public synchronized KernelBuilder builder(MachineProfile profile) {
        Film film = recording.film(lesson + ": kernel " + (++booted));
        return film.watching(builders.apply(profile), pagesProvider, objectsProvider)
                .whenBooted(k -> booted(film));
    }

    private synchronized void booted(Film film) {
        last = film;
    }

    /** Closes a step of the kernel booted last, labelled {@code line}; nothing before the first boot. */
    public void narrate(String line) {
        Film film;
        synchronized (this) {
            film = last;
        }
        if (film != null && !line.isBlank()) {
            film.step(line.strip());
        }
    }
}
