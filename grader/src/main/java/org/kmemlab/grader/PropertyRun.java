package org.kmemlab.grader;

/**
 * One property to check, as the grader schedules it.
 *
 * @param id the property id
 * @param tries the chains to run
 * @param steps the most steps per chain
 * @param seed the seed
 */
record PropertyRun(String id, int tries, int steps, long seed) {
}
