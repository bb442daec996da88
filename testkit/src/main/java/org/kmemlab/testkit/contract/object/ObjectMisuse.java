package org.kmemlab.testkit.contract.object;

import org.kmemlab.api.bug.KernelBug;
import org.kmemlab.testkit.contract.Rule;
import org.kmemlab.testkit.contract.chain.Reports;
import org.kmemlab.testkit.contract.support.ContractPageSource;
import org.kmemlab.testkit.property.Action;
import org.kmemlab.testkit.property.InvariantViolation;

/**
 * A bad {@code free} or {@code usableSize}: the allocator MUST throw {@link KernelBug}, change nothing,
 * and go on working. Addresses are relative to a labelled object where they can be, so the action
 * survives shrinking; a call that happens to name a live object's start is legal and skipped.
 *
 * @param kind the kind of misuse
 * @param label the object it is relative to, or {@code null}
 * @param offset bytes added to the object's address, or to the unowned page's
 */
record ObjectMisuse(Kind kind, String label, long offset) implements Action<ObjectState> {

    /** The kinds of misuse. */
    enum Kind {
        /** {@code free} of an object already freed. */
        DOUBLE_FREE("already free"),
        /** {@code free} of an address inside a live object. */
        INTERIOR_FREE("inside a live object, not its start"),
        /** {@code free} of an address in a page the allocator does not hold. */
        UNOWNED_FREE("in a page the allocator does not hold"),
        /** {@code usableSize} of a freed object. */
        USABLE_SIZE_OF_FREED("already free"),
        /** {@code usableSize} of an address inside a live object. */
        USABLE_SIZE_OF_INTERIOR("inside a live object, not its start"),
        /**
         * {@code free} of an address in one of the allocator's pages that is no live object's start: a
         * page descriptor, a header, slack at the end of the page, a free slot, or inside an object. The
         * offset is from the first page of the block that holds the labelled live object.
         */
        NON_OBJECT_FREE("in one of the allocator's pages but no live object's start (a header, slack, a free"
                + " slot or inside an object)"),
        /** {@code usableSize} of such an address. */
        USABLE_SIZE_OF_NON_OBJECT("in one of the allocator's pages but no live object's start (a header, slack,"
                + " a free slot or inside an object)");

        private final String words;

        Kind(String words) {
            this.words = words;
        }
    }

    /** Returns the rule this misuse checks: a bad free, or usableSize of something not a live object. */
    Rule rule() {
        return freeing() ? Rule.OBJECT_BAD_FREE : Rule.OBJECT_BAD_USABLE_SIZE;
    }

    private boolean freeing() {
        return kind == Kind.DOUBLE_FREE || kind == Kind.INTERIOR_FREE || kind == Kind.UNOWNED_FREE
                || kind == Kind.NON_OBJECT_FREE;
    }

    @Override
    public String describe() {
        String method = freeing() ? "free" : "usableSize";
        return switch (kind) {
            case DOUBLE_FREE -> "free(" + label + ") again";
            case USABLE_SIZE_OF_FREED -> "usableSize(" + label + ") after free(" + label + ")";
            case INTERIOR_FREE, USABLE_SIZE_OF_INTERIOR -> method + "(" + label + " + " + offset + ")";
            case UNOWNED_FREE -> method + "(an address " + offset + " bytes into a page the allocator does not hold)";
            case NON_OBJECT_FREE, USABLE_SIZE_OF_NON_OBJECT -> method + "(the page of " + label + " + " + offset + ")";
        } + "  [" + kind.words + "]";
    }

    @Override
    public boolean precondition(ObjectState s) {
        long addr = resolve(s);
        return addr != 0 && !s.byAddress.containsKey(addr);
    }

    private long resolve(ObjectState s) {
        switch (kind) {
            case DOUBLE_FREE:
            case USABLE_SIZE_OF_FREED: {
                LiveObject dead = s.live.containsKey(label) ? null : s.freed.get(label);
                return dead == null ? 0 : dead.addr();
            }
            case INTERIOR_FREE:
            case USABLE_SIZE_OF_INTERIOR: {
                LiveObject o = s.live.get(label);
                return o == null || offset <= 0 || offset >= o.usable() ? 0 : o.addr() + offset;
            }
            case NON_OBJECT_FREE:
            case USABLE_SIZE_OF_NON_OBJECT: {
                LiveObject o = s.live.get(label);
                ContractPageSource.Block block = o == null ? null : s.source.blockHolding(o.addr(), 1);
                return block == null || offset >= (1L << block.order()) * s.machine.pageSize() ? 0
                        : s.machine.pfnToVirt(block.pfn()) + offset;
            }
            default: {
                long page = s.source.unownedPage(false);
                return page == 0 ? 0 : page + offset;
            }
        }
    }

    @Override
    public String run(ObjectState s) {
        long addr = resolve(s);
        ObjectState.Snapshot before = s.snapshot();
        String call = (freeing() ? "free(" : "usableSize(") + ObjectActions.hex(addr) + ")";
        try {
            if (freeing()) {
                s.sut.free(addr);
            } else {
                long usable = s.sut.usableSize(addr);
                throw rule().violation(call + " of an address " + kind.words + " must raise KernelBug",
                        "a KernelBug such as InvalidFreeBug", "returned " + usable);
            }
        } catch (KernelBug bug) {
            ObjectState.Snapshot after = s.snapshot();
            if (!before.equals(after)) {
                throw rule().violation(call + " raised KernelBug but changed the allocator's state",
                        before + " (unchanged)", after.toString());
            }
            return call + ": " + Reports.headline(bug);
        } catch (InvariantViolation v) {
            throw v;
        } catch (RuntimeException e) {
            throw rule().violation(call + " of an address " + kind.words + " must raise KernelBug",
                    "a KernelBug such as DoubleFreeBug or InvalidFreeBug", Reports.thrown(e), e);
        }
        throw rule().violation(call + " of an address " + kind.words + " must raise KernelBug",
                "a KernelBug such as DoubleFreeBug or InvalidFreeBug", "returned normally (the free was accepted)");
    }
}
