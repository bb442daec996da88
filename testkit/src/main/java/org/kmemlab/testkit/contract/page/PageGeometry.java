package org.kmemlab.testkit.contract.page;

import org.kmemlab.api.Era;
import org.kmemlab.api.Machine;
import org.kmemlab.api.MachineProfile;
import org.kmemlab.api.Sizes;
import org.kmemlab.api.spi.PageAllocatorConfig;
import org.kmemlab.testkit.contract.chain.Draws;
import org.kmemlab.testkit.property.Randomness;

/**
 * The frames a page allocator under test manages: where they start, how many, the highest order.
 *
 * <p>Bugs hide at edges, so the contract draws geometries of several kinds: {@link Kind#TINY} zones of one
 * to three frames, {@link Kind#ALIGNED} zones that are whole maxOrder blocks, {@link Kind#UNEVEN} zones
 * whose start and end cut through blocks of every order, and {@link Kind#LARGE} zones of thousands of
 * frames with {@code maxOrder} 10. All live on a 64 MiB machine (16384 frames): x86_64 on the modern era,
 * the i386 PC of 1996 on the 2.0 era.
 *
 * @param kind which kind of geometry this is
 * @param startPfn the first frame
 * @param frames the number of frames
 * @param maxOrder the highest order
 * @param era the era in the configuration (rule page.linux20-expand applies on {@link Era#LINUX_2_0})
 */
record PageGeometry(Kind kind, long startPfn, long frames, int maxOrder, Era era) {

    /** The RAM of the machine every page-contract chain runs on. */
    static final long RAM = 64 * Sizes.MiB;

    /** The kinds of geometry. */
    enum Kind {
        /** One to three frames, any start, any maxOrder up to 4: the degenerate zones. */
        TINY,
        /** A whole number of maxOrder blocks starting on a maxOrder boundary: the textbook zone. */
        ALIGNED,
        /** A start and an end that cut through blocks of several orders: where off-by-ones live. */
        UNEVEN,
        /** Over a thousand frames with maxOrder 10, possibly uneven. */
        LARGE
    }

    /** Draws a geometry of {@code kind} for {@code era}. */
    static PageGeometry draw(Kind kind, Randomness random, Era era) {
        return switch (kind) {
            case TINY -> new PageGeometry(kind, random.between(0, 40), random.between(1, 3), random.between(0, 4), era);
            case ALIGNED -> {
                int maxOrder = random.between(0, 5);
                long block = 1L << maxOrder;
                yield new PageGeometry(kind, block * random.between(0, 8), block * random.between(1, 4), maxOrder,
                        era);
            }
            case UNEVEN -> {
                int maxOrder = random.between(1, 6);
                long block = 1L << maxOrder;
                long start = block * random.between(0, 4) + random.between(1, (int) block - 1);
                long frames = random.between(2, (int) (4 * block)) + (random.percent(50) ? 0 : block);
                yield new PageGeometry(kind, start, frames, maxOrder, era);
            }
            case LARGE -> {
                long start = random.percent(50) ? 1024 : random.between(1, 2047);
                long frames = random.percent(50) ? 2048 : random.between(1100, 4000);
                yield new PageGeometry(kind, start, frames, 10, era);
            }
        };
    }

    /** Boots the machine these frames live on. */
    Machine bootMachine() {
        return Machine.boot(era == Era.LINUX_2_0 ? MachineProfile.I386_LINUX_2_0 : MachineProfile.X86_64, RAM);
    }

    /** Returns one past the last frame. */
    long endPfn() {
        return startPfn + frames;
    }

    /** Returns the configuration for the provider. */
    PageAllocatorConfig config(Machine machine) {
        return new PageAllocatorConfig(machine, "Normal", startPfn, frames, maxOrder, era);
    }

    @Override
    public String toString() {
        return "startPfn " + startPfn + ", frames " + frames + ", maxOrder " + maxOrder
                + (era == Era.LINUX_2_0 ? ", era LINUX_2_0" : "");
    }
}
