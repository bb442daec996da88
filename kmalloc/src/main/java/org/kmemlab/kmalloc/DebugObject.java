package org.kmemlab.kmalloc;

import org.kmemlab.api.Checks;

/**
 * What debugging records about one kmalloc object: where its slot is, where the caller's bytes are,
 * and, with user tracking on, who allocated and who freed it ({@code struct track} in SLUB).
 *
 * <p>Layout of a slot (the block the object allocator handed out) with red zones:
 * <pre>
 *   slot                addr = slot + 16                 addr + size             slot + slotSize
 *   |<- left red zone ->|<------- the caller's object ------->|<-- right red zone -->|
 *   |  16 bytes, 0xcc   |  size bytes: 0x5a new, 0x6b freed   |  0xcc (0xbb freed)    |
 *   |  (0xbb when free) |  with 0xa5 as the last freed byte   |  at least 16 bytes    |
 * </pre>
 * The right red zone runs to the end of the slot, so even a one-byte overflow of a 60-byte request in a
 * 96-byte slot lands in it. Without red zones {@code addr == slot}.
 */
final class DebugObject {

    final long slot;
    final long slotSize;
    final long addr;
    final long size;
    final String cache;
    CallSite allocSite;
    long allocNanos;
    long allocPid;
    String allocComm;
    CallSite freeSite;
    long freeNanos;
    long freePid;

    DebugObject(long slot, long slotSize, long addr, long size, String cache) {
        this.slot = slot;
        this.slotSize = slotSize;
        this.addr = addr;
        this.size = size;
        this.cache = cache;
    }

    /** Returns the first byte after the caller's object: the start of the right red zone. */
    long end() {
        return addr + size;
    }

    /** Records the allocating (or, with {@code free}, the freeing) task and time; site null unless tracked. */
    void track(boolean free, CallSite site, long nanos) {
        Thread t = Thread.currentThread();
        if (free) {
            freeSite = site;
            freeNanos = nanos;
            freePid = t.getId();
        } else {
            allocSite = site;
            allocNanos = nanos;
            allocPid = t.getId();
            allocComm = t.getName();
        }
    }

    /**
     * Returns SLUB's track lines, {@code INFO: Allocated in <site> age=<ms> cpu=<n> pid=<id>} and the
     * same for {@code Freed}; empty when call sites were not recorded (no {@code U} option).
     */
    String trackLines(long nowNanos) {
        StringBuilder out = new StringBuilder();
        if (allocSite != null) {
            out.append(line("Allocated", allocSite, nowNanos - allocNanos, allocPid));
        }
        if (freeSite != null) {
            out.append('\n').append(line("Freed", freeSite, nowNanos - freeNanos, freePid));
        }
        return out.toString();
    }

    private static String line(String what, CallSite site, long ageNanos, long pid) {
        return Checks.format("INFO: %s in %s age=%d cpu=%d pid=%d", what, site.site(), ageNanos / 1_000_000,
                cpuOf(pid), pid);
    }

    /** The simulated CPU a task runs on: threads play CPUs, by thread id. */
    static int cpuOf(long pid) {
        return (int) (pid % Runtime.getRuntime().availableProcessors());
    }

    /** Returns {@code INFO: Object 0x… @offset=16 size=64 slot=0x…-0x…}. */
    String objectLine() {
        return Checks.format("INFO: Object 0x%x @offset=%d size=%d in slot 0x%x-0x%x of %s", addr, addr - slot, size,
                slot, slot + slotSize - 1, cache);
    }
}
