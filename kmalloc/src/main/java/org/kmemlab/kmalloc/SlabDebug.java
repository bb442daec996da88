package org.kmemlab.kmalloc;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.kmemlab.api.Checks;
import org.kmemlab.api.bug.CorruptionBug;
import org.kmemlab.api.bug.DoubleFreeBug;
import org.kmemlab.api.bug.InvalidFreeBug;
import org.kmemlab.api.bug.KernelBug;

/**
 * Allocation debugging for kmalloc, opt-in as Linux's {@code slab_debug=FZPU}: sanity checks, red zones,
 * poisoning and user tracking, wrapped around the ordinary kmalloc path. Boot with
 * {@code Kernel.builder().debug(SlabDebug.Option.RED_ZONE, ...)} or {@code .debug("FZPU")}.
 *
 * <h2>What each option does</h2>
 * <ul>
 *   <li>{@code F} ({@link Option#SANITY}): every free is checked against the record of live and recently
 *       freed objects; freed objects wait in a quarantine (below) so a second free is caught and named;
 *       {@code validateSlabs} also runs the object allocator's own invariant checks.</li>
 *   <li>{@code Z} ({@link Option#RED_ZONE}): a red zone before and after each object ({@code 0xcc} while
 *       the object is live, {@code 0xbb} once it is freed), checked on free and by
 *       {@code validateSlabs}; the layout is drawn on {@link DebugObject}, the bytes are written and
 *       checked by {@link RedZonesAndPoison}.</li>
 *   <li>{@code P} ({@link Option#POISON}): a new object is filled with {@code 0x5a} (unless
 *       {@code __GFP_ZERO}), a freed one with {@code 0x6b} and a last byte {@code 0xa5}; the poison is
 *       checked when the object leaves the quarantine, before anyone can reuse it, and by
 *       {@code validateSlabs}. A write after free shows up as {@code Poison overwritten}. Pages freed
 *       with {@code free_pages} are filled with {@code PAGE_POISON} {@code 0xaa}.</li>
 *   <li>{@code U} ({@link Option#USER}): the call site, task and time of each allocation and free
 *       ({@link CallSite}), printed in every report ({@code INFO: Allocated in …}) and in the leak
 *       report.</li>
 * </ul>
 *
 * <h2>Why a quarantine</h2>
 * SLUB checks a freed object's poison when it hands the object out again, because SLUB controls where
 * its free-list pointer lives. Here the object allocator is anyone's, and it may keep its free list
 * inside free objects, over the poison. So with {@code F} or {@code P} a freed object is not given back
 * at once: it waits, poisoned, in a first-in first-out quarantine (as KASAN's), and is checked when it
 * leaves, just before the object allocator gets it. The quarantine holds at most
 * {@value #QUARANTINE_OBJECTS} objects and 1/64 of RAM; reclaim and {@code drainCpuCaches} empty it.
 * A corruption found on the way out is reported by the kfree that pushed the object out (SLUB, too,
 * reports it on an unrelated allocation).
 *
 * <h2>Cost</h2>
 * With no option set this class is not even created: kmalloc tests one final field for null. With
 * options set every kmalloc and kfree takes this object's lock and records the object in maps; {@code U}
 * adds a stack walk per call.
 */
public final class SlabDebug {

    /** The {@code slab_debug} letters. */
    public enum Option {
        /** {@code F}: sanity checks on free, quarantine, allocator invariants on validation. */
        SANITY('F'),
        /** {@code Z}: red zones around every object. */
        RED_ZONE('Z'),
        /** {@code P}: poison new and freed objects, check it before reuse. */
        POISON('P'),
        /** {@code U}: record who allocated and freed each object. */
        USER('U');

        private final char letter;

        Option(char letter) {
            this.letter = letter;
        }

        /** Returns the {@code slab_debug} letter. */
        public char letter() {
            return letter;
        }
    }

    /**
     * Parses {@code slab_debug} letters, e.g. {@code "FZPU"} or {@code "zp"}; an empty string means all
     * four, as a bare {@code slab_debug} does, and {@code "-"} none.
     *
     * @throws IllegalArgumentException for another letter, naming the known ones
     */
    public static Set<Option> parse(String letters) {
        String text = Checks.requireNonNull(letters, "slab_debug letters").trim().toUpperCase(Locale.ROOT);
        if (text.isEmpty()) {
            return EnumSet.allOf(Option.class);
        }
        Set<Option> options = EnumSet.noneOf(Option.class);
        if (text.equals("-")) {
            return options;
        }
        for (char c : text.toCharArray()) {
            Option found = null;
            for (Option o : Option.values()) {
                if (o.letter == c) {
                    found = o;
                }
            }
            Checks.requireArgument(found != null, "slab_debug letter '%s' in '%s' is not one of F, Z, P, U",
                    String.valueOf(c), letters);
            options.add(found);
        }
        return options;
    }

    /** The most objects the quarantine holds. */
    static final int QUARANTINE_OBJECTS = 1024;

    private final Kernel kernel;
    private final RedZonesAndPoison bytes;
    private final boolean sanity;
    private final boolean redZone;
    private final boolean poison;
    private final boolean user;
    private final Set<Option> options;
    private final long bootNanos = System.nanoTime();
    private final long quarantineLimit;
    /** Live objects by the caller's address. */
    private final Map<Long, DebugObject> live = new HashMap<>();
    /** Freed objects by the caller's address, oldest first in {@link #fifo}. */
    private final Map<Long, DebugObject> quarantined = new HashMap<>();
    private final ArrayDeque<DebugObject> fifo = new ArrayDeque<>();
    private long quarantineBytes;

    SlabDebug(Kernel kernel, Set<Option> options) {
        this.kernel = kernel;
        this.options = Set.copyOf(options);
        this.sanity = options.contains(Option.SANITY);
        this.redZone = options.contains(Option.RED_ZONE);
        this.poison = options.contains(Option.POISON);
        this.user = options.contains(Option.USER);
        this.quarantineLimit = kernel.machine().ramBytes() / 64;
        this.bytes = new RedZonesAndPoison(kernel.machine(), redZone, poison);
    }

    /** Returns the options on, in {@code slab_debug} letters ({@code FZPU}). */
    String letters() {
        StringBuilder out = new StringBuilder();
        for (Option o : Option.values()) {
            if (options.contains(o)) {
                out.append(o.letter);
            }
        }
        return out.toString();
    }

    /** Returns true when call sites are recorded ({@code U}). */
    boolean tracksUsers() {
        return user;
    }

    // ---------------------------------------------------------------- kmalloc

    /** kmalloc with debugging: a bigger slot for the red zones, poison, a record. */
    long kmalloc(long size, int gfp) {
        if (size <= 0 || size > kernel.maxKmallocSize()) {
            return kernel.kmallocRaw(size, gfp);
        }
        CallSite site = user ? CallSite.capture(16) : null;
        boolean zoned = redZone && size + 2 * RedZonesAndPoison.RED_ZONE_BYTES <= kernel.maxKmallocSize();
        long slot = kernel.kmallocRaw(zoned ? size + 2 * RedZonesAndPoison.RED_ZONE_BYTES : size, gfp);
        if (slot == Kernel.NULL) {
            return Kernel.NULL;
        }
        long slotSize = kernel.ksizeRaw(slot);
        long addr = zoned ? slot + RedZonesAndPoison.RED_ZONE_BYTES : slot;
        DebugObject o = new DebugObject(slot, slotSize, addr, size, kernel.cacheNameOf(slot));
        o.track(false, site, System.nanoTime());
        bytes.allocated(o, gfp);
        synchronized (this) {
            live.put(addr, o);
        }
        return addr;
    }

    /** ksize with debugging: the size asked for (writing past it is a red-zone overflow). */
    synchronized long ksize(long addr) {
        DebugObject o = live.get(addr);
        if (o != null) {
            return o.size;
        }
        throw invalid(addr, "ksize");
    }

    /** The old kfree_s with debugging: the size must be the one kmalloc was given. */
    void kfree(long addr, long size) {
        synchronized (this) {
            DebugObject o = live.get(addr);
            if (o != null && size != o.size) {
                throw InvalidFreeBug.wrongSize(o.cache, addr, size, o.size);
            }
        }
        kfree(addr);
    }

    /**
     * kfree with debugging: checks the red zones, poisons, quarantines, and gives back what leaves the
     * quarantine after checking its poison.
     *
     * @throws DoubleFreeBug for an object in the quarantine
     * @throws InvalidFreeBug for a pointer into (or between) objects
     * @throws CorruptionBug for a red zone overwritten (the object stays live, the red zone is restored),
     *         or for poison overwritten in an object leaving the quarantine (this free did happen)
     */
    void kfree(long addr) {
        CallSite site = user ? CallSite.capture(16) : null;
        long now = System.nanoTime();
        List<DebugObject> leaving = new ArrayList<>();
        DebugObject freed;
        synchronized (this) {
            freed = live.get(addr);
            if (freed == null) {
                DebugObject again = quarantined.get(addr);
                if (again != null) {
                    throw new DoubleFreeBug(again.cache, addr, again.objectLine() + "\n" + again.trackLines(now));
                }
                if (containing(addr) != null) {
                    throw invalid(addr, "kfree");
                }
            } else {
                CorruptionBug bug = bytes.checkLive(freed, now);
                if (bug != null) {
                    throw bug;
                }
                live.remove(addr);
                freed.track(true, site, now);
                bytes.freed(freed);
                if (sanity || poison) {
                    quarantined.put(addr, freed);
                    fifo.addLast(freed);
                    quarantineBytes += freed.slotSize;
                    while (fifo.size() > QUARANTINE_OBJECTS || quarantineBytes > quarantineLimit) {
                        leaving.add(dequeue());
                    }
                } else {
                    leaving.add(freed);
                }
            }
        }
        if (freed == null) {
            kernel.kfreeRaw(addr);
            return;
        }
        release(leaving, now);
    }

    private static boolean contains(DebugObject o, long addr) {
        return Long.compareUnsigned(addr - o.slot, o.slotSize) < 0;
    }

    /**
     * Returns the live or quarantined object whose slot contains {@code addr}, or null; lock held. A
     * linear search: it runs only on the way to a report, so the common paths keep to two hash maps.
     */
    private DebugObject containing(long addr) {
        for (DebugObject o : live.values()) {
            if (contains(o, addr)) {
                return o;
            }
        }
        for (DebugObject o : fifo) {
            if (contains(o, addr)) {
                return o;
            }
        }
        return null;
    }

    /** Takes the oldest object out of the quarantine; lock held. */
    private DebugObject dequeue() {
        DebugObject o = fifo.removeFirst();
        quarantined.remove(o.addr);
        quarantineBytes -= o.slotSize;
        return o;
    }

    /**
     * Checks and gives back objects that left the quarantine; throws the first corruption found after
     * giving all of them back.
     */
    private void release(List<DebugObject> leaving, long now) {
        CorruptionBug first = null;
        for (DebugObject o : leaving) {
            CorruptionBug bug = bytes.checkFreed(o, now);
            if (first == null) {
                first = bug;
            }
            kernel.kfreeRaw(o.slot);
        }
        if (first != null) {
            kernel.machine().dmesg().err(first.getMessage());
            throw first;
        }
    }

    private KernelBug invalid(long addr, String what) {
        DebugObject o = containing(addr);
        if (o == null) {
            return InvalidFreeBug.of("BUG: " + what + " of non-kmalloced memory: 0x" + Long.toHexString(addr),
                    "INFO: no live or recently freed kmalloc object contains 0x" + Long.toHexString(addr),
                    "pass only pointers that kmalloc() returned and that are still allocated", addr);
        }
        long offset = addr - o.addr;
        String where = offset < 0 ? (-offset) + " bytes before the object at 0x" + Long.toHexString(o.addr)
                + " (in its left red zone)"
                : offset < o.size ? offset + " bytes into the object at 0x" + Long.toHexString(o.addr)
                : (offset - o.size) + " bytes past the end of the object at 0x" + Long.toHexString(o.addr)
                        + " (in its right red zone)";
        String state = quarantined.containsKey(o.addr) ? " (freed)" : "";
        String tracks = o.trackLines(System.nanoTime());
        return InvalidFreeBug.of("BUG " + o.cache + " (Not tainted): Invalid object pointer 0x" + Long.toHexString(addr),
                "INFO: 0x" + Long.toHexString(addr) + " is " + where + state + ", size " + o.size
                        + (tracks.isEmpty() ? "" : "\n" + tracks),
                "pass " + what + "() the pointer kmalloc() returned, not a pointer into the middle of the object",
                addr);
    }

    // ---------------------------------------------------------------- pages, validation, reclaim

    /** Fills a block given to free_pages with {@code PAGE_POISON} (P only). */
    void poisonPages(long pfn, int order) {
        bytes.poisonPages(pfn, order);
    }

    /**
     * Checks every live object's red zones and every quarantined object's poison and red zones
     * ({@code validate} in {@code /sys/kernel/slab}), repairing what it finds and logging each report to
     * dmesg; with {@code F} also runs the object allocator's invariant checks.
     *
     * @return the reports, oldest object first; empty when all is well
     */
    List<CorruptionBug> validate() {
        List<CorruptionBug> found = new ArrayList<>();
        long now = System.nanoTime();
        synchronized (this) {
            List<DebugObject> all = new ArrayList<>(live.values());
            all.addAll(fifo);
            all.sort((a, b) -> Long.compareUnsigned(a.slot, b.slot));
            for (DebugObject o : all) {
                CorruptionBug bug = quarantined.containsKey(o.addr) ? bytes.checkFreed(o, now)
                        : bytes.checkLive(o, now);
                if (bug != null) {
                    kernel.machine().dmesg().err(bug.getMessage());
                    found.add(bug);
                }
            }
        }
        if (sanity) {
            kernel.checkInvariants();
        }
        return found;
    }

    /**
     * Empties the quarantine (reclaim, {@code drainCpuCaches}), checking each object on the way out.
     *
     * @return the bytes of slots given back
     * @throws CorruptionBug for the first object whose poison was overwritten (all are given back)
     */
    long flushQuarantine() {
        List<DebugObject> leaving = new ArrayList<>();
        long bytes;
        synchronized (this) {
            bytes = quarantineBytes;
            while (!fifo.isEmpty()) {
                leaving.add(dequeue());
            }
        }
        release(leaving, System.nanoTime());
        return bytes;
    }

    /** Returns the bytes the quarantine holds. */
    synchronized long quarantineBytes() {
        return quarantineBytes;
    }

    /** Returns the live objects, lowest address first (for the leak report). */
    synchronized List<DebugObject> liveObjects() {
        List<DebugObject> out = new ArrayList<>(live.values());
        out.sort((a, b) -> Long.compareUnsigned(a.addr, b.addr));
        return out;
    }

    /** Returns milliseconds since boot: the simulated jiffies at {@code nanos} (HZ = 1000). */
    long jiffies(long nanos) {
        return (nanos - bootNanos) / 1_000_000;
    }
}
