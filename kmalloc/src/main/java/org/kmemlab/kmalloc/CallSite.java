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
 * A capture walks the stack ({@link StackWalker}), some microseconds. The kernel captures only where a
 * report needs it: every vmalloc (Linux records {@code __builtin_return_address(0)} there too), every
 * kmalloc and kfree when debugging with user tracking ({@code U}) is on, and fault-injection decisions
 * when a call-site filter is set. With all of that off, nothing is captured.
 *
 * @param frames the caller's frames, innermost first, each as {@code Class.method(File.java:line)}
 * @param classes the fully qualified class and method of each frame ({@code org.x.Driver.probe})
 */
record CallSite(List<String> frames, List<String> classes) {

    /** The site of a caller the walk could not see (the kernel was called from its own code). */
    static final CallSite UNKNOWN = new CallSite(List.of("(unknown)"), List.of("(unknown)"));

    private static final StackWalker WALKER = StackWalker.getInstance();
    private static final String PACKAGE = CallSite.class.getPackageName() + ".";

    /** Captures the calling code's frames, at most {@code depth}. */
    static CallSite capture(int depth) {
        List<StackWalker.StackFrame> frames = WALKER.walk(s -> s.filter(f -> !isKernelFrame(f)).limit(depth)
                .collect(Collectors.toList()));
        if (frames.isEmpty()) {
            return UNKNOWN;
        }
        List<String> shown = new ArrayList<>(frames.size());
        List<String> qualified = new ArrayList<>(frames.size());
        for (StackWalker.StackFrame f : frames) {
            String simple = f.getClassName();
            simple = simple.substring(simple.lastIndexOf('.') + 1);
            shown.add(simple + "." + f.getMethodName() + "(" + f.getFileName() + ":" + f.getLineNumber() + ")");
            qualified.add(f.getClassName() + "." + f.getMethodName());
        }
        return new CallSite(List.copyOf(shown), List.copyOf(qualified));
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

    /** Returns the innermost caller frame: the call site. */
    String site() {
        return frames.get(0);
    }

    /**
     * Returns true when some frame matches one of {@code filters}: a filter names a method
     * ({@code Driver.probe}, {@code org.x.Driver.probe}) or a class ({@code Driver}, {@code org.x.Driver}).
     */
    boolean matches(Set<String> filters) {
        for (String q : classes) {
            int dot = q.lastIndexOf('.');
            String cls = dot < 0 ? q : q.substring(0, dot);
            String simpleCls = cls.substring(cls.lastIndexOf('.') + 1);
            String simpleCls2 = simpleCls.substring(simpleCls.lastIndexOf('$') + 1);
            String method = q.substring(dot + 1);
            if (filters.contains(q) || filters.contains(cls) || filters.contains(simpleCls)
                    || filters.contains(simpleCls2) || filters.contains(simpleCls + "." + method)
                    || filters.contains(simpleCls2 + "." + method)) {
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
