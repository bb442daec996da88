package org.kmemlab.api;

import java.util.Locale;

/**
 * Integer arithmetic on sizes and orders, the way the kernel does it: shifts and masks, never floating
 * point, rounding up and never down.
 *
 * <p>An <em>order</em> is the base-two logarithm of a block size in pages: order 0 is one page, order 3
 * is eight contiguous pages. {@link #orderForBytes} is the kernel's {@code get_order()}.
 */
public final class Sizes {

    /** One kibibyte, 1024 bytes. */
    public static final long KiB = 1L << 10;
    /** One mebibyte. */
    public static final long MiB = 1L << 20;
    /** One gibibyte. */
    public static final long GiB = 1L << 30;

    private Sizes() {
    }

    /** Returns true when {@code value} is a positive power of two. */
    public static boolean isPowerOfTwo(long value) {
        return value > 0 && (value & (value - 1)) == 0;
    }

    /**
     * Returns the smallest power of two that is at least {@code value} (1 for values up to 1).
     *
     * @throws ArithmeticException when the result would not fit in a positive {@code long}
     */
    public static long roundUpToPowerOfTwo(long value) {
        if (value <= 1) {
            return 1;
        }
        int shift = 64 - Long.numberOfLeadingZeros(value - 1);
        if (shift >= 63) {
            throw new ArithmeticException("no power of two of at least " + value + " fits in a long");
        }
        return 1L << shift;
    }

    /** Returns {@code value} rounded up to a multiple of {@code alignment}, a power of two. */
    public static long alignUp(long value, long alignment) {
        long mask = alignment - 1;
        long result = (value + mask) & ~mask;
        if (Long.compareUnsigned(result, value) < 0) {
            throw new ArithmeticException("aligning 0x" + Long.toHexString(value) + " up overflows");
        }
        return result;
    }

    /** Returns {@code value} rounded down to a multiple of {@code alignment}, a power of two. */
    public static long alignDown(long value, long alignment) {
        return value & ~(alignment - 1);
    }

    /**
     * Returns the order of the smallest block of pages that holds {@code bytes} bytes: the kernel's
     * {@code get_order()}. One byte up to one page is order 0; one page plus one byte is order 1.
     *
     * @param bytes a positive number of bytes
     * @param pageShift log2 of the page size (12 for 4 KiB pages)
     */
    public static int orderForBytes(long bytes, int pageShift) {
        Checks.requireArgument(bytes > 0, "size %d must be positive", bytes);
        long pages = ((bytes - 1) >>> pageShift) + 1;
        return pages == 1 ? 0 : 64 - Long.numberOfLeadingZeros(pages - 1);
    }

    /** Returns log2 of a power of two. */
    public static int log2(long powerOfTwo) {
        Checks.requireArgument(isPowerOfTwo(powerOfTwo), "%d is not a power of two", powerOfTwo);
        return Long.numberOfTrailingZeros(powerOfTwo);
    }

    /**
     * Formats a byte count for people: exact multiples of GiB, MiB and KiB get that unit ({@code 16 MiB},
     * {@code 128 KiB}); anything else stays in bytes.
     */
    public static String human(long bytes) {
        if (bytes != 0 && bytes % GiB == 0) {
            return bytes / GiB + " GiB";
        }
        if (bytes != 0 && bytes % MiB == 0) {
            return bytes / MiB + " MiB";
        }
        if (bytes != 0 && bytes % KiB == 0) {
            return bytes / KiB + " KiB";
        }
        return bytes + " bytes";
    }

    /**
     * Parses a size such as {@code 16M}, {@code 16MiB}, {@code 1G}, {@code 4096} or {@code 64k}
     * (binary units; case does not matter).
     *
     * @throws IllegalArgumentException naming the text when it is not a size
     */
    public static long parse(String text) {
        Checks.requireNonNull(text, "size");
        String s = text.trim().toUpperCase(Locale.ROOT).replace("IB", "").replace("B", "");
        long unit = 1;
        if (!s.isEmpty()) {
            switch (s.charAt(s.length() - 1)) {
                case 'K' -> unit = KiB;
                case 'M' -> unit = MiB;
                case 'G' -> unit = GiB;
                case 'T' -> unit = GiB << 10;
                default -> unit = 1;
            }
        }
        String digits = unit == 1 ? s : s.substring(0, s.length() - 1).trim();
        String advice = ": write a number with an optional unit K, M, G or T (binary), for example 16M or 1G";
        long number;
        try {
            number = Long.parseLong(digits);
        } catch (NumberFormatException e) {
            boolean tooLong = digits.matches("[0-9]+");
            throw new IllegalArgumentException("'" + text + "' is " + (tooLong ? "too large" : "not a size") + advice, e);
        }
        Checks.requireArgument(number >= 0, "size '%s' is negative%s", text, advice);
        try {
            return Math.multiplyExact(number, unit);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("'" + text + "' is too large" + advice, e);
        }
    }
}
