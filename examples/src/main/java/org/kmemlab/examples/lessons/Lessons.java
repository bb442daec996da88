package org.kmemlab.examples.lessons;

import java.util.List;
import java.util.Locale;

/** The ten lessons in tour order, and lookup by name or number. */
public final class Lessons {

    private final List<Lesson> all;

    /** Creates the lessons. */
    public Lessons() {
        // The tour's order, and so each lesson's number: this list is the one place it is kept.
        this.all = List.of(new CheckReturnsLesson(), new UnwindLesson(), new PoolsLesson(), new WaitLesson(),
                new AtomicLesson(), new DmaLesson(), new VmallocLesson(), new BootLesson(), new SlabLesson(),
                new CarryOnLesson());
        for (int i = 0; i < all.size(); i++) {
            all.get(i).place(i + 1);
        }
    }

    /** Returns every lesson in tour order. */
    public List<Lesson> all() {
        return all;
    }

    /**
     * Returns the lesson called {@code name} (its name, its number, or {@code lesson5}).
     *
     * @throws IllegalArgumentException listing the lessons when there is none
     */
    public Lesson find(String name) {
        String wanted = name.toLowerCase(Locale.ROOT).replaceFirst("^lesson-?", "");
        for (Lesson lesson : all) {
            if (lesson.name().equals(wanted) || Integer.toString(lesson.number()).equals(wanted)) {
                return lesson;
            }
        }
        StringBuilder names = new StringBuilder();
        for (Lesson lesson : all) {
            names.append(names.length() == 0 ? "" : ", ").append(lesson.number()).append(' ').append(lesson.name());
        }
        throw new IllegalArgumentException("no lesson '" + name + "'; the lessons are " + names);
    }
}
