package org.kmemlab.slab;

import org.kmemlab.api.Machine;
import org.kmemlab.api.PhysicalMemory;
import org.kmemlab.api.bug.CorruptionBug;
import org.kmemlab.api.spi.SlabFlags;

/**
 * Poison and red zones of one cache's objects ({@code SLAB_POISON}, {@code SLAB_RED_ZONE}): writing the
 * patterns and checking them, as SLUB's {@code check_object} does.
 *
 * <p>A check that finds a wrong byte restores the whole pattern first ({@code FIX dentry: Restoring
 * Poison}) and then reports, so the cache stays consistent and the caller can go on.
 */
final class ObjectDebug {

    private final PhysicalMemory memory;
    private final Machine machine;
    private final String cache;
    private final long size;
    private final int redZoneOffset;

    ObjectDebug(Machine machine, String cache, long size, int redZoneOffset) {
        this.machine = machine;
        this.memory = machine.memory();
        this.cache = cache;
        this.size = size;
        this.redZoneOffset = redZoneOffset;
    }

    /** Fills a free object with {@code POISON_FREE}, its last byte {@code POISON_END}. */
    void poison(long addr) {
        long phys = machine.pa(addr);
        memory.fill(phys, size - 1, SlabFlags.POISON_FREE);
        memory.writeByte(phys + size - 1, SlabFlags.POISON_END);
    }

    /**
     * Checks a free object's poison before it is handed out.
     *
     * @throws CorruptionBug {@code Poison overwritten}, after restoring the poison
     */
    void checkPoison(long addr) {
        long phys = machine.pa(addr);
        for (long i = 0; i < size; i++) {
            byte expected = i == size - 1 ? SlabFlags.POISON_END : SlabFlags.POISON_FREE;
            byte found = memory.readByte(phys + i);
            if (found != expected) {
                long last = i;
                for (long j = i; j < size; j++) {
                    if (memory.readByte(phys + j) != (j == size - 1 ? SlabFlags.POISON_END : SlabFlags.POISON_FREE)) {
                        last = j;
                    }
                }
                poison(addr);
                throw new CorruptionBug(cache, "Poison", addr + i, addr + last, i, found, expected,
                        "FIX " + cache + ": Restoring Poison 0x" + Long.toHexString(addr) + "-0x"
                                + Long.toHexString(addr + size - 1) + "=0x6b",
                        "something wrote to this object after kmem_cache_free(); find the stale pointer");
            }
        }
    }

    /** Writes the red zone of the object at {@code addr}: {@code RED_ACTIVE} or {@code RED_INACTIVE}. */
    void redZone(long addr, byte value) {
        memory.fill(machine.pa(addr) + redZoneOffset, SlabFlags.RED_ZONE_SIZE, value);
    }

    /**
     * Checks a live object's red zone before it is freed.
     *
     * @throws CorruptionBug {@code Right Redzone overwritten}, after restoring the red zone
     */
    void checkRedZone(long addr) {
        long phys = machine.pa(addr) + redZoneOffset;
        for (int i = 0; i < SlabFlags.RED_ZONE_SIZE; i++) {
            byte found = memory.readByte(phys + i);
            if (found != SlabFlags.RED_ACTIVE) {
                int last = i;
                for (int j = i; j < SlabFlags.RED_ZONE_SIZE; j++) {
                    if (memory.readByte(phys + j) != SlabFlags.RED_ACTIVE) {
                        last = j;
                    }
                }
                redZone(addr, SlabFlags.RED_ACTIVE);
                long from = addr + redZoneOffset + i;
                throw new CorruptionBug(cache, "Right Redzone", from, addr + redZoneOffset + last,
                        redZoneOffset + i, found, SlabFlags.RED_ACTIVE,
                        "FIX " + cache + ": Restoring Right Redzone 0x" + Long.toHexString(addr + redZoneOffset)
                                + "-0x" + Long.toHexString(addr + redZoneOffset + SlabFlags.RED_ZONE_SIZE - 1)
                                + "=0xcc",
                        "the object was written past its end (" + size + " bytes); check the length of"
                                + " every copy into it");
            }
        }
    }
}
