package org.kmemlab.slab;

import java.util.Arrays;

/**
 * Which slab of a cache starts at a given block: a map from a slab's first frame number to its slab
 * number, for {@code free} to find the slab of an address. Linux reads this from the address's
 * {@code struct page}; a cache of ours sees only its own slabs, so it keeps a small hash table of them.
 *
 * <p>Open addressing with linear probing over primitive arrays, so a lookup allocates nothing; removal
 * shifts later entries of the same run back (no tombstones). The table doubles when half full.
 */
final class SlabIndex {

    private static final long EMPTY = -1;

    private long[] keys = new long[16];
    private int[] values = new int[16];
    private int size;

    SlabIndex() {
        Arrays.fill(keys, EMPTY);
    }

    /** Returns the slab number of the slab starting at frame {@code pfn}, or -1. */
    int get(long pfn) {
        int mask = keys.length - 1;
        for (int i = hash(pfn) & mask; ; i = (i + 1) & mask) {
            long k = keys[i];
            if (k == pfn) {
                return values[i];
            }
            if (k == EMPTY) {
                return -1;
            }
        }
    }

    /** Records that slab {@code slab} starts at frame {@code pfn}, which has no slab yet. */
    void put(long pfn, int slab) {
        if (2 * (size + 1) > keys.length) {
            grow();
        }
        int mask = keys.length - 1;
        int i = hash(pfn) & mask;
        while (keys[i] != EMPTY) {
            i = (i + 1) & mask;
        }
        keys[i] = pfn;
        values[i] = slab;
        size++;
    }

    /** Forgets the slab starting at frame {@code pfn}, which must be present. */
    void remove(long pfn) {
        int mask = keys.length - 1;
        int i = hash(pfn) & mask;
        while (keys[i] != pfn) {
            i = (i + 1) & mask;
        }
        keys[i] = EMPTY;
        size--;
        // Move back every later entry of the run that would no longer be found past the hole.
        for (int j = (i + 1) & mask; keys[j] != EMPTY; j = (j + 1) & mask) {
            int home = hash(keys[j]) & mask;
            boolean reachable = i <= j ? (home > i && home <= j) : (home > i || home <= j);
            if (!reachable) {
                keys[i] = keys[j];
                values[i] = values[j];
                keys[j] = EMPTY;
                i = j;
            }
        }
    }

    /** Returns the number of slabs recorded. */
    int size() {
        return size;
    }

    private void grow() {
        long[] oldKeys = keys;
        int[] oldValues = values;
        keys = new long[oldKeys.length * 2];
        values = new int[oldKeys.length * 2];
        Arrays.fill(keys, EMPTY);
        size = 0;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != EMPTY) {
                put(oldKeys[i], oldValues[i]);
            }
        }
    }

    private static int hash(long pfn) {
        long h = pfn * 0x9E3779B97F4A7C15L;
        return (int) (h >>> 32);
    }
}
