package org.kmemlab.examples.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.kmemlab.api.Era;
import org.kmemlab.api.Gfp;
import org.kmemlab.api.KernelMemory;
import org.kmemlab.api.MachineProfile;
import org.kmemlab.api.Sizes;
import org.kmemlab.api.bug.KernelBug;
import org.kmemlab.examples.lessons.LessonContext;
import org.kmemlab.kmalloc.Kernel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code kmemlab compare}: one workload on a Linux 2.0 machine and on today's, the differences side by
 * side.
 *
 * <p>Each row asks both kernels the same question (what does {@code kmalloc(0)} give, what does a double
 * kfree print, what does a write through NULL print, ...) and shows both answers. Each kernel is booted
 * with its era's defaults: Linux 2.0 on the i386 profile (16 MiB, no per-thread caches), today's on
 * x86_64 (1 GiB). The rows that provoke a bug each use a kernel of their own, so one report does not
 * change the figures of another.
 */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = {"Runs one workload on a Linux 2.0 machine and on today's, and prints the differences.",
            "Side by side: kmalloc(0), size classes, the largest kmalloc, memory after the workload, the free"
                    + " lists and /proc/meminfo as each era showed them, and the reports for a double kfree, a write"
                    + " through NULL and GFP_KERNEL in an interrupt handler.",
            "The machines are fixed (i386 with 16 MiB, x86_64 with 1 GiB), so --profile, --ram and the provider"
                    + " options are not taken here."})
final class CompareCommand implements Callable<Integer> {

    @Option(names = "--workload", paramLabel = "N", defaultValue = "256",
            description = "objects of seeded random sizes kmalloc'd (and kept) on both machines"
                    + " (default: ${DEFAULT-VALUE})")
    int objects;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "1996",
            description = "seed of the workload (default: ${DEFAULT-VALUE})")
    long seed;

    @Spec
    CommandSpec spec;

    /** One question asked of both kernels. */
    private record Row(String what, Function<Kernel, String> answer) {
    }

    @Override
    public Integer call() {
        if (objects < 0) {
            throw new UserError("--workload " + objects + " is negative");
        }
        List<Row> rows = List.of(
                new Row("machine",
                        k -> k.machine().profile().displayName() + ", " + Sizes.human(k.machine().ramBytes())),
                new Row("boot: mem_init", k -> lastLineStarting(k, "Memory: ")),
                new Row("per-thread caches", k -> k.configuration().contains("cpuCaches      true") ? "on" : "off"),
                new Row("kmalloc(0)", CompareCommand::kmallocZero),
                new Row("kmalloc(100): ksize", k -> ksize(k, 100)),
                new Row("kmalloc(300): ksize", k -> ksize(k, 300)),
                new Row("kmalloc(4096): ksize", k -> ksize(k, 4096)),
                new Row("largest kmalloc", k -> k.maxKmallocSize() + " bytes"),
                new Row("buddy split", CompareCommand::split),
                new Row("workload: failed", k -> Integer.toString(InfoCommand.workload(k, objects, seed))),
                new Row("workload: MemFree", k -> k.meminfo().memFree() + " kB"),
                new Row("workload: slab pages", k -> k.meminfo().slab() + " kB"),
                new Row("free lists", k -> LessonContext.freeListsCaption(k).replaceFirst(" \\(.*", "") + ": "
                        + firstLine(LessonContext.freeLists(k))),
                new Row("/proc/meminfo, line 1", k -> firstLine(k.procMeminfo()).strip()),
                new Row("/proc/slabinfo", k -> k.era() == Era.LINUX_2_0 ? "none (" + refusal(k, "slabinfo") + ")"
                        : firstLine(k.procSlabinfo())),
                new Row("double kfree", k -> report(k, CompareCommand::doubleKfree)),
                new Row("write through NULL", k -> report(k, x -> x.writeInt(KernelMemory.NULL, 1))),
                new Row("GFP_KERNEL in an irq", k -> report(k, CompareCommand::kmallocInInterrupt)));

        Kernel old = boot(MachineProfile.I386_LINUX_2_0, Era.LINUX_2_0);
        Kernel today = boot(MachineProfile.X86_64, Era.MODERN);
        List<String[]> table = new ArrayList<>();
        for (Row row : rows) {
            boolean ownKernel = row.what().equals("double kfree") || row.what().startsWith("write")
                    || row.what().equals("buddy split")
                    || row.what().startsWith("GFP_KERNEL");
            table.add(new String[] {row.what(),
                row.answer().apply(ownKernel ? boot(MachineProfile.I386_LINUX_2_0, Era.LINUX_2_0) : old),
                row.answer().apply(ownKernel ? boot(MachineProfile.X86_64, Era.MODERN) : today)});
        }
        print(table);
        // The table shows each report's first line, which for today's buddyinfo is one zone of several:
        // the whole reports follow, from the same kernels after the same workload.
        PrintWriter out = spec.commandLine().getOut();
        out.println();
        out.println("# the free lists and /proc/meminfo in full, after the workload");
        for (Kernel k : List.of(old, today)) {
            String era = k.era() == Era.LINUX_2_0 ? "Linux 2.0" : "today";
            out.println();
            out.println("== " + era + ": " + LessonContext.freeListsCaption(k));
            out.print(TourCommand.indent(LessonContext.freeLists(k)));
            out.println("== " + era + ": /proc/meminfo");
            out.print(TourCommand.indent(k.procMeminfo()));
        }
        return 0;
    }

    private static Kernel boot(MachineProfile profile, Era era) {
        return Kernel.builder().profile(profile).era(era).boot();
    }

    private void print(List<String[]> table) {
        int what = "what".length();
        int left = "Linux 2.0".length();
        for (String[] row : table) {
            what = Math.max(what, row[0].length());
            left = Math.max(left, row[1].length());
        }
        PrintWriter out = spec.commandLine().getOut();
        String format = "%-" + what + "s | %-" + left + "s | %s%n";
        out.printf("# the same workload (%d objects, seed %d) on both eras%n", objects, seed);
        out.printf(format, "what", "Linux 2.0", "today");
        out.printf(format, "-".repeat(what), "-".repeat(left), "-".repeat(5));
        for (String[] row : table) {
            out.printf(format, (Object[]) row);
        }
    }

    private static String kmallocZero(Kernel k) {
        long p = k.kmalloc(0, Gfp.GFP_KERNEL);
        if (p == KernelMemory.ZERO_SIZE_PTR) {
            return "ZERO_SIZE_PTR (0x10), no memory";
        }
        if (p == KernelMemory.NULL) {
            return "NULL";
        }
        String text = "a real block, ksize " + k.ksize(p);
        k.kfree(p);
        return text;
    }

    private static String ksize(Kernel k, long size) {
        long p = k.kmalloc(size, Gfp.GFP_KERNEL);
        if (p == KernelMemory.NULL) {
            return "NULL";
        }
        String text = Long.toString(k.ksize(p));
        k.kfree(p);
        return text;
    }

    /**
     * Which half of a split block comes first: single pages from a fresh kernel until two neighbours come
     * in a row. 2.0's {@code EXPAND} handed out the top half (mm/page_alloc.c:161-172), so they come
     * downwards; today's {@code expand()} hands out the lower half, so they come upwards.
     */
    private static String split(Kernel k) {
        StringBuilder pages = new StringBuilder("__get_free_page:");
        long last = KernelMemory.NULL;
        for (int i = 0; i < 16; i++) {
            long page = k.getFreePages(Gfp.GFP_KERNEL, 0);
            if (page == KernelMemory.NULL) {
                break;
            }
            pages.append(' ').append(Long.toHexString(page));
            if (last != KernelMemory.NULL && Math.abs(page - last) == k.machine().pageSize()) {
                return pages + (page < last ? " (downwards: the top half first)" : " (upwards: the lower half first)");
            }
            last = page;
        }
        return pages + " (no two neighbours in a row)";
    }

    private static void doubleKfree(Kernel k) {
        long p = k.kmalloc(100, Gfp.GFP_KERNEL);
        if (p == KernelMemory.NULL) {
            return;
        }
        k.kfree(p);
        k.kfree(p);
    }

    private static void kmallocInInterrupt(Kernel k) {
        k.machine().context().runInInterrupt(6, "floppy", () -> {
            long p = k.kmalloc(512, Gfp.GFP_KERNEL);
            if (p != KernelMemory.NULL) {
                k.kfree(p);
            }
        });
    }

    /** Runs {@code misuse} and returns the first line of the report it provoked. */
    private static String report(Kernel k, java.util.function.Consumer<Kernel> misuse) {
        try {
            misuse.accept(k);
            return "(no report)";
        } catch (KernelBug bug) {
            return bug.headline();
        }
    }

    private static String refusal(Kernel k, String file) {
        try {
            k.proc(file);
            return "present";
        } catch (IllegalArgumentException e) {
            return e.getMessage().replaceFirst(":.*", "");
        }
    }

    private static String firstLine(String text) {
        int end = text.indexOf('\n');
        return end < 0 ? text : text.substring(0, end);
    }

    private static String lastLineStarting(Kernel k, String prefix) {
        String found = "";
        for (String line : k.machine().dmesg().text().split("\n")) {
            int at = line.indexOf(prefix);
            if (at >= 0) {
                found = line.substring(at);
            }
        }
        return found;
    }
}
