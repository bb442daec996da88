package org.kmemlab.grader.child;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;
import org.kmemlab.api.spi.ObjectAllocator;
import org.kmemlab.api.spi.PageAllocator;
import org.kmemlab.api.spi.SlabCache;
import org.kmemlab.api.stats.SlabInfo;
import org.kmemlab.api.stats.ZoneStats;

/**
 * What the child writes about an allocator's queries: the snapshots that travel with the answers of calls
 * that may change an allocator (so the grader answers the contract's queries between calls without a
 * round trip each), and the encodings of slabinfo rows, zoneinfo records and size classes. A snapshot is
 * made of parts, each {@code true} and its value, or {@code false} when the query threw: the grader then
 * asks that query on its own, to see the exception.
 */
final class Snapshots {

    private Snapshots() {
    }

    /**
     * Appends what a page allocator's queries answer now: {@code true}, start pfn, frames, max order,
     * free frames and the free blocks of every order; or {@code false} when one of them threw (the grader
     * then asks each query when it is made). The grader answers the contract's queries from this until
     * the next call that may change the allocator, which saves a round trip per query: the page contract
     * reads the whole buddyinfo row after every step.
     */
    static void pageSnapshot(PageAllocator a, DataOutputStream out) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream snap = new DataOutputStream(bytes);
        try {
            snap.writeLong(a.startPfn());
            snap.writeLong(a.frames());
            int maxOrder = a.maxOrder();
            if (maxOrder < 0 || maxOrder > 63) {
                out.writeBoolean(false);
                return;
            }
            snap.writeInt(maxOrder);
            snap.writeLong(a.freeFrames());
            for (int order = 0; order <= maxOrder; order++) {
                snap.writeLong(a.freeBlocks(order));
            }
        } catch (Wire.Gone gone) {
            throw gone;
        } catch (Throwable e) {
            out.writeBoolean(false);
            return;
        }
        out.writeBoolean(true);
        bytes.writeTo(out);
    }

    /**
     * Appends what an object allocator's queries answer now, for the grader to answer the contract's
     * check from: its slabinfo rows, then {@code usableSize} of each address the request lists (the
     * objects the grader's proxy saw allocated and not freed). Each part is {@code true} and the value, or
     * {@code false} when the query threw (the grader then asks it on its own, to see the exception).
     */
    static void objectSnapshot(ObjectAllocator a, DataInputStream in, DataOutputStream out)
            throws IOException {
        int n = in.readInt();
        snapshotPart(out, part -> writeSlabinfo(Executor.requireNonNull(a.slabinfo(), "slabinfo"), part));
        for (int i = 0; i < n; i++) {
            long addr = in.readLong();
            snapshotPart(out, part -> part.writeLong(a.usableSize(addr)));
        }
    }

    /** Appends what a slab cache's queries answer now: its name and its slabinfo row, as parts. */
    static void slabSnapshot(SlabCache c, DataOutputStream out) throws IOException {
        snapshotPart(out, part -> part.writeUTF(String.valueOf(c.name())));
        snapshotPart(out, part -> writeSlabinfo(List.of(Executor.requireNonNull(c.slabinfo(), "SlabCache.slabinfo")), part));
    }

    /** What a snapshot part writes. */
    interface Part {
        void write(DataOutputStream part) throws IOException;
    }

    /** Writes {@code true} and what {@code part} wrote, or {@code false} when it threw. */
    static void snapshotPart(DataOutputStream out, Part part) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            part.write(new DataOutputStream(bytes));
        } catch (Wire.Gone gone) {
            throw gone;
        } catch (Throwable e) {
            out.writeBoolean(false);
            return;
        }
        out.writeBoolean(true);
        bytes.writeTo(out);
    }

    static void writeSizeClasses(List<org.kmemlab.api.spi.SizeClass> classes, DataOutputStream out)
            throws IOException {
        out.writeInt(classes.size());
        for (org.kmemlab.api.spi.SizeClass c : classes) {
            out.writeUTF(c.name());
            out.writeLong(c.size());
            out.writeBoolean(c.dma());
        }
    }

    static void writeSlabinfo(List<SlabInfo> rows, DataOutputStream out) throws IOException {
        out.writeInt(rows.size());
        for (SlabInfo r : rows) {
            out.writeUTF(r.name());
            out.writeLong(r.activeObjects());
            out.writeLong(r.totalObjects());
            out.writeLong(r.objectSize());
            out.writeLong(r.objectsPerSlab());
            out.writeLong(r.pagesPerSlab());
            out.writeLong(r.activeSlabs());
            out.writeLong(r.totalSlabs());
        }
    }

    static void writeZoneinfo(List<ZoneStats> zones, DataOutputStream out) throws IOException {
        out.writeInt(zones.size());
        for (ZoneStats z : zones) {
            out.writeInt(z.node());
            out.writeUTF(z.type().name());
            for (long v : new long[] {z.startPfn(), z.spanned(), z.present(), z.managed(), z.free(), z.min(),
                    z.low(), z.high(), z.promo()}) {
                out.writeLong(v);
            }
            writeLongs(z.protection(), out);
            writeLongs(z.freeBlocks(), out);
        }
    }

    static void writeLongs(long[] values, DataOutputStream out) throws IOException {
        out.writeInt(values.length);
        for (long v : values) {
            out.writeLong(v);
        }
    }
}
