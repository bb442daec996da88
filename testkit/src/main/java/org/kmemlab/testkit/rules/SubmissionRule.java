package org.kmemlab.testkit.rules;

/**
 * The rules a student submission is held to, each with the sentence a student reads when it is broken.
 *
 * <p>A submission is graded inside the grader's JVM, beside the reference allocators and the testkit.
 * These rules keep it from reaching outside the simulated machine: it may use {@code org.kmemlab.api}
 * and the harmless parts of {@code java.base}, and nothing that could read the grader's state, outlive a
 * test, or make one test's result depend on another's. {@link SubmissionRules} lists precisely what each
 * rule forbids.
 */
public enum SubmissionRule {

    /** Only {@code org.kmemlab.api}, {@code java.base} and the submission's own classes. */
    ONLY_API_AND_JAVA_BASE("api-and-java-base-only",
            "submissions may use only org.kmemlab.api and java.base; the grader runs your classes without any"
                    + " other library on the path"),

    /** No reflection, method handles or class loading. */
    NO_REFLECTION("no-reflection",
            "submissions may not use reflection, method handles or class loaders; call the api's methods"
                    + " instead"),

    /** No threads, executors, timers or parallel streams. */
    NO_THREADS("no-threads",
            "submissions may not start threads; the kernel's zone lock serialises calls for you"),

    /** No files, sockets or class-path resources. */
    NO_FILE_OR_NETWORK_IO("no-file-or-network-io",
            "submissions may not read or write files or use the network; keep every byte in the simulated"
                    + " machine's memory"),

    /** Nothing that stops the JVM or changes its global settings. */
    NO_EXIT("no-exit",
            "submissions may not stop the JVM or change its global settings; report misuse with a KernelBug"
                    + " and running out of memory with NO_PAGE or NULL"),

    /** No operating-system processes or native code. */
    NO_PROCESSES("no-processes",
            "submissions may not start processes or load native code"),

    /** No state shared between allocator instances through static fields. */
    NO_MUTABLE_STATIC_STATE("no-mutable-static-state",
            "submissions may not keep mutable state in static fields; every allocator instance must own its"
                    + " state, so make it an instance field");

    private final String id;
    private final String reason;

    SubmissionRule(String id, String reason) {
        this.id = id;
        this.reason = reason;
    }

    /** Returns the rule's short identifier, e.g. {@code no-threads}, for reports and grader output. */
    public String id() {
        return id;
    }

    /** Returns what the rule says and what to do instead: the part of a report after the colon. */
    public String reason() {
        return reason;
    }
}
