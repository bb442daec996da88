package org.kmemlab.grader;

import java.io.File;
import java.io.IOException;
import java.lang.module.FindException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.JarFile;
import org.kmemlab.api.Checks;

/**
 * What a child JVM runs with: the libraries (api, testkit and their dependencies) and, apart from them,
 * the reference implementations.
 *
 * <p>{@link #fromCurrentJvm()} takes the grader's own path and sorts every entry: one that provides a
 * page, object or zone allocator is a reference implementation (loaded by the child in a layer of its
 * own, never in the boot layer the submission shares), everything else is a library. When the grader
 * runs on the module path (as {@code kmemlab grade} does), the child runs the testkit as a named module,
 * which is what keeps the channel key out of a submission's reach; on a plain class path it still runs,
 * but without that protection, and {@link #encapsulated()} says so.
 *
 * @param libraries the library entries
 * @param references the reference implementation entries
 * @param encapsulated true when the child runs the testkit as a named module
 * @param sandbox how the operating system contains the child (and a Maven submission's build)
 */
public record ChildPath(List<Path> libraries, List<Path> references, boolean encapsulated, Sandbox sandbox) {

    private static final Set<String> SPI_SERVICES = Set.of("org.kmemlab.api.spi.PageAllocatorProvider",
            "org.kmemlab.api.spi.ObjectAllocatorProvider", "org.kmemlab.api.spi.ZoneAllocatorProvider",
            "org.kmemlab.api.spi.SlabCacheProvider");

    /** Copies the lists. */
    public ChildPath {
        libraries = List.copyOf(libraries);
        references = List.copyOf(references);
        Checks.requireNonNull(sandbox, "sandbox");
    }

    /**
     * Returns the path of the JVM this grader runs in, sorted into libraries and references, with the
     * strongest sandbox that works on this machine ({@link Sandbox#choose} {@code auto}).
     */
    public static ChildPath fromCurrentJvm() {
        boolean named = ChildPath.class.getModule().isNamed();
        String path = named ? System.getProperty("jdk.module.path", "") : System.getProperty("java.class.path", "");
        List<Path> libraries = new ArrayList<>();
        List<Path> references = new ArrayList<>();
        for (String entry : path.split(File.pathSeparator)) {
            if (entry.isBlank()) {
                continue;
            }
            Path p = Path.of(entry).toAbsolutePath().normalize();
            if (!Files.exists(p)) {
                continue;
            }
            for (Path one : expand(p, named)) {
                (providesAnSpi(one) ? references : libraries).add(one);
            }
        }
        if (named && !path.contains(File.pathSeparator) && libraries.isEmpty()) {
            throw new IllegalStateException("the grader runs as a module but jdk.module.path is empty");
        }
        return new ChildPath(libraries, references, named, Sandbox.choose("auto"));
    }

    /**
     * Returns the entries of one module path element: a folder without {@code module-info.class} on the
     * module path is a folder of modules ({@code java -p lib}), so its jars count one by one.
     */
    private static List<Path> expand(Path p, boolean modulePath) {
        if (!modulePath || !Files.isDirectory(p) || Files.isRegularFile(p.resolve("module-info.class"))) {
            return List.of(p);
        }
        try (java.util.stream.Stream<Path> s = Files.list(p)) {
            return s.filter(f -> f.toString().endsWith(".jar")).sorted().toList();
        } catch (IOException e) {
            return List.of(p);
        }
    }

    /** Returns this path with {@code extra} reference implementations added (the {@code --reference} option). */
    public ChildPath withReferences(List<Path> extra) {
        Set<Path> all = new LinkedHashSet<>(references);
        for (Path p : extra) {
            all.add(p.toAbsolutePath().normalize());
        }
        return new ChildPath(libraries, new ArrayList<>(all), encapsulated, sandbox);
    }

    /** Returns this path with another sandbox (the {@code --isolation} option). */
    public ChildPath withSandbox(Sandbox other) {
        return new ChildPath(libraries, references, encapsulated, other);
    }

    /**
     * Returns true when the jar or directory at {@code entry} provides one of the three allocator SPIs,
     * as a module ({@code provides}) or through {@code META-INF/services}.
     */
    static boolean providesAnSpi(Path entry) {
        Checks.requireNonNull(entry, "entry");
        try {
            for (ModuleReference ref : ModuleFinder.of(entry).findAll()) {
                for (ModuleDescriptor.Provides p : ref.descriptor().provides()) {
                    if (SPI_SERVICES.contains(p.service())) {
                        return true;
                    }
                }
            }
        } catch (FindException e) {
            // Not a module (a plain directory of classes): fall back to the service files.
        }
        for (String service : SPI_SERVICES) {
            if (hasServiceFile(entry, service)) {
                return true;
            }
        }
        return false;
    }

    /** Returns the module name of {@code entry} when it is an explicit module (has module-info.class). */
    static String explicitModuleName(Path entry) {
        boolean explicit;
        if (Files.isDirectory(entry)) {
            explicit = Files.isRegularFile(entry.resolve("module-info.class"));
        } else {
            try (JarFile jar = new JarFile(entry.toFile())) {
                explicit = jar.getEntry("module-info.class") != null;
            } catch (IOException e) {
                return null;
            }
        }
        if (!explicit) {
            return null;
        }
        try {
            for (ModuleReference ref : ModuleFinder.of(entry).findAll()) {
                return ref.descriptor().name();
            }
        } catch (FindException e) {
            return null;
        }
        return null;
    }

    private static boolean hasServiceFile(Path entry, String service) {
        String name = "META-INF/services/" + service;
        if (Files.isDirectory(entry)) {
            return Files.isRegularFile(entry.resolve(name));
        }
        try (JarFile jar = new JarFile(entry.toFile())) {
            return jar.getEntry(name) != null;
        } catch (IOException e) {
            return false;
        }
    }
}
