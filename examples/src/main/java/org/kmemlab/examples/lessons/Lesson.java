package org.kmemlab.examples.lessons;

/**
 * One lesson of the tour: a small program about one rule of kernel memory allocation that prints what
 * it demonstrates from the live state of a simulated machine.
 *
 * <p>Every lesson is meant to be read, run ({@code kmemlab lesson NAME}) and changed. Each one boots its
 * own kernel through {@link LessonContext#kernel()} so that the command line's options (profile, RAM,
 * providers) apply, and each one checks every return value: lessons are code people copy.
 */
public abstract class Lesson {

    private final int number;
    private final String name;
    private final String title;

    /**
     * For subclasses.
     *
     * @param number the lesson's place in the tour, from 1
     * @param name the short name {@code kmemlab lesson NAME} accepts, e.g. {@code atomic}
     * @param title the one-line title
     */
    protected Lesson(int number, String name, String title) {
        this.number = number;
        this.name = name;
        this.title = title;
    }

    /** Returns the lesson's number in the tour. */
    public final int number() {
        return number;
    }

    /** Returns the short name. */
    public final String name() {
        return name;
    }

    /** Returns the one-line title. */
    public final String title() {
        return title;
    }

    /**
     * Runs the lesson, printing to {@code ctx.out()}.
     *
     * @throws LessonFailed when the machine did not behave as the lesson expects (a bug in an installed
     *         allocator, or a change that broke the lesson)
     */
    public abstract void run(LessonContext ctx);
}
