package org.kmemlab.testkit.contract.page;

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
 * frames with {@code maxOrder} 10. All live on a 64 MiB x86_64 machine (16384 frames).
 *
 * @param kind which kind of geometry this is
 * @param startPfn the first frame
 * @param frames the number of frames
 * @param maxOrder the highest order
 */
record PageGeometry(Kind kind, long startPfn, long frames, int maxOrder) {

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

    /** Draws a geometry of {@code kind}. */
    static PageGeometry draw(Kind kind, Randomness random) {
        return switch (kind) {
            case TINY -> new PageGeometry(kind, random.between(0, 40), random.between(1, 3), random.between(0, 4));
            case ALIGNED -> {
                int maxOrder = random.between(0, 5);
                long block = 1L << maxOrder;
                yield new PageGeometry(kind, block * random.between(0, 8), block * random.between(1, 4), maxOrder);
            }
            case UNEVEN -> {
                int maxOrder = random.between(1, 6);
                long block = 1L << maxOrder;
                long start = block * random.between(0, 4) + random.between(1, (int) block - 1);
                long frames = random.between(2, (int) (4 * block)) + (random.percent(50) ? 0 : block);
                yield new PageGeometry(kind, start, frames, maxOrder);
            }
            case LARGE -> {
                long start = random.percent(50) ? 1024 : random.between(1, 2047);
                long frames = random.percent(50) ? 2048 : random.between(1100, 4000);
                yield new PageGeometry(kind, start, frames, 10);
            }
        };
    }

    /** Draws a geometry of any kind, each equally likely except large ones (they are slower). */
    static PageGeometry drawAny(Randomness random) {
        Kind kind = Kind.values()[random.choose(2, 3, 4, 1)];
        return draw(kind, random);
    }

    /** Boots the machine these frames live on. */
    static Machine bootMachine() {
        return Machine.boot(MachineProfile.X86_64, RAM);
    }

    /** Returns one past the last frame. */
    long endPfn() {
        return startPfn + frames;
    }

    /** Returns the configuration for the provider. */
    PageAllocatorConfig config(Machine machine) {
        return new PageAllocatorConfig(machine, "Normal", startPfn, frames, maxOrder);
    }

    @Override
    public String toString() {
        return "startPfn " + startPfn + ", frames " + frames + ", maxOrder " + maxOrder;
    }
}
