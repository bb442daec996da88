package org.kmemlab.testkit.rules;

import java.lang.module.ModuleDescriptor;
import java.util.HashSet;
import java.util.Set;

/**
 * Which classes and members of the JDK a submission may not touch, and which rule each one breaks.
 *
 * <h2>The lists</h2>
 * A class outside the submission is allowed when its package is {@code org.kmemlab.api} (or below it) or
 * one of the packages {@code java.base} exports to everybody, and it is not on one of these lists:
 * <ul>
 *   <li><b>reflection</b>: {@code java.lang.reflect..}, {@code java.lang.invoke..} (method handles, var
 *       handles), {@code java.lang.module..}, {@code ClassLoader} and {@code SecureClassLoader},
 *       {@code Module}, {@code ModuleLayer}; and the members of {@code java.lang.Class} that look classes
 *       or members up by name or load them: {@code forName}, {@code getDeclaredField(s)},
 *       {@code getDeclaredMethod(s)}, {@code getDeclaredConstructor(s)}, {@code getField(s)},
 *       {@code getMethod(s)}, {@code getConstructor(s)}, {@code getRecordComponents}, {@code newInstance},
 *       {@code getClassLoader}, {@code getModule}. ({@code getClass()} and {@code getSimpleName()} stay
 *       allowed: a {@code toString} may name its class.)</li>
 *   <li><b>threads</b>: {@code Thread} and its nested types (except {@code currentThread()},
 *       {@code getName()}, {@code getId()}/{@code threadId()}, {@code holdsLock} and the interrupt methods,
 *       which a waiting allocation needs), {@code ThreadGroup}, {@code java.util.Timer}
 *       and {@code TimerTask}, {@code java.lang.ref.Cleaner} (it runs a thread), and from
 *       {@code java.util.concurrent} every executor, thread factory, fork/join type, {@code FutureTask}
 *       and {@code CompletableFuture}; also the calls that run work on the common fork/join pool:
 *       {@code parallelStream()}, {@code Stream.parallel()} and {@code Arrays.parallel*}. Locks, conditions,
 *       atomics and concurrent collections stay allowed: a zone allocator must be thread-safe.</li>
 *   <li><b>file and network I/O</b>: {@code java.io.File*}, {@code RandomAccessFile}, {@code Console},
 *       {@code java.nio.file..}, {@code java.nio.channels..}, {@code java.net..}, {@code javax.net..};
 *       {@code Class.getResource(AsStream)} and {@code System.console()}. Printing to {@code System.out}
 *       stays allowed (students debug that way; the grader caps the output).</li>
 *   <li><b>exit</b>: {@code System.exit}, {@code Runtime.exit}, {@code Runtime.halt}, shutdown hooks,
 *       {@code System.setIn/setOut/setErr}, {@code System.setProperty/setProperties/clearProperty} and
 *       {@code System.setSecurityManager}.</li>
 *   <li><b>processes</b>: {@code ProcessBuilder}, {@code Process}, {@code ProcessHandle},
 *       {@code Runtime.exec}, and loading native code ({@code System.load(Library)},
 *       {@code Runtime.load(Library)}).</li>
 * </ul>
 * The package list of {@code java.base} is read from the running JDK, so it follows the JDK the grader
 * runs on.
 */
final class ForbiddenApis {

    /** The packages java.base exports to every module. */
    private static final Set<String> JAVA_BASE_PACKAGES = javaBaseExports();

    private static final Set<String> REFLECTION_PACKAGES = Set.of(
            "java.lang.reflect", "java.lang.invoke", "java.lang.module");
    private static final Set<String> REFLECTION_CLASSES = Set.of(
            "java.lang.ClassLoader", "java.security.SecureClassLoader", "java.lang.Module",
            "java.lang.ModuleLayer");
    private static final Set<String> REFLECTIVE_CLASS_MEMBERS = Set.of(
            "forName", "getDeclaredField", "getDeclaredFields", "getDeclaredMethod", "getDeclaredMethods",
            "getDeclaredConstructor", "getDeclaredConstructors", "getField", "getFields", "getMethod",
            "getMethods", "getConstructor", "getConstructors", "getRecordComponents", "newInstance",
            "getClassLoader", "getModule");

    private static final Set<String> THREAD_CLASSES = Set.of(
            "java.lang.Thread", "java.lang.ThreadGroup", "java.util.Timer", "java.util.TimerTask",
            "java.lang.ref.Cleaner",
            "java.util.concurrent.Executor", "java.util.concurrent.ExecutorService",
            "java.util.concurrent.ScheduledExecutorService", "java.util.concurrent.Executors",
            "java.util.concurrent.AbstractExecutorService", "java.util.concurrent.ThreadPoolExecutor",
            "java.util.concurrent.ScheduledThreadPoolExecutor", "java.util.concurrent.ThreadFactory",
            "java.util.concurrent.ForkJoinPool", "java.util.concurrent.ForkJoinTask",
            "java.util.concurrent.ForkJoinWorkerThread", "java.util.concurrent.RecursiveAction",
            "java.util.concurrent.RecursiveTask", "java.util.concurrent.CountedCompleter",
            "java.util.concurrent.CompletableFuture", "java.util.concurrent.CompletionService",
            "java.util.concurrent.ExecutorCompletionService", "java.util.concurrent.FutureTask");

    /**
     * The members of {@code Thread} a submission may still use: naming the current thread in a report
     * (the kernel prints the task's name in its warnings) and the interrupt protocol of a thread that waits
     * on a condition ({@code Thread.currentThread().interrupt()} after an {@code InterruptedException}).
     */
    private static final Set<String> HARMLESS_THREAD_MEMBERS = Set.of(
            "currentThread", "getName", "interrupt", "interrupted", "isInterrupted", "getId", "threadId",
            "holdsLock");

    private static final Set<String> IO_PACKAGES = Set.of(
            "java.nio.file", "java.nio.channels", "java.net", "javax.net");
    private static final Set<String> IO_CLASSES = Set.of(
            "java.io.RandomAccessFile", "java.io.Console");

    private static final Set<String> EXIT_SYSTEM_MEMBERS = Set.of(
            "exit", "setIn", "setOut", "setErr", "setProperty", "setProperties", "clearProperty",
            "setSecurityManager");
    private static final Set<String> EXIT_RUNTIME_MEMBERS = Set.of(
            "exit", "halt", "addShutdownHook", "removeShutdownHook");

    private static final Set<String> PROCESS_CLASSES = Set.of(
            "java.lang.ProcessBuilder", "java.lang.Process", "java.lang.ProcessHandle");
    private static final Set<String> NATIVE_MEMBERS = Set.of("load", "loadLibrary");

    private ForbiddenApis() {
    }

    /**
     * Returns the rule that using class {@code className} at all breaks, or {@code null} when the class
     * may be used. {@code className} is a JDK or library class, never one of the submission's own.
     */
    static SubmissionRule ruleForClass(String className) {
        String outer = outerClassName(className);
        String pkg = packageOf(className);
        if (REFLECTION_CLASSES.contains(outer) || inPackages(pkg, REFLECTION_PACKAGES)) {
            return SubmissionRule.NO_REFLECTION;
        }
        if (THREAD_CLASSES.contains(outer)) {
            return SubmissionRule.NO_THREADS;
        }
        if (inPackages(pkg, IO_PACKAGES) || IO_CLASSES.contains(outer)
                || (pkg.equals("java.io") && simpleName(outer).startsWith("File"))) {
            return SubmissionRule.NO_FILE_OR_NETWORK_IO;
        }
        if (PROCESS_CLASSES.contains(outer)) {
            return SubmissionRule.NO_PROCESSES;
        }
        if (pkg.equals("org.kmemlab.api") || pkg.startsWith("org.kmemlab.api.")) {
            return null;
        }
        return JAVA_BASE_PACKAGES.contains(pkg) ? null : SubmissionRule.ONLY_API_AND_JAVA_BASE;
    }

    /**
     * Returns true when member {@code member} of class {@code owner} may be used although its class may
     * not be used otherwise: the harmless members of {@code Thread}.
     */
    static boolean harmlessMember(String owner, String member) {
        return owner.equals("java.lang.Thread") && HARMLESS_THREAD_MEMBERS.contains(member);
    }

    /**
     * Returns the rule that calling or reading member {@code member} of class {@code owner} breaks, or
     * {@code null} when the member may be used. Covers only the members of otherwise allowed classes
     * ({@code System}, {@code Runtime}, {@code Class}, collections); {@link #ruleForClass} covers the rest.
     */
    static SubmissionRule ruleForMember(String owner, String member) {
        switch (owner) {
            case "java.lang.Class":
                if (REFLECTIVE_CLASS_MEMBERS.contains(member)) {
                    return SubmissionRule.NO_REFLECTION;
                }
                return member.startsWith("getResource") ? SubmissionRule.NO_FILE_OR_NETWORK_IO : null;
            case "java.lang.System":
                if (EXIT_SYSTEM_MEMBERS.contains(member)) {
                    return SubmissionRule.NO_EXIT;
                }
                if (NATIVE_MEMBERS.contains(member)) {
                    return SubmissionRule.NO_PROCESSES;
                }
                return member.equals("console") ? SubmissionRule.NO_FILE_OR_NETWORK_IO : null;
            case "java.lang.Runtime":
                if (EXIT_RUNTIME_MEMBERS.contains(member)) {
                    return SubmissionRule.NO_EXIT;
                }
                return member.equals("exec") || NATIVE_MEMBERS.contains(member) ? SubmissionRule.NO_PROCESSES : null;
            case "java.util.Arrays":
                return member.startsWith("parallel") ? SubmissionRule.NO_THREADS : null;
            default:
                if (member.equals("parallelStream") && packageOf(owner).equals("java.util")
                        || member.equals("parallel") && packageOf(owner).equals("java.util.stream")) {
                    return SubmissionRule.NO_THREADS;
                }
                return null;
        }
    }

    private static boolean inPackages(String pkg, Set<String> roots) {
        for (String root : roots) {
            if (pkg.equals(root) || pkg.startsWith(root + ".")) {
                return true;
            }
        }
        return false;
    }

    /** {@code java.lang.Thread$State} → {@code java.lang.Thread}. */
    private static String outerClassName(String className) {
        int dollar = className.indexOf('$');
        return dollar < 0 ? className : className.substring(0, dollar);
    }

    static String packageOf(String className) {
        int dot = className.lastIndexOf('.');
        return dot < 0 ? "" : className.substring(0, dot);
    }

    private static String simpleName(String className) {
        return className.substring(className.lastIndexOf('.') + 1);
    }

    private static Set<String> javaBaseExports() {
        Set<String> packages = new HashSet<>();
        ModuleDescriptor base = Object.class.getModule().getDescriptor();
        for (ModuleDescriptor.Exports export : base.exports()) {
            if (!export.isQualified()) {
                packages.add(export.source());
            }
        }
        return Set.copyOf(packages);
    }
}
