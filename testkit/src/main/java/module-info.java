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
    // The zone contract measures a waiting thread's CPU time (ThreadMXBean).
    requires java.management;
    requires jdk.management;

    exports org.kmemlab.testkit.property;
    exports org.kmemlab.testkit.contract;
    exports org.kmemlab.testkit.contract.support;
    exports org.kmemlab.testkit.rules;
    exports org.kmemlab.testkit.report;

    // JUnit reflects on the abstract contract classes that students extend.
    opens org.kmemlab.testkit.contract to org.junit.platform.commons;
}
