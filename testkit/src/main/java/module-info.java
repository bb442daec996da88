/**
 * The kmemlab testkit: a stateful property engine of our own and the contracts every allocator
 * implementation must pass.
 *
 * <ul>
 *   <li>{@code org.kmemlab.testkit.property}: the engine. Seeded random action chains run against the
 *       system under test and a model, invariants are checked after every step, and a failure is shrunk
 *       to a short chain of numbered, replayable steps.</li>
 *   <li>{@code org.kmemlab.testkit.contract}: one abstract JUnit Jupiter class per SPI
 *       ({@code PageAllocatorContract}, {@code ObjectAllocatorContract}, …) that a student extends with
 *       one method, and the same properties as plain objects for the autograder.</li>
 *   <li>{@code org.kmemlab.testkit.rules}: the submission rules, ArchUnit checks that a submission uses
 *       only {@code org.kmemlab.api} and {@code java.base}.</li>
 * </ul>
 */
module org.kmemlab.testkit {
    requires transitive org.kmemlab.api;
    requires transitive org.junit.jupiter.api;
    requires transitive com.tngtech.archunit;

    exports org.kmemlab.testkit.property;
    exports org.kmemlab.testkit.contract;
    exports org.kmemlab.testkit.contract.support;
    exports org.kmemlab.testkit.rules;

    // The autograder: GradeMain is its entry; the child-JVM runner (grade.child) stays unexported so a
    // submission cannot reach the key that signs its results.
    requires com.fasterxml.jackson.databind;
    requires com.fasterxml.jackson.dataformat.yaml;
    // ArchUnit, an automatic module, logs through slf4j but cannot require it: without this line a grader
    // started with `java -p … -m org.kmemlab.testkit/…` fails in ClassFileImporter (NoClassDefFoundError).
    requires org.slf4j;
    exports org.kmemlab.testkit.grade;
    uses org.kmemlab.api.spi.PageAllocatorProvider;
    uses org.kmemlab.api.spi.ObjectAllocatorProvider;
    uses org.kmemlab.api.spi.ZoneAllocatorProvider;
    uses org.kmemlab.testkit.grade.PropertySet;

    // JUnit reflects on the abstract contract classes that students extend.
    opens org.kmemlab.testkit.contract to org.junit.platform.commons;
}
