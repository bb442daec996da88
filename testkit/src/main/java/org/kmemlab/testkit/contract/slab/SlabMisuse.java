package org.kmemlab.testkit.contract.slab;

import static org.kmemlab.testkit.contract.slab.SlabState.hex;

import org.kmemlab.api.bug.CorruptionBug;
import org.kmemlab.api.bug.KernelBug;
import org.kmemlab.api.spi.SlabFlags;
import org.kmemlab.testkit.contract.Rule;
import org.kmemlab.testkit.property.Action;

/**
 * A wrong call that the cache MUST refuse with a {@link KernelBug}, changing nothing: the second free of
 * an object, a free of a pointer into an object, of a page the cache never had, of another cache's
 * object, and a destroy while objects are live.
 *
 * @param kind which misuse
 * @param label the object concerned (freed or live), or null
 * @param offset the offset into the object or page
 */
record SlabMisuse(Kind kind, String label, long offset) implements Action<SlabState> {

    /** The kinds of misuse. */
    enum Kind {
        DOUBLE_FREE, INTERIOR_FREE, UNOWNED_FREE, WRONG_CACHE_FREE, DESTROY_WITH_LIVE
    }

    @Override
    public String describe() {
        return switch (kind) {
            case DOUBLE_FREE -> "free(" + label + ")  [again]";
            case INTERIOR_FREE -> "free(" + label + " + " + offset + ")";
            case UNOWNED_FREE -> "free(page never handed out + " + offset + ")";
            case WRONG_CACHE_FREE -> "free(object of another cache)";
            case DESTROY_WITH_LIVE -> "destroy()  [objects still live]";
        };
    }

    @Override
    public boolean precondition(SlabState s) {
        if (s.destroyed) {
            return false;
        }
        return switch (kind) {
            case DOUBLE_FREE -> s.freed.containsKey(label);
            case INTERIOR_FREE -> s.live.containsKey(label) && offset > 0 && offset < s.config.size();
            case UNOWNED_FREE -> s.source.unownedPage(false) != 0;
            case WRONG_CACHE_FREE -> s.other != null;
            case DESTROY_WITH_LIVE -> !s.live.isEmpty();
        };
    }

    private long address(SlabState s) {
        return switch (kind) {
            case DOUBLE_FREE -> s.freed.get(label);
            case INTERIOR_FREE -> s.live.get(label) + offset;
            case UNOWNED_FREE -> s.source.unownedPage(false) + offset;
            case WRONG_CACHE_FREE -> s.otherObject;
            case DESTROY_WITH_LIVE -> 0;
        };
    }

    @Override
    public String run(SlabState s) {
        String before = s.snapshot();
        long addr = address(s);
        String call = kind == Kind.DESTROY_WITH_LIVE ? "destroy() with " + s.live.size() + " live objects"
                : "free(" + hex(addr) + ")";
        KernelBug bug;
        try {
            if (kind == Kind.DESTROY_WITH_LIVE) {
                s.sut.destroy();
            } else {
                s.sut.free(addr);
            }
            bug = null;
        } catch (KernelBug e) {
            bug = e;
        }
        if (bug == null) {
            if (kind == Kind.DESTROY_WITH_LIVE) {
                s.destroyed = true;
            }
            throw rule().violation(why() + ": " + call + " must raise KernelBug", "KernelBug", "returned normally");
        }
        if (kind == Kind.DESTROY_WITH_LIVE) {
            String expected = "kmem_cache_destroy " + s.config.name() + ": Slab cache still has objects";
            if (!bug.headline().equals(expected)) {
                throw Rule.SLAB_DESTROY_LIVE.violation("destroy() with live objects must report it as Linux does", expected,
                        bug.headline());
            }
        }
        String after = s.snapshot();
        if (!before.equals(after)) {
            throw rule().violation("a refused " + call + " must change nothing", before + " (unchanged)", after);
        }
        return SlabActions.bug(bug);
    }

    /** The rule a misuse breaks when the cache lets it through: destroy's, or free's. */
    private Rule rule() {
        return kind == Kind.DESTROY_WITH_LIVE ? Rule.SLAB_DESTROY_LIVE : Rule.SLAB_BAD_FREE;
    }

    private String why() {
        return switch (kind) {
            case DOUBLE_FREE -> "the object " + label + " is already free";
            case INTERIOR_FREE -> "the address points " + offset + " bytes into object " + label;
            case UNOWNED_FREE -> "the page was never given to this cache";
            case WRONG_CACHE_FREE -> "the object belongs to another cache";
            case DESTROY_WITH_LIVE -> "objects are still live";
        };
    }

    /** Writes one byte into a free, poisoned object: a use after free the next allocation of it must report. */
    record WriteAfterFree(String label, long offset) implements Action<SlabState> {

        @Override
        public String describe() {
            return "write 0x00 at " + label + " + " + offset + "  [after free(" + label + ")]";
        }

        @Override
        public boolean precondition(SlabState s) {
            return !s.destroyed && s.freed.containsKey(label) && offset < s.config.size() && s.config.poisons();
        }

        @Override
        public String run(SlabState s) {
            long addr = s.freed.get(label);
            s.machine.memory().writeByte(s.machine.pa(addr + offset), (byte) 0);
            s.corrupted.putIfAbsent(addr, offset);
            return "";
        }
    }

    /** Writes one byte past the end of a live object, then frees it: the free must report the red zone. */
    record Overrun(String label, int offset) implements Action<SlabState> {

        @Override
        public String describe() {
            return "write 0x00 at " + label + " + " + offset + " (past its end); free(" + label + ")";
        }

        @Override
        public boolean precondition(SlabState s) {
            return !s.destroyed && s.live.containsKey(label) && s.config.redZones();
        }

        @Override
        public String run(SlabState s) {
            long addr = s.live.get(label);
            long redZone = SlabActions.redZoneAddress(s, addr);
            long at = redZone + Math.floorMod(offset, SlabFlags.RED_ZONE_SIZE);
            s.machine.memory().writeByte(s.machine.pa(at), (byte) 0);
            String before = s.snapshot();
            try {
                s.sut.free(addr);
            } catch (CorruptionBug bug) {
                String after = s.snapshot();
                if (!before.equals(after)) {
                    throw Rule.SLAB_RED_ZONE_CHECK.violation("a free that reports an overwritten red zone must leave the object"
                            + " live and change nothing", before + " (unchanged)", after);
                }
                String wrong = SlabActions.mismatch(s, redZone, SlabFlags.RED_ZONE_SIZE, SlabFlags.RED_ACTIVE);
                if (wrong != null) {
                    throw Rule.SLAB_RED_ZONE_CHECK.violation("after reporting an overwritten red zone the cache must restore it",
                            "0xcc", wrong + " of the red zone of " + hex(addr));
                }
                return SlabActions.bug(bug);
            } catch (KernelBug bug) {
                throw Rule.SLAB_RED_ZONE_CHECK.violation("free of an object whose red zone was overwritten must raise"
                        + " CorruptionBug", "CorruptionBug (Right Redzone overwritten)", SlabActions.bug(bug));
            }
            s.live.remove(label);
            throw Rule.SLAB_RED_ZONE_CHECK.violation("with SLAB_RED_ZONE, free must check the red zone: byte " + (at - addr)
                    + " of " + label + " (past its " + s.config.size() + " bytes) was overwritten",
                    "CorruptionBug (Right Redzone overwritten)", "free returned normally");
        }
    }
}
