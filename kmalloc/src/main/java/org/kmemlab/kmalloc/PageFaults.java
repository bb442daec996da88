package org.kmemlab.kmalloc;

import org.kmemlab.api.Era;
import org.kmemlab.api.Machine;
import org.kmemlab.api.MachineProfile;
import org.kmemlab.api.bug.Oops;

/**
 * Builds the report of a kernel access to an address that nothing maps, in the words of the machine's
 * kernel: today's x86_64 report ({@code BUG: kernel NULL pointer dereference, address: …}, {@code #PF:}
 * lines, the page-table walk) or, on the i386 profile, Linux 2.0's ({@link Linux20Oops}).
 *
 * <p>Two places fault: an address outside the direct map of RAM ({@link #outsideDirectMap}, which is
 * where NULL and {@code ZERO_SIZE_PTR} land) and an unmapped page of the vmalloc area
 * ({@link #unmappedVmalloc}: a guard page, a freed area).
 */
final class PageFaults {

    private static final String NULL_ADVICE_MODERN = "a NULL (or ZERO_SIZE_PTR, from kmalloc(0)) pointer was used:"
            + " check every allocation for NULL before touching the memory, and never dereference the result of"
            + " kmalloc(0)";
    private static final String NULL_ADVICE_2_0 = "a NULL pointer was used: kmalloc() and __get_free_pages()"
            + " return 0 when they fail, so check every allocation before touching the memory";

    private final Machine machine;
    private final PageTables tables;
    private final boolean linux20;
    private final String nullAdvice;

    /**
     * Creates the reports for {@code machine}. The layout follows the machine (its kernel's fault handler
     * prints them); the advice about NULL follows the kmalloc {@code era}, because only today's kmalloc
     * returns {@code ZERO_SIZE_PTR}.
     */
    PageFaults(Machine machine, PageTables tables, Era era) {
        this.machine = machine;
        this.tables = tables;
        this.linux20 = machine.profile() == MachineProfile.I386_LINUX_2_0;
        this.nullAdvice = era == Era.LINUX_2_0 ? NULL_ADVICE_2_0 : NULL_ADVICE_MODERN;
    }

    /** The Oops for an access to {@code addr}, which is neither in the direct map nor in a vmalloc area. */
    Oops outsideDirectMap(long addr, boolean write) {
        boolean nullPage = addr >= 0 && addr < MachineProfile.PAGE_SIZE;
        if (linux20) {
            return Linux20Oops.report(machine, tables, addr, write, nullPage ? nullAdvice
                    : "use only addresses that an allocation returned, within the size you asked for");
        }
        if (nullPage) {
            return new Oops(addr, write, "PGD 0 P4D 0", nullAdvice);
        }
        return new Oops(addr, write, "the address is outside the direct map of RAM ("
                + Long.toHexString(machine.profile().pageOffset()) + " + " + machine.ramBytes() + " bytes)",
                "use only addresses that an allocation returned, within the size you asked for");
    }

    /** The Oops for an access to {@code addr} in the vmalloc range whose page is not mapped. */
    Oops unmappedVmalloc(long addr, boolean write, String advice) {
        if (linux20) {
            return Linux20Oops.report(machine, tables, addr, write, advice);
        }
        return new Oops(addr, write, tables.walk(addr), advice);
    }
}
