package org.kmemlab.dmazone;

import java.util.concurrent.CopyOnWriteArrayList;
import org.kmemlab.api.Checks;
import org.kmemlab.api.spi.Shrinker;

/**
 * The registered shrinkers and one pass of direct reclaim over them: the simulated {@code shrink_slab()}
 * that an allocation which may sleep runs when the free lists are too short.
 *
 * <p>A pass asks each shrinker in registration order for what it can give ({@code count}) and has it
 * free up to what is still wanted ({@code scan}), stopping once enough came back. The shrinkers free
 * their pages through the ordinary free path, so reclaimed pages land in whichever zone they came from
 * and wake waiting allocations like any other free. No zone lock is held during a pass.
 */
final class DirectReclaim {

    /** How many pages one pass asks for at least: the kernel's {@code SWAP_CLUSTER_MAX}. */
    static final long SWAP_CLUSTER_MAX = 32;

    private final CopyOnWriteArrayList<Shrinker> shrinkers = new CopyOnWriteArrayList<>();

    /** Adds a shrinker; registering the same one twice has no further effect. */
    void register(Shrinker shrinker) {
        shrinkers.addIfAbsent(Checks.requireNonNull(shrinker, "shrinker"));
    }

    /** Removes a shrinker; does nothing when it is not registered. */
    void unregister(Shrinker shrinker) {
        shrinkers.remove(shrinker);
    }

    /** Returns true when no shrinker is registered. */
    boolean isEmpty() {
        return shrinkers.isEmpty();
    }

    /**
     * Runs one reclaim pass.
     *
     * @param wanted how many pages the allocation would like back, at least one
     * @return how many pages the shrinkers report they freed
     */
    long shrink(long wanted) {
        long freed = 0;
        for (Shrinker s : shrinkers) {
            if (freed >= wanted) {
                break;
            }
            long available = s.count();
            if (available <= 0) {
                continue;
            }
            long got = s.scan(Math.min(available, wanted - freed));
            Checks.requireState(got >= 0, "shrinker %s reported %d pages freed", s.name(), got);
            freed += got;
        }
        return freed;
    }
}
