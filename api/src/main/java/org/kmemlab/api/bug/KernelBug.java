package org.kmemlab.api.bug;

import org.kmemlab.api.Checks;

/**
 * A misuse of the kernel's memory API detected by the simulation: the one way kmemlab reports bugs.
 *
 * <p>Running out of memory is <em>not</em> a bug: every allocation path returns NULL (0) or
 * {@code NO_PAGE} (-1) instead. A {@code KernelBug} means the calling code did something the real kernel
 * would punish with a BUG report, an Oops or silent corruption: freed a block twice, freed an address it
 * never got, slept in an interrupt handler, wrote past the end of an object.
 *
 * <p>The message reads like the kernel's report: a first line a kernel programmer recognises
 * ({@link #headline()}, e.g. {@code BUG kmalloc-64 (Not tainted): Object already free}), optional detail
 * lines ({@link #details()}), and one sentence of advice for a student ({@link #advice()}), printed after
 * {@code Hint: }.
 *
 * <p>An allocator that raises a {@code KernelBug} MUST leave its state as it was before the call, so
 * that the test or lesson that provoked the bug can go on.
 */
public class KernelBug extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String headline;
    private final String details;
    private final String advice;

    /**
     * Creates a report.
     *
     * @param headline the kernel-style first line
     * @param details further lines (may be empty), without the advice
     * @param advice one sentence a student can act on
     */
    public KernelBug(String headline, String details, String advice) {
        super(compose(headline, details, advice));
        this.headline = Checks.requireNonNull(headline, "headline");
        this.details = details == null ? "" : details;
        this.advice = Checks.requireNonNull(advice, "advice");
    }

    /** Returns the kernel-style first line of the report. */
    public String headline() {
        return headline;
    }

    /** Returns the detail lines between the headline and the advice (possibly empty). */
    public String details() {
        return details;
    }

    /** Returns the sentence of advice for a student. */
    public String advice() {
        return advice;
    }

    private static String compose(String headline, String details, String advice) {
        StringBuilder out = new StringBuilder(headline);
        if (details != null && !details.isEmpty()) {
            out.append('\n').append(details);
        }
        return out.append("\nHint: ").append(advice).toString();
    }

    /** Formats an address as the kernel's {@code %px} does: lower-case hex with a {@code 0x} prefix. */
    protected static String hex(long address) {
        return "0x" + Long.toHexString(address);
    }
}
