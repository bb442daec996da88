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

    private int number;
    private final String name;
    private final String title;

    /**
     * For subclasses. The lesson's number is its place in {@link Lessons}, the one list that orders the
     * tour; the class is named after the short name ({@code atomic} is {@code AtomicLesson}).
     *
     * @param name the short name {@code kmemlab lesson NAME} accepts, e.g. {@code atomic}
     * @param title the one-line title
     */
    protected Lesson(String name, String title) {
        this.name = name;
        this.title = title;
    }

    /** Called once by {@link Lessons}, which numbers the lessons in tour order. */
    final void place(int placeInTour) {
        if (number != 0) {
            throw new IllegalStateException("lesson " + name + " is already lesson " + number);
        }
        number = placeInTour;
    }

    /**
     * Returns the lesson's number in the tour, from 1.
     *
     * @throws IllegalStateException for a lesson not made by {@link Lessons}
     */
    public final int number() {
        if (number == 0) {
            throw new IllegalStateException("lesson " + name + " has no number: only Lessons numbers lessons");
        }
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
