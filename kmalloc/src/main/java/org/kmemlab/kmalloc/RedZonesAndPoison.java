package org.kmemlab.kmalloc;

import org.kmemlab.api.Checks;
import org.kmemlab.api.Gfp;
import org.kmemlab.api.Machine;
import org.kmemlab.api.PhysicalMemory;
import org.kmemlab.api.bug.CorruptionBug;

/**
 * The bytes {@code slab_debug} writes around and into kmalloc objects, and the checks that read them back:
 * red zones ({@code Z}) and poison ({@code P}); {@link SlabDebug} says when each runs. A check that finds
 * a wrong byte restores the whole range and returns SLUB's report ({@code check_bytes_and_report}): the
 * first and last wrong byte, what was found and what was expected, and advice for the kind of mistake.
 *
 * <pre>
 *   live object:   [ 0xcc x16 | object: 0x5a … (P, no __GFP_ZERO) | 0xcc … to the end of the slot ]
 *   freed object:  [ 0xbb x16 | 0x6b … 0x6b 0xa5                 | 0xbb … to the end of the slot ]
 * </pre>
 */
final class RedZonesAndPoison {

    /** Bytes of the left red zone (and the least of the right one): keeps objects 16-byte aligned. */
    static final int RED_ZONE_BYTES = 16;

    static final byte POISON_INUSE = 0x5a;
    static final byte POISON_FREE = 0x6b;
    static final byte POISON_END = (byte) 0xa5;
    static final byte RED_INACTIVE = (byte) 0xbb;
    static final byte RED_ACTIVE = (byte) 0xcc;
    static final byte PAGE_POISON = (byte) 0xaa;

    private final Machine machine;
    private final PhysicalMemory memory;
    private final boolean redZone;
    private final boolean poison;

    RedZonesAndPoison(Machine machine, boolean redZone, boolean poison) {
        this.machine = machine;
        this.memory = machine.memory();
        this.redZone = redZone;
        this.poison = poison;
    }

    private long pa(long addr) {
        return machine.pa(addr);
    }

    /** A new object: active red zones around it (when it has them), poison in it unless {@code __GFP_ZERO}. */
    void allocated(DebugObject o, int gfp) {
        if (o.slot != o.addr) {
            memory.fill(pa(o.slot), RED_ZONE_BYTES, RED_ACTIVE);
            memory.fill(pa(o.end()), o.slot + o.slotSize - o.end(), RED_ACTIVE);
        }
        if (poison && (gfp & Gfp.__GFP_ZERO) == 0) {
            memory.fill(pa(o.addr), o.size, POISON_INUSE);
        }
    }

    /** A freed object: free poison with its end byte, inactive red zones. */
    void freed(DebugObject freed) {
        if (poison) {
            memory.fill(pa(freed.addr), freed.size, POISON_FREE);
            memory.writeByte(pa(freed.addr + freed.size - 1), POISON_END);
        }
        if (redZone && freed.slot != freed.addr) {
            memory.fill(pa(freed.slot), RED_ZONE_BYTES, RED_INACTIVE);
            memory.fill(pa(freed.end()), freed.slot + freed.slotSize - freed.end(), RED_INACTIVE);
        }
    }

    /** Fills a block given to free_pages with {@code PAGE_POISON} (P only). */
    void poisonPages(long pfn, int order) {
        if (poison) {
            memory.fill(machine.pfnToPhys(pfn), machine.pageSize() << order, PAGE_POISON);
        }
    }

    /** Checks a live object's red zones; repairs them and returns the report, or null. */
    CorruptionBug checkLive(DebugObject o, long now) {
        return redZone && o.slot != o.addr ? checkRedZones(o, RED_ACTIVE, now) : null;
    }

    /** Checks a freed object's poison and red zones; repairs them and returns the report, or null. */
    CorruptionBug checkFreed(DebugObject o, long now) {
        CorruptionBug bug = null;
        if (poison) {
            bug = checkBytes(o, "Poison", o.addr, o.size - 1, POISON_FREE, now);
            if (bug == null) {
                bug = checkBytes(o, "End Poison", o.end() - 1, 1, POISON_END, now);
            }
        }
        if (bug == null && redZone && o.slot != o.addr) {
            bug = checkRedZones(o, RED_INACTIVE, now);
        }
        return bug;
    }

    private CorruptionBug checkRedZones(DebugObject o, byte expected, long now) {
        CorruptionBug bug = checkBytes(o, "Left Redzone", o.slot, RED_ZONE_BYTES, expected, now);
        return bug != null ? bug : checkBytes(o, "Right Redzone", o.end(), o.slot + o.slotSize - o.end(), expected,
                now);
    }

    /**
     * Checks that {@code length} bytes at {@code from} all equal {@code expected}; if not, restores them and
     * returns SLUB's report naming the first and last wrong byte.
     */
    private CorruptionBug checkBytes(DebugObject o, String what, long from, long length, byte expected, long now) {
        if (length <= 0) {
            return null;
        }
        long phys = pa(from);
        long bad = memory.findMismatch(phys, length, expected);
        if (bad < 0) {
            return null;
        }
        long last = bad;
        for (long p = phys + length - 1; p > bad; p--) {
            if (memory.readByte(p) != expected) {
                last = p;
                break;
            }
        }
        byte found = memory.readByte(bad);
        long firstAddr = from + (bad - phys);
        long lastAddr = from + (last - phys);
        memory.fill(phys, length, expected);
        String details = o.objectLine() + (o.allocSite != null ? "\n" + o.trackLines(now) : "")
                + Checks.format("\nFIX %s: Restoring %s 0x%x-0x%x=0x%02x", o.cache, what, from, from + length - 1,
                expected & 0xff);
        String advice = what.startsWith("Poison") || what.equals("End Poison")
                ? "the object was written after kfree(): a use after free; set pointers to NULL when you free"
                : what.equals("Left Redzone") ? "something wrote before the start of the object: check negative"
                        + " indexes and pointer arithmetic"
                : "something wrote past the end of the object: check the size you asked kmalloc for against the"
                        + " bytes you write (off-by-one, a missing +1 for a terminating NUL)";
        return new CorruptionBug(o.cache, what, firstAddr, lastAddr, firstAddr - o.slot, found, expected, details,
                advice);
    }
}
