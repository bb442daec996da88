package org.kmemlab.examples.experiment;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.kmemlab.api.Checks;
import org.kmemlab.api.Era;
import org.kmemlab.api.Gfp;
import org.kmemlab.api.KernelMemory;
import org.kmemlab.api.MachineProfile;
import org.kmemlab.api.Sizes;
import org.kmemlab.api.ZoneType;
import org.kmemlab.api.stats.ZoneStats;
import org.kmemlab.kmalloc.Kernel;

/**
 * The DMA drain experiment: ordinary allocations use up the memory an ISA DMA controller can reach on a
 * Linux 2.0 machine, and today's zones keep some of it back.
 *
 * <h2>Why</h2>
 * Linux 2.0 had no zones. Every page below 16 MiB carried the {@code PG_DMA} flag; a {@code GFP_DMA}
 * request searched the free lists for such a page; every other request took whatever page came first,
 * DMA-capable or not, and one reserve ({@code min_free_pages}) guarded the whole machine. On a PC with
 * more than 16 MiB, nothing kept the low 16 MiB for the floppy or the sound card: once ordinary
 * allocations had filled the memory above, they took the pages below too, and the driver's
 * {@code __get_dma_pages(GFP_KERNEL, order)} then failed. Zones (2.3/2.4) gave DMA memory its own
 * watermarks and, with {@code lowmem_reserve}, pages that requests for other zones may not take.
 *
 * <h2>Method</h2>
 * The same workload runs on three machines with the same RAM, each booted fresh for every level
 * ({@code maxWait} 0, nothing else running):
 * <ol>
 *   <li><b>A full buffer cache.</b> A large file is read once: ordinary pages are taken until the machine
 *       reaches its reserve, then dropped again, oldest first, as the cache ages them out. (2.0's buffer
 *       cache grew into all free memory; today's page cache does the same.)</li>
 *   <li><b>Ordinary use.</b> {@code GFP_KERNEL} single pages (process pages, network buffers) are
 *       allocated and kept until {@code level}% of the managed pages are in use, or until an allocation
 *       fails (the machine's reserve reached) at 100%.</li>
 *   <li><b>Churn.</b> Processes come and go: {@link #CHURN_ROUNDS} times, a seeded random third of those
 *       pages is freed and as many are allocated again. In 2.0 the next request took the block freed
 *       last, wherever it lay; today a request tries the highest zone first whatever was freed.</li>
 *   <li><b>The driver.</b> A driver asks {@code GFP_KERNEL | GFP_DMA} for 64 KiB buffers (order 4, as an
 *       ISA sound card's DMA buffer) until one fails, then for single DMA pages until one fails.</li>
 * </ol>
 * The machines: Linux 2.0 on the i386 profile (DMA a page flag), today's rules on the same i386 machine
 * (ZONE_DMA and ZONE_Normal), and today's x86_64 profile (ZONE_DMA and ZONE_DMA32; its 16 MiB kernel
 * image leaves it fewer managed pages). The table shows, per level and machine, the free pages, the free
 * DMA-capable pages, the ordinary pages that landed below 16 MiB, and what the driver got.
 */
public final class DmaDrainExperiment {

    /** The order of a driver's DMA buffer: 16 pages, 64 KiB. */
    public static final int BUFFER_ORDER = 4;
    /** How often a third of the ordinary pages is freed and allocated again. */
    public static final int CHURN_ROUNDS = 4;

    /** The three machines compared: profile, era and a name for the table. */
    public enum Setup {
        /** Linux 2.0 on the i386 profile: DMA is a page flag. */
        LINUX_2_0(MachineProfile.I386_LINUX_2_0, Era.LINUX_2_0, "i386, Linux 2.0 (PG_DMA flag)"),
        /** Today's rules on the same i386 machine: ZONE_DMA and ZONE_Normal. */
        MODERN_I386(MachineProfile.I386_LINUX_2_0, Era.MODERN, "i386, today's zones"),
        /** Today's x86_64 profile. */
        MODERN_X86_64(MachineProfile.X86_64, Era.MODERN, "x86_64, today's zones");

        final MachineProfile profile;
        final Era era;
        final String label;

        Setup(MachineProfile profile, Era era, String label) {
            this.profile = profile;
            this.era = era;
            this.label = label;
        }

        /** Returns the name the table prints. */
        public String label() {
            return label;
        }
    }

    /**
     * One measurement.
     *
     * @param setup the machine
     * @param level the percentage of managed pages the ordinary use aimed at
     * @param ordinaryPages the ordinary pages allocated and kept
     * @param ordinaryBelowDma how many of them lie below 16 MiB
     * @param freePages the machine's free pages before the driver
     * @param freeDmaPages the free pages below 16 MiB before the driver
     * @param buffers the 64 KiB DMA buffers the driver got
     * @param singlePages the single DMA pages the driver got after its last buffer
     */
    public record Row(Setup setup, int level, long ordinaryPages, long ordinaryBelowDma, long freePages,
                      long freeDmaPages, long buffers, long singlePages) {

        /** Returns the DMA memory the driver got, in KiB. */
        public long driverKib() {
            return (buffers << (BUFFER_ORDER + 2)) + (singlePages << 2);
        }
    }

    private final long ram;
    private final int[] levels;
    private final long seed;

    /**
     * Creates the experiment.
     *
     * @param ram the RAM of every machine; more than 16 MiB, or there is nothing above DMA memory
     * @param levels ordinary use in percent of the managed pages, each 1..100
     * @param seed the seed of the churn (which pages are freed)
     * @throws IllegalArgumentException naming the bad value
     */
    public DmaDrainExperiment(long ram, int[] levels, long seed) {
        Checks.requireArgument(ram > MachineProfile.MAX_DMA_ADDRESS,
                "the DMA drain needs more than 16 MiB of RAM (memory above the DMA limit), not %s", Sizes.human(ram));
        Checks.requireArgument(levels.length > 0, "give at least one level");
        for (int level : levels) {
            Checks.requireArgument(level >= 1 && level <= 100, "level %d%% is not between 1 and 100", level);
        }
        this.ram = ram;
        this.levels = levels.clone();
        this.seed = seed;
    }

    /** Returns the number of measurements {@link #run} makes. */
    public int cells() {
        return levels.length * Setup.values().length;
    }

    /** Runs every measurement: for each level, each machine. */
    public List<Row> run() {
        List<Row> rows = new ArrayList<>();
        for (int level : levels) {
            for (Setup setup : Setup.values()) {
                rows.add(measure(setup, level));
            }
        }
        return rows;
    }

    /** Boots a fresh kernel of {@code setup} with this experiment's RAM. */
    Kernel boot(Setup setup) {
        return Kernel.builder().profile(setup.profile).ram(ram).era(setup.era).maxWait(Duration.ZERO).boot();
    }

    /** One level on one machine: ordinary use, then the driver. */
    Row measure(Setup setup, int level) {
        Kernel kernel = boot(setup);
        long dmaLimitPfn = MachineProfile.MAX_DMA_ADDRESS >>> MachineProfile.PAGE_SHIFT;
        long managed = 0;
        for (ZoneStats z : kernel.zoneinfo()) {
            managed += z.managed();
        }
        long[] cache = new long[(int) managed];
        int cached = allocate(kernel, cache, 0, cache.length);
        for (int i = 0; i < cached; i++) {
            kernel.freePages(cache[i], 0);                  // oldest first
        }
        long[] pages = new long[(int) (managed * level / 100)];
        int ordinary = allocate(kernel, pages, 0, pages.length);
        SplittableRandom random = new SplittableRandom(seed + level);
        for (int round = 0; round < CHURN_ROUNDS; round++) {
            int third = ordinary / 3;
            for (int k = 0; k < third; k++) {   // free a random page: swap it to the end of the used part
                int j = random.nextInt(ordinary);
                long page = pages[j];
                pages[j] = pages[ordinary - 1];
                kernel.freePages(page, 0);
                ordinary--;
            }
            ordinary = allocate(kernel, pages, ordinary, ordinary + third);
        }
        long belowDma = 0;
        for (int i = 0; i < ordinary; i++) {
            belowDma += kernel.machine().virtToPfn(pages[i]) < dmaLimitPfn ? 1 : 0;
        }
        long free = freePages(kernel);
        long freeDma = zone(kernel, ZoneType.DMA).free();
        long buffers = 0;
        while (kernel.getFreePages(Gfp.GFP_KERNEL | Gfp.GFP_DMA | Gfp.__GFP_NOWARN, BUFFER_ORDER) != KernelMemory.NULL) {
            buffers++;
        }
        long singles = 0;
        while (kernel.getFreePages(Gfp.GFP_KERNEL | Gfp.GFP_DMA | Gfp.__GFP_NOWARN, 0) != KernelMemory.NULL) {
            singles++;
        }
        return new Row(setup, level, ordinary, belowDma, free, freeDma, buffers, singles);
    }

    /**
     * Allocates ordinary pages into {@code pages[from..to)} until one fails (the machine's reserve) and
     * returns how many of {@code pages} are in use then.
     */
    private static int allocate(Kernel kernel, long[] pages, int from, int to) {
        int used = from;
        while (used < to) {
            long addr = kernel.getFreePages(Gfp.GFP_KERNEL | Gfp.__GFP_NOWARN, 0);
            if (addr == KernelMemory.NULL) {
                break;
            }
            pages[used++] = addr;
        }
        return used;
    }

    private static long freePages(Kernel kernel) {
        long free = 0;
        for (ZoneStats z : kernel.zoneinfo()) {
            free += z.free();
        }
        return free;
    }

    private static ZoneStats zone(Kernel kernel, ZoneType type) {
        for (ZoneStats z : kernel.zoneinfo()) {
            if (z.type() == type) {
                return z;
            }
        }
        throw new IllegalStateException("the machine has no " + type + " zone");
    }

    /** Formats the rows as a table with a line of explanation under it. */
    public static String format(List<Row> rows) {
        StringBuilder out = new StringBuilder();
        out.append(Checks.format("%-5s %-31s %9s %9s %8s %8s %8s %7s %9s%n", "use", "machine", "ordinary",
                "<16 MiB", "free", "free DMA", "64K bufs", "pages", "DMA got"));
        int level = -1;
        for (Row r : rows) {
            if (r.level() != level && level != -1) {
                out.append('\n');
            }
            out.append(Checks.format("%-5s %-31s %9d %9d %8d %8d %8d %7d %7d kB%n",
                    r.level() == level ? "" : r.level() + "%", r.setup().label(), r.ordinaryPages(),
                    r.ordinaryBelowDma(), r.freePages(), r.freeDmaPages(), r.buffers(), r.singlePages(),
                    r.driverKib()));
            level = r.level();
        }
        out.append('\n');
        out.append("ordinary: GFP_KERNEL pages kept; <16 MiB: how many of them are DMA-capable memory; free, free DMA:\n");
        out.append("pages free before the driver; 64K bufs, pages: what GFP_KERNEL|GFP_DMA got (order 4, then 0).\n");
        out.append("Linux 2.0 guards one reserve (min_free_pages) for the whole machine and hands an ordinary request\n");
        out.append("the page freed last, wherever it lies: the buffer cache filled the DMA-capable pages last and gave\n");
        out.append("them back last, so ordinary use takes them first and the driver finds little or nothing even on a\n");
        out.append("half-empty machine. Today's zones give ordinary requests the memory above 16 MiB first, and ZONE_DMA\n");
        out.append("keeps its min mark and lowmem_reserve back from them, so the driver still gets DMA memory.\n");
        return out.toString();
    }
}
