package org.kmemlab.examples.lessons;

/**
 * One lesson of the tour: a small program about one rule of kernel memory allocation that prints what
 * it demonstrates from the live state of a simulated machine.
 *
 * <p>Every lesson is meant to be read, run ({@code kmemlab lesson NAME}) and changed. Each one boots its
 * own kernel through {@link LessonContext#kernel()} so that the command line's options (profile, RAM,
 * providers) apply, and each one checks every return value: lessons are code people copy.
 */
public interface Lesson {

    /** Returns the lesson's number in the tour, 1 to 8. */
    int number();

    /** Returns the short name {@code kmemlab lesson NAME} accepts, e.g. {@code atomic}. */
    String name();

    /** Returns the one-line title. */
    String title();

    /**
     * Runs the lesson, printing to {@code ctx.out()}.
     *
     * @throws LessonFailed when the machine did not behave as the lesson expects (a bug in an installed
     *         allocator, or a change that broke the lesson)
     */
    void run(LessonContext ctx);
}
