package org.kmemlab.testkit.contract.chain;

import org.kmemlab.api.Gfp;

/**
 * What a page request made on behalf of an allocation may allow (rules {@code object.page-gfp} and
 * {@code slab.page-gfp}): an object allocator or slab cache that needs a page asks the page source with
 * the caller's gfp, so it must not grant itself what the caller did not: sleeping in direct reclaim, the
 * atomic reserves, a promise never to fail, or the emergency reserves. A {@code GFP_ATOMIC} kmalloc whose
 * allocator asks for its page with {@code GFP_KERNEL} sleeps in atomic context on a real kernel.
 */
public final class PageGfp {

    /** The bits a page request may carry only when the allocation it serves carries them. */
    public static final int PERMISSIONS = Gfp.__GFP_DIRECT_RECLAIM | Gfp.__GFP_HIGH | Gfp.__GFP_NOFAIL
            | Gfp.__GFP_MEMALLOC;

    private PageGfp() {
    }

    /**
     * Returns the bits the page requests ({@code requested}, ORed) allowed although the allocation's
     * {@code gfp} did not, or 0.
     */
    public static int beyond(int gfp, int requested) {
        return requested & ~gfp & PERMISSIONS;
    }

    /** Describes the excess for a report: {@code __GFP_DIRECT_RECLAIM (sleeping)}. */
    public static String describe(int excess) {
        StringBuilder out = new StringBuilder();
        name(out, excess, Gfp.__GFP_DIRECT_RECLAIM, "__GFP_DIRECT_RECLAIM (sleeping)");
        name(out, excess, Gfp.__GFP_HIGH, "__GFP_HIGH (the atomic reserves)");
        name(out, excess, Gfp.__GFP_NOFAIL, "__GFP_NOFAIL");
        name(out, excess, Gfp.__GFP_MEMALLOC, "__GFP_MEMALLOC (the emergency reserves)");
        return out.toString();
    }

    private static void name(StringBuilder out, int bits, int bit, String text) {
        if ((bits & bit) != 0) {
            out.append(out.length() == 0 ? "" : ", ").append(text);
        }
    }
}
