package org.kmemlab.grader.child;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.kmemlab.api.spi.ObjectAllocator;
import org.kmemlab.api.spi.PageAllocator;
import org.kmemlab.api.spi.Shrinker;
import org.kmemlab.api.spi.SlabCache;
import org.kmemlab.api.spi.ZoneAllocator;

/**
 * The SPI calls the child runs on the allocators the grader had it make: one {@code switch} per SPI
 * ({@link PageAllocator}, {@link ObjectAllocator}, {@link SlabCache}, {@link ZoneAllocator}), each case
 * reading the call's arguments in the order {@link Op} gives, calling the submission, and writing what it
 * returned. Calls that change an allocator's state answer with a snapshot of its queries too
 * ({@link Snapshots}), so the grader's proxy need not ask again. What the submission throws is answered
 * by {@link Executor}, not here.
 */
final class AllocatorCalls {

    private final Executor executor;

    AllocatorCalls(Executor executor) {
        this.executor = executor;
    }

    /**
     * Runs operation {@code op} on the allocator or cache {@code target} and writes its answer.
     *
     * @throws IllegalStateException when {@code op} does not apply to that object
     */
    void execute(int target, short op, DataInputStream in, DataOutputStream out)
            throws IOException {
        Object o = executor.get(target);
        if (o instanceof PageAllocator a) {
            switch (op) {
                case Op.P_START_PFN -> out.writeLong(a.startPfn());
                case Op.P_FRAMES -> out.writeLong(a.frames());
                case Op.P_MAX_ORDER -> out.writeInt(a.maxOrder());
                case Op.P_ALLOCATE -> {
                    out.writeLong(a.allocate(in.readInt()));
                    Snapshots.pageSnapshot(a, out);
                }
                case Op.P_FREE -> {
                    a.free(in.readLong(), in.readInt());
                    Snapshots.pageSnapshot(a, out);
                }
                case Op.P_FREE_FRAMES -> out.writeLong(a.freeFrames());
                case Op.P_FREE_BLOCKS -> out.writeLong(a.freeBlocks(in.readInt()));
                case Op.P_CHECK -> {
                    a.checkInvariants();
                    Snapshots.pageSnapshot(a, out);
                }
                case Op.P_SNAPSHOT -> Snapshots.pageSnapshot(a, out);
                default -> throw unknown(op, o);
            }
        } else if (o instanceof ObjectAllocator a) {
            switch (op) {
                case Op.O_ALLOCATE -> {
                    long addr = a.allocate(in.readLong(), in.readInt());
                    out.writeLong(addr);
                    // The contract asks the new object's usable size next.
                    if (addr != ObjectAllocator.NULL) {
                        Snapshots.snapshotPart(out, part -> part.writeLong(a.usableSize(addr)));
                    }
                }
                case Op.O_FREE -> a.free(in.readLong());
                case Op.O_USABLE_SIZE -> out.writeLong(a.usableSize(in.readLong()));
                case Op.O_MAX_SIZE -> out.writeLong(a.maxSize());
                case Op.O_SHRINK -> out.writeLong(a.shrink());
                case Op.O_SLABINFO -> Snapshots.writeSlabinfo(a.slabinfo(), out);
                case Op.O_SIZE_CLASSES -> Snapshots.writeSizeClasses(a.sizeClasses(), out);
                case Op.O_CHECK -> {
                    a.checkInvariants();
                    Snapshots.objectSnapshot(a, in, out);
                }
                default -> throw unknown(op, o);
            }
        } else if (o instanceof SlabCache c) {
            switch (op) {
                case Op.S_NAME -> out.writeUTF(String.valueOf(c.name()));
                case Op.S_ALLOCATE -> out.writeLong(c.allocate(in.readInt()));
                case Op.S_FREE -> c.free(in.readLong());
                case Op.S_SHRINK -> out.writeLong(c.shrink());
                case Op.S_DESTROY -> c.destroy();
                case Op.S_SLABINFO -> Snapshots.writeSlabinfo(List.of(Executor.requireNonNull(c.slabinfo(), "SlabCache.slabinfo")), out);
                case Op.S_CHECK -> {
                    c.checkInvariants();
                    Snapshots.slabSnapshot(c, out);
                }
                default -> throw unknown(op, o);
            }
        } else if (o instanceof ZoneAllocator a) {
            switch (op) {
                case Op.Z_ALLOC_PAGES -> {
                    out.writeLong(a.allocPages(in.readInt(), in.readInt()));
                    zoneSnapshot(a, target, out);
                }
                case Op.Z_FREE_PAGES -> {
                    a.freePages(in.readLong(), in.readInt());
                    zoneSnapshot(a, target, out);
                }
                case Op.Z_FREE_FRAMES -> out.writeLong(a.freeFrames());
                case Op.Z_ZONEINFO -> Snapshots.writeZoneinfo(a.zoneinfo(), out);
                case Op.Z_REGISTER_SHRINKER -> a.registerShrinker(shrinker(in.readInt()));
                case Op.Z_UNREGISTER_SHRINKER -> a.unregisterShrinker(shrinker(in.readInt()));
                case Op.Z_CHECK -> {
                    a.checkInvariants();
                    zoneSnapshot(a, target, out);
                }
                default -> throw unknown(op, o);
            }
        } else {
            throw unknown(op, o);
        }
    }

    /**
     * Appends what a zone allocator's queries answer now (free frames and zoneinfo, as parts), then the
     * snapshot of every page allocator the grader had made on its machine: the zone allocator changes them
     * behind the grader's proxies, and the contract reads each one's buddyinfo row after every step.
     */
    private void zoneSnapshot(ZoneAllocator a, int target, DataOutputStream out) throws IOException {
        Snapshots.snapshotPart(out, part -> part.writeLong(a.freeFrames()));
        Snapshots.snapshotPart(out, part -> Snapshots.writeZoneinfo(Executor.requireNonNull(a.zoneinfo(), "zoneinfo"), part));
        List<Integer> pages = executor.pageAllocatorsBeside(target);
        out.writeInt(pages.size());
        for (int handle : pages) {
            out.writeInt(handle);
            Snapshots.pageSnapshot((PageAllocator) executor.get(handle), out);
        }
    }

    /** One callback shrinker per grader-side handle, so unregistering finds the instance registered. */
    private final Map<Integer, Shrinker> shrinkers = new ConcurrentHashMap<>();

    private Shrinker shrinker(int handle) {
        return shrinkers.computeIfAbsent(handle, h -> new GraderCallbacks.CallbackShrinker(executor, h));
    }

    private static IllegalStateException unknown(short op, Object o) {
        return new IllegalStateException("operation " + op + " does not apply to " + o.getClass().getName());
    }
}
