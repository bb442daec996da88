package org.kmemlab.examples.trace;

import org.kmemlab.api.Gfp;

/**
 * The {@code gfp_flags=} field of a real kernel's trace, mapped onto the flags kmemlab simulates.
 *
 * <p>Real traces name flags this simulation does not have: accounting ({@code __GFP_ACCOUNT},
 * {@code GFP_KERNEL_ACCOUNT}), placement ({@code __GFP_THISNODE}, {@code __GFP_HARDWALL}) and
 * user-space bases ({@code GFP_USER}, {@code GFP_HIGHUSER_MOVABLE}). Modifiers are dropped; bases become
 * {@code GFP_KERNEL}, whose behaviour (may sleep, may reclaim) is what they share. Anything else that is
 * not a flag is an error.
 */
final class FtraceGfp {

    private FtraceGfp() {
    }

    /**
     * Parses {@code text}.
     *
     * @throws TraceFormatException when a part is neither a known flag nor a modifier to drop
     */
    static int parse(String text, String file, int line) throws TraceFormatException {
        if (text.equals("0") || text.equalsIgnoreCase("none")) {
            return 0;
        }
        int gfp = 0;
        for (String part : text.split("\\|")) {
            switch (part) {
                case "GFP_KERNEL_ACCOUNT", "GFP_USER", "GFP_HIGHUSER", "GFP_HIGHUSER_MOVABLE", "GFP_TRANSHUGE",
                     "GFP_TRANSHUGE_LIGHT" -> gfp |= Gfp.GFP_KERNEL;
                default -> {
                    if (part.startsWith("__GFP_") && !isKnown(part)) {
                        continue;
                    }
                    try {
                        gfp |= Gfp.parse(part);
                    } catch (IllegalArgumentException e) {
                        throw new TraceFormatException(file, line, "expected gfp_flags= as GFP names joined by '|'"
                                + " (GFP_KERNEL|__GFP_ZERO) or a hex mask, found " + TraceParser.quote(part));
                    }
                }
            }
        }
        return gfp;
    }

    private static boolean isKnown(String part) {
        try {
            Gfp.parse(part);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
