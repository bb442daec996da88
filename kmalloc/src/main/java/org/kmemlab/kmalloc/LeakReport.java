package org.kmemlab.kmalloc;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.kmemlab.api.Checks;

/**
 * A leak report in the manner of kmemleak: the live allocations that nothing points to.
 *
 * <h2>How kmemleak decides what is leaked</h2>
 * It scans memory for values that look like pointers. An object is referenced when a pointer to it (or
 * into it) is found in a root (the kernel's data, its stacks) or in another referenced object; the
 * objects no scan reaches are reported as {@code unreferenced}. Here the roots are what the caller still
 * holds, which lives in Java variables the scan cannot see, so the caller names them: every address
 * passed to {@link Kernel#leakReport(long...)} is a root. Each reached object (a kmalloc object or a
 * vmalloc area) is then read word by word (8 bytes on x86_64, 4 on i386), and every word that points
 * into a live object marks that object too: a list whose head is a root is wholly referenced.
 *
 * <p>Worked example: {@code a} is a root and holds a pointer to {@code b}; {@code c} holds a pointer to
 * {@code b} but nothing points to {@code c}. The report lists {@code c} only.
 *
 * <p>Each entry reads like kmemleak's:
 * <pre>
 * unreferenced object 0xffff888000a01040 (size 64):
 *   comm "main", pid 1, jiffies 1234
 *   hex dump (first 32 bytes):
 *     5a 5a 5a 5a 5a 5a 5a 5a 5a 5a 5a 5a 5a 5a 5a 5a  ZZZZZZZZZZZZZZZZ
 *     5a 5a 5a 5a 5a 5a 5a 5a 5a 5a 5a 5a 5a 5a 5a 5a  ZZZZZZZZZZZZZZZZ
 *   backtrace:
 *     Driver.probe(Driver.java:42)
 *     Driver.init(Driver.java:17)
 * </pre>
 * The backtrace needs user tracking ({@code U}); without it the entry says so.
 */
final class LeakReport {

    /** One candidate: a kmalloc object or a vmalloc area. */
    private record Block(long addr, long size, String comm, long pid, long jiffies, CallSite site) {
    }

    private final Kernel kernel;
    private final TreeMap<Long, Block> blocks = new TreeMap<>(Long::compareUnsigned);

    LeakReport(Kernel kernel, SlabDebug debug, List<Vmalloc.Area> areas) {
        this.kernel = kernel;
        for (DebugObject o : debug.liveObjects()) {
            blocks.put(o.addr, new Block(o.addr, o.size, o.allocComm, o.allocPid, debug.jiffies(o.allocNanos),
                    o.allocSite));
        }
        for (Vmalloc.Area a : areas) {
            blocks.put(a.start, new Block(a.start, a.requested, a.comm, a.pid, debug.jiffies(a.nanos), a.caller));
        }
    }

    /** Returns the block containing {@code addr}, or null. */
    private Block containing(long addr) {
        var e = blocks.floorEntry(addr);
        return e != null && Long.compareUnsigned(addr - e.getKey(), e.getValue().size()) < 0 ? e.getValue() : null;
    }

    /** Scans from {@code roots} and returns the report of unreferenced blocks (empty when there are none). */
    String scan(long[] roots) {
        int word = kernel.machine().profile().pageTableLevels() == 2 ? 4 : 8;
        java.util.Set<Long> reached = new java.util.HashSet<>();
        ArrayDeque<Block> work = new ArrayDeque<>();
        for (long root : roots) {
            Block b = containing(root);
            if (b != null && reached.add(b.addr())) {
                work.add(b);
            }
        }
        while (!work.isEmpty()) {
            Block b = work.poll();
            for (long off = 0; off + word <= b.size(); off += word) {
                long value = word == 8 ? kernel.readLong(b.addr() + off) : kernel.readInt(b.addr() + off) & 0xffff_ffffL;
                Block target = containing(value);
                if (target != null && reached.add(target.addr())) {
                    work.add(target);
                }
            }
        }
        StringBuilder out = new StringBuilder();
        List<Block> leaked = new ArrayList<>();
        for (Block b : blocks.values()) {
            if (!reached.contains(b.addr())) {
                leaked.add(b);
            }
        }
        for (Block b : leaked) {
            entry(out, b);
        }
        if (!leaked.isEmpty()) {
            out.append(Checks.format("kmemleak: %d new suspected memory leaks (see /sys/kernel/debug/kmemleak)%n",
                    leaked.size()));
        }
        return out.toString();
    }

    private void entry(StringBuilder out, Block b) {
        out.append(Checks.format("unreferenced object 0x%x (size %d):%n", b.addr(), b.size()));
        out.append(Checks.format("  comm \"%s\", pid %d, jiffies %d%n", b.comm(), b.pid(), b.jiffies()));
        int n = (int) Math.min(32, b.size());
        byte[] bytes = new byte[n];
        kernel.read(b.addr(), bytes, 0, n);
        out.append(Checks.format("  hex dump (first %d bytes):%n", n));
        for (int row = 0; row < n; row += 16) {
            StringBuilder hex = new StringBuilder();
            StringBuilder text = new StringBuilder();
            for (int i = row; i < Math.min(n, row + 16); i++) {
                hex.append(Checks.format("%02x ", bytes[i] & 0xff));
                text.append(bytes[i] >= 0x20 && bytes[i] < 0x7f ? (char) bytes[i] : '.');
            }
            out.append("    ").append(Checks.format("%-48s", hex)).append(' ').append(text).append('\n');
        }
        out.append("  backtrace:\n");
        if (b.site() == null) {
            out.append("    (not recorded: boot with slab_debug U to record call sites)\n");
        } else {
            for (String frame : b.site().frames()) {
                out.append("    ").append(frame).append('\n');
            }
        }
    }
}
