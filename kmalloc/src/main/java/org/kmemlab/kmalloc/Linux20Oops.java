package org.kmemlab.kmalloc;

import org.kmemlab.api.Machine;
import org.kmemlab.api.MachineProfile;
import org.kmemlab.api.bug.Oops;

/**
 * The page-fault Oops of Linux 2.0 on i386, line for line as {@code do_page_fault} and
 * {@code die_if_kernel} printed it.
 *
 * <h2>What 2.0 printed, and why it looks like that</h2>
 * In 2.0 the kernel ran in its own segment whose base is linear address {@code 0xC0000000}
 * ({@code TASK_SIZE}); inside it a kernel pointer was a physical address ({@code PAGE_OFFSET} 0). The
 * MMU reports the <em>linear</em> address that faulted, so a write through NULL faults at
 * {@code 0xC0000000 + 0}. {@code arch/i386/mm/fault.c} (tag 2.0, lines 123-140) then prints:
 * <pre>
 * Unable to handle kernel NULL pointer dereference at virtual address c0000000
 * current-&gt;tss.cr3 = 00101000, %cr3 = 00101000
 * *pde = 00102067
 * *pte = 00000027
 * </pre>
 * The first line says "NULL pointer dereference" when the linear address lies in the first page of the
 * kernel segment ({@code address - TASK_SIZE < PAGE_SIZE}) and "paging request" otherwise, then
 * {@code " at virtual address %08lx"}. Next come the page directory base (the task's saved {@code cr3}
 * and the register itself), the page-directory entry for the address ({@code address >> 22}) and, only
 * when that entry is present (bit 0), the page-table entry. For a NULL dereference that entry is never 0:
 * page 0 is unmapped ({@code mem_init}, {@code pg0[0] = 0}) until the fault handler, before it prints the
 * address, maps it again with {@code pg0[0] = pte_val(mk_pte(0, PAGE_SHARED))} (fault.c line 125), so the
 * {@code *pte} line reads {@code 00000027}. i386 without PAE has just these two levels:
 * no PUD, no PMD, no P4D, and every number has 8 hex digits.
 *
 * <p>Then {@code die_if_kernel("Oops", regs, error_code)} ({@code arch/i386/kernel/traps.c}, lines
 * 112-120) prints {@code Oops: %04lx} with the CPU's error code ({@code 0002}: a write to a page that
 * is not present; {@code 0000}: a read), the CPU number, {@code EIP}, {@code EFLAGS}, the general and
 * the segment registers, the process, a stack dump, the call trace and the code bytes.
 *
 * <h2>What kmemlab can and cannot show</h2>
 * The page-table lines are real: the vmalloc entries are read from the simulated page tables, and the
 * entries of the direct map are the ones 2.0's {@code paging_init} wrote (the first 4 MiB through
 * {@code pg0}, which {@code head.S} places {@code 0x2000} into the kernel image; each further 4 MiB
 * through a table taken from just past the kernel image; {@code _PAGE_TABLE} = {@code 0x067}, data pages
 * {@code PAGE_SHARED} = {@code 0x027}; page 0 unmapped by {@code mem_init} so that NULL faults, and mapped
 * again by the fault handler before it reads the entry). The page directory base is 2.0's
 * {@code swapper_pg_dir} at {@code 0x101000} ({@code head.S} {@code .org 0x1000} in the image linked at
 * {@code 0x100000}), which {@link PageTables} uses as the root of the vmalloc tables too.
 * No CPU is simulated, so there is no instruction pointer, no flags and no register contents: those
 * lines keep 2.0's layout with {@code ????????} where the value would be, and a line marked
 * {@code kmemlab:} says so. The segment registers are known: {@code KERNEL_DS} {@code 0018} in
 * {@code ds}, {@code es} and {@code ss}, {@code USER_DS} {@code 002b} in {@code fs} (2.0's system-call
 * entry loads it there so the kernel can reach user memory) and {@code gs}.
 */
final class Linux20Oops {

    /** Linear address of the kernel segment's base: {@code TASK_SIZE} = {@code 0xC0000000}. */
    static final long KERNEL_SEGMENT_BASE = 0xC000_0000L;
    /** {@code _PAGE_TABLE}: present, writable, user, accessed, dirty. */
    private static final long PAGE_TABLE_BITS = 0x067;
    /** {@code PAGE_SHARED} as 2.0's {@code paging_init} mapped RAM: present, writable, user, accessed. */
    private static final long PAGE_SHARED_BITS = 0x027;
    /** Offset of {@code pg0}, the first page table, in the kernel image ({@code head.S}: {@code .org 0x2000}). */
    private static final long PG0_OFFSET = 0x2000;
    /** Bytes one page-directory entry covers on i386: 4 MiB. */
    private static final long PDE_SPAN = 4L << 20;
    private static final long MASK_32 = 0xffff_ffffL;

    private Linux20Oops() {
    }

    /**
     * Returns 2.0's report for a kernel access to {@code addr} that found no mapping.
     *
     * @param machine the i386 machine
     * @param tables the simulated page tables (the vmalloc entries)
     * @param addr the address the code used
     * @param write true for a write
     * @param advice one sentence for a student
     */
    static Oops report(Machine machine, PageTables tables, long addr, boolean write, String advice) {
        long linear = linear(addr);
        String headline = ((linear - KERNEL_SEGMENT_BASE) & MASK_32) < MachineProfile.PAGE_SIZE
                ? "Unable to handle kernel NULL pointer dereference"
                : "Unable to handle kernel paging request";
        headline += " at virtual address " + hex8(linear);
        long cr3 = tables.pgdPhys();
        StringBuilder out = new StringBuilder();
        out.append("current->tss.cr3 = ").append(hex8(cr3)).append(", %cr3 = ").append(hex8(cr3)).append('\n');
        long pde = pde(machine, tables, addr, linear);
        out.append("*pde = ").append(hex8(pde)).append('\n');
        if ((pde & 1) != 0) {
            out.append("*pte = ").append(hex8(pte(machine, tables, addr, linear))).append('\n');
        }
        out.append("Oops: ").append(write ? "0002" : "0000").append('\n');
        out.append("CPU:    0\n");
        out.append("EIP:    0010:[<????????>]\n");
        out.append("EFLAGS: ????????\n");
        out.append("eax: ????????   ebx: ????????   ecx: ????????   edx: ????????\n");
        out.append("esi: ????????   edi: ????????   ebp: ????????   esp: ????????\n");
        out.append("ds: 0018   es: 0018   fs: 002b   gs: 002b   ss: 0018\n");
        out.append("kmemlab: no CPU is simulated, so EIP, EFLAGS and the registers are unknown;"
                + " 2.0 went on with Process, Stack:, Call Trace: and Code: lines");
        return Oops.report(addr, headline, out.toString(), advice);
    }

    /**
     * Returns the linear address the MMU saw for kernel address {@code addr}: addresses below the kernel
     * segment's base are offsets into it (NULL, small integers, 2.0's physical pointers and vmalloc
     * addresses: how kmemlab numbers the i386 machine, {@code PAGE_OFFSET} 0) and the base is added;
     * addresses at or above it are linear already (a pointer numbered as from 2.2 on).
     */
    static long linear(long addr) {
        long a = addr & MASK_32;
        return a < KERNEL_SEGMENT_BASE ? (a + KERNEL_SEGMENT_BASE) & MASK_32 : a;
    }

    /** The page-directory entry for {@code linear}: a direct-map table, else the simulated tables' entry. */
    private static long pde(Machine machine, PageTables tables, long addr, long linear) {
        long k = directMapTable(machine, linear);
        if (k >= 0) {
            MachineProfile p = machine.profile();
            long table = k == 0 ? p.kernelLoadAddress() + PG0_OFFSET
                    : p.kernelLoadAddress() + p.kernelImageBytes() + (k - 1) * MachineProfile.PAGE_SIZE;
            return table | PAGE_TABLE_BITS;
        }
        return tables.entry(addr, 0) & MASK_32;
    }

    /** The page-table entry for {@code linear}, whose page-directory entry is present. */
    private static long pte(Machine machine, PageTables tables, long addr, long linear) {
        if (directMapTable(machine, linear) >= 0) {
            // paging_init mapped every page of RAM PAGE_SHARED; page 0, which mem_init had unmapped, the
            // fault handler maps again before this read (fault.c:125), so it shows 00000027 too
            long phys = (linear - KERNEL_SEGMENT_BASE) & ~(MachineProfile.PAGE_SIZE - 1);
            return phys >= machine.ramBytes() ? 0 : phys | PAGE_SHARED_BITS;
        }
        return tables.entry(addr, 1) & MASK_32;
    }

    /** Returns which 4 MiB table of the direct map covers {@code linear}, or -1 when none does. */
    private static long directMapTable(Machine machine, long linear) {
        long offset = linear - KERNEL_SEGMENT_BASE;
        long tables = (machine.ramBytes() + PDE_SPAN - 1) / PDE_SPAN;
        return offset >= 0 && offset / PDE_SPAN < tables ? offset / PDE_SPAN : -1;
    }

    private static String hex8(long value) {
        return Linux20Misuse.hex8(value);
    }
}
