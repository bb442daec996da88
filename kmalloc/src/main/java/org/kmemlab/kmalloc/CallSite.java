package org.kmemlab.kmalloc;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Where kernel code called an allocator: the Java frames above the kernel's own, innermost first. The
 * kernel's reports print the first as the call site ({@code INFO: Allocated in Driver.probe(Driver.java:42)
 * age=…}, the caller column of {@code /proc/vmallocinfo}) and all of them as a backtrace.
 *
 * <h2>Which frames are the caller's</h2>
 * The walk skips every frame of this package's classes except test classes (top-level names ending in
 * {@code Tests}), so a call through {@code Kernel.kzalloc → Kernel.kmalloc → SlabDebug…} is attributed to
 * the code that called {@code kzalloc}.
 *
 * <h2>Cost</h2>
 * A capture walks the stack ({@link StackWalker}); the frames are turned into text (which needs their
 * line numbers, the expensive part) only when a report prints them. The kernel captures only where a
 * report may need it: every vmalloc (Linux records {@code __builtin_return_address(0)} there too), every
 * kmalloc and kfree when debugging with user tracking ({@code U}) is on, and fault-injection decisions
 * when a call-site filter is set. With all of that off, nothing is captured.
 *
 * @param stack the caller's frames, innermost first; empty when the walk saw no caller
 */
record CallSite(List<StackWalker.StackFrame> stack) {

    private static final StackWalker WALKER = StackWalker.getInstance();
    private static final String PACKAGE = CallSite.class.getPackageName() + ".";

    /** Captures the calling code's frames, at most {@code depth}. */
    static CallSite capture(int depth) {
        return new CallSite(WALKER.walk(s -> s.filter(f -> !isKernelFrame(f)).limit(depth)
                .collect(Collectors.toUnmodifiableList())));
    }

    private static boolean isKernelFrame(StackWalker.StackFrame f) {
        String name = f.getClassName();
        if (!name.startsWith(PACKAGE)) {
            return false;
        }
        int nested = name.indexOf('$');
        String topLevel = nested < 0 ? name : name.substring(0, nested);
        return !topLevel.endsWith("Tests");
    }

    /** Returns the frames as text, innermost first: {@code Driver.probe(Driver.java:42)}. */
    List<String> frames() {
        if (stack.isEmpty()) {
            return List.of("(unknown)");
        }
        List<String> out = new ArrayList<>(stack.size());
        for (StackWalker.StackFrame f : stack) {
            String cls = f.getClassName();
            out.add(cls.substring(cls.lastIndexOf('.') + 1) + "." + f.getMethodName() + "(" + f.getFileName() + ":"
                    + f.getLineNumber() + ")");
        }
        return out;
    }

    /** Returns the innermost caller frame as text: the call site. */
    String site() {
        return frames().get(0);
    }

    /**
     * Returns true when some frame matches one of {@code filters}: a filter names a method
     * ({@code Driver.probe}, {@code org.x.Driver.probe}) or a class ({@code Driver}, {@code org.x.Driver},
     * a nested class by its own name).
     */
    boolean matches(Set<String> filters) {
        for (StackWalker.StackFrame f : stack) {
            String cls = f.getClassName();
            String simple = cls.substring(cls.lastIndexOf('.') + 1);
            String innermost = simple.substring(simple.lastIndexOf('$') + 1);
            String method = f.getMethodName();
            if (filters.contains(cls) || filters.contains(simple) || filters.contains(innermost)
                    || filters.contains(cls + "." + method) || filters.contains(simple + "." + method)
                    || filters.contains(innermost + "." + method)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return site();
    }
}
