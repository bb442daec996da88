/**
 * The kmemlab autograder: grades a student's submission with the testkit's contracts and a rubric, and
 * writes Gradescope, PrairieLearn, JUnit XML and Markdown results.
 *
 * <p>{@code org.kmemlab.grader} is the trusted side: it reads the rubric, loads the instructor's property
 * sets, runs the contracts against proxies of the submission's provider, times and scores.
 * {@code org.kmemlab.grader.child} is the executor that runs in the child JVM beside the submission, and
 * the channel both sides speak; it stays unexported. See {@code grader/GRADING.md}, "The trust boundary".
 */
module org.kmemlab.grader {
    requires transitive org.kmemlab.testkit;
    requires com.fasterxml.jackson.databind;
    requires com.fasterxml.jackson.dataformat.yaml;
    // ArchUnit, an automatic module, logs through slf4j but cannot require it: without this line a grader
    // started with `java -p … -m org.kmemlab.grader/…` fails in ClassFileImporter (NoClassDefFoundError).
    requires org.slf4j;

    exports org.kmemlab.grader;

    uses org.kmemlab.api.spi.PageAllocatorProvider;
    uses org.kmemlab.api.spi.ObjectAllocatorProvider;
    uses org.kmemlab.api.spi.ZoneAllocatorProvider;
    uses org.kmemlab.api.spi.SlabCacheProvider;
    uses org.kmemlab.grader.PropertySet;
}
