/**
 * The kmemlab testkit: contracts for the allocator SPIs, the property engine behind them, and the
 * submission rules that keep a student's classes to {@code org.kmemlab.api} and {@code java.base}.
 */
module org.kmemlab.testkit {
    requires transitive org.kmemlab.api;
    requires transitive org.junit.jupiter.api;
    requires transitive com.tngtech.archunit;

    exports org.kmemlab.testkit.rules;
}
