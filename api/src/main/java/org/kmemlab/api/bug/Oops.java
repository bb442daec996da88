package org.kmemlab.api.bug;

/**
 * An access to a kernel address that is not mapped: the kernel's page-fault Oops.
 *
 * <pre>
 * BUG: unable to handle page fault for address: ffffc90000005000
 * #PF: supervisor write access in kernel mode
 * #PF: error_code(0x0002) - not-present page
 * PGD 1000067 P4D 1000067 PUD 1001067 PMD 1002067 PTE 0
 * Hint: ...
 * </pre>
 *
 * Also raised for a dereference of NULL or {@code ZERO_SIZE_PTR}, which is how a missing NULL check
 * ends in the lessons.
 *
 * <p>That is today's x86_64 layout. A machine of another era builds its report in its own words with
 * {@link #report}: Linux 2.0 on i386 printed
 * <pre>
 * Unable to handle kernel NULL pointer dereference at virtual address c0000000
 * current-&gt;tss.cr3 = 00101000, %cr3 = 00101000
 * *pde = 00102067
 * *pte = 00000027
 * Oops: 0002
 * </pre>
 * followed by the registers ({@code arch/i386/mm/fault.c} and {@code die_if_kernel} in
 * {@code arch/i386/kernel/traps.c} of Linux 2.0).
 */
public final class Oops extends KernelBug {

    private static final long serialVersionUID = 1L;

    private final long address;

    /**
     * Creates a report.
     *
     * @param address the faulting address
     * @param write true for a write access
     * @param walk the page-table walk that failed, e.g. {@code PGD 1000067 PTE 0}, or a reason
     * @param advice one sentence for a student
     */
    public Oops(long address, boolean write, String walk, String advice) {
        super(address >= 0 && address < 4096
                        ? "BUG: kernel NULL pointer dereference, address: " + org.kmemlab.api.Checks.format("%016x", address)
                        : "BUG: unable to handle page fault for address: " + org.kmemlab.api.Checks.format("%016x", address),
                "#PF: supervisor " + (write ? "write" : "read") + " access in kernel mode\n"
                        + "#PF: error_code(0x000" + (write ? "2" : "0") + ") - not-present page\n" + walk,
                advice);
        this.address = address;
    }

    private Oops(long address, String headline, String details, String advice) {
        super(headline, details, advice);
        this.address = address;
    }

    /**
     * Creates a report whose lines the caller wrote, for a machine whose kernel printed its page faults in
     * another layout than today's (Linux 2.0's {@code Unable to handle kernel paging request …}).
     *
     * @param address the faulting address as the caller used it (what {@link #address()} returns)
     * @param headline the first line, as that kernel printed it
     * @param details the lines after it (page-table entries, registers)
     * @param advice one sentence for a student
     * @return the report
     */
    public static Oops report(long address, String headline, String details, String advice) {
        return new Oops(address, headline, details, advice);
    }

    /** Returns the faulting address. */
    public long address() {
        return address;
    }
}
