package org.kmemlab.testkit.rules;

import org.kmemlab.api.Checks;

/**
 * One place where a submission breaks a {@link SubmissionRule}.
 *
 * @param rule the rule broken
 * @param className the fully qualified name of the submission class, e.g. {@code com.alice.MyBuddy}
 * @param line the source line, or 0 when the class file does not say (a field's declared type, a method
 *             signature, a superclass)
 * @param what what the class does there, e.g. {@code calls java.lang.Thread.<init>()}
 */
public record Violation(SubmissionRule rule, String className, int line, String what) {

    /** Checks that nothing is missing. */
    public Violation {
        Checks.requireNonNull(rule, "rule");
        Checks.requireNonNull(className, "class name");
        Checks.requireNonNull(what, "what");
        Checks.requireArgument(line >= 0, "line %d is negative", line);
    }

    /**
     * Returns the report a student reads, one line:
     * {@code Submission class com.alice.MyBuddy line 42 calls java.lang.Thread.<init>(): submissions may
     * not start threads; the kernel's zone lock serialises calls for you}. The line is left out when it is
     * not known.
     */
    public String report() {
        return "Submission class " + className + (line > 0 ? " line " + line : "") + " " + what + ": "
                + rule.reason();
    }

    @Override
    public String toString() {
        return report();
    }
}
