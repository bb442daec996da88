/**
 * The submission rules: ArchUnit checks, run on class files without loading them, that a submission uses
 * only {@code org.kmemlab.api} and {@code java.base} and keeps away from reflection, threads, file and
 * network I/O, {@code System.exit}, processes and mutable static state. Entry point:
 * {@link org.kmemlab.testkit.rules.SubmissionRules}; each finding is a
 * {@link org.kmemlab.testkit.rules.Violation} naming its {@link org.kmemlab.testkit.rules.SubmissionRule}.
 */
package org.kmemlab.testkit.rules;
