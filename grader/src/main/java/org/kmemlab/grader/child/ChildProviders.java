package org.kmemlab.grader.child;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.lang.module.Configuration;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import org.kmemlab.api.spi.Provider;
import org.kmemlab.grader.Spi;

/**
 * Finds providers inside the child JVM: the submission's through the ordinary {@link ServiceLoader}
 * (class path and boot layer), the reference implementations in a module layer of their own.
 *
 * <p>The reference modules are kept out of the boot layer on purpose. A submission that calls
 * {@code ServiceLoader.load(PageAllocatorProvider.class)} itself therefore cannot find the reference
 * and hand its work over to it; and a provider only counts as the submission's when its class was
 * loaded from one of the submission's jars or directories.
 */
final class ChildProviders {

    private final List<Path> submission;
    private final ModuleLayer referenceLayer;

    private ChildProviders(List<Path> submission, ModuleLayer referenceLayer) {
        this.submission = submission;
        this.referenceLayer = referenceLayer;
    }

    /** Loads the reference layer from {@code referencePaths} (none: no layer). */
    static ChildProviders load(List<String> submissionPaths, List<String> referencePaths) {
        List<Path> submission = new ArrayList<>();
        for (String p : submissionPaths) {
            submission.add(Path.of(p).toAbsolutePath().normalize());
        }
        if (referencePaths.isEmpty()) {
            return new ChildProviders(submission, null);
        }
        Path[] paths = new Path[referencePaths.size()];
        for (int i = 0; i < paths.length; i++) {
            paths[i] = Path.of(referencePaths.get(i));
        }
        ModuleFinder finder = ModuleFinder.of(paths);
        Set<String> roots = new HashSet<>();
        for (ModuleReference ref : finder.findAll()) {
            roots.add(ref.descriptor().name());
        }
        ModuleLayer boot = ModuleLayer.boot();
        // The reference modules come from their own finder first, even when a module of the same name is in
        // the boot layer (an instructor grading the reference itself): a child layer may shadow a name.
        // Everything else they need (the api) is not in that finder and comes from the boot layer, so there
        // is one PageAllocatorProvider type.
        Configuration cf = boot.configuration().resolveAndBind(finder, ModuleFinder.of(), roots);
        ModuleLayer layer = boot.defineModulesWithOneLoader(cf, ClassLoader.getSystemClassLoader());
        return new ChildProviders(submission, layer);
    }

    /**
     * A provider found, or the error met loading one.
     *
     * @param provider the provider, null when loading failed
     * @param fromSubmission true when its class comes from the submission
     * @param error what went wrong loading it, null when it loaded
     */
    record Found(Provider provider, boolean fromSubmission, Throwable error) {
    }

    /** Returns every provider of {@code spi} the child's class path and boot layer offer, in order. */
    List<Found> visible(Spi spi) {
        return collect(ServiceLoader.load(spi.type()), null);
    }

    /** Returns the submission's provider of {@code spi} named {@code name}, or null. */
    Provider submissionProvider(Spi spi, String name) {
        for (Found f : visible(spi)) {
            if (f.provider() != null && f.fromSubmission() && name.equals(f.provider().name())) {
                return f.provider();
            }
        }
        return null;
    }

    /** Returns the reference provider of {@code spi} named {@code name}, or null. */
    Provider referenceProvider(Spi spi, String name) {
        if (referenceLayer == null) {
            return null;
        }
        for (Found f : collect(ServiceLoader.load(referenceLayer, spi.type()), referenceLayer)) {
            if (f.provider() != null && name.equals(f.provider().name())) {
                return f.provider();
            }
        }
        return null;
    }

    private List<Found> collect(ServiceLoader<? extends Provider> loader, ModuleLayer onlyLayer) {
        List<Found> found = new ArrayList<>();
        Iterator<? extends Provider> it = loader.iterator();
        for (int guard = 0; guard < 1000; guard++) {
            try {
                if (!it.hasNext()) {
                    break;
                }
                Provider p = it.next();
                if (onlyLayer != null && p.getClass().getModule().getLayer() != onlyLayer) {
                    continue;
                }
                found.add(new Found(p, onlyLayer == null && fromSubmission(p.getClass()), null));
            } catch (ServiceConfigurationError | RuntimeException | LinkageError e) {
                found.add(new Found(null, true, e));
            }
        }
        return found;
    }

    /** Returns true when {@code type} was loaded from one of the submission's jars or directories. */
    boolean fromSubmission(Class<?> type) {
        CodeSource source = type.getProtectionDomain().getCodeSource();
        if (source == null || source.getLocation() == null) {
            return false;
        }
        Path location;
        try {
            location = Path.of(source.getLocation().toURI()).toAbsolutePath().normalize();
        } catch (URISyntaxException | IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
            return false;
        }
        for (Path p : submission) {
            if (location.startsWith(p)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Writes what {@code HELLO} answers: the number of providers, then per provider found for each SPI
     * its SPI key, name, class, whether it came from the submission, and what went wrong loading it or
     * calling its {@code name()} (empty when nothing did); strings cut at 8,000 characters.
     */
    void writeListing(DataOutputStream out) throws IOException {
        ByteArrayOutputStream listing = new ByteArrayOutputStream();
        DataOutputStream list = new DataOutputStream(listing);
        int count = 0;
        for (Spi spi : Spi.values()) {
            for (ChildProviders.Found f : visible(spi)) {
                String name = "";
                String error = "";
                String type = "";
                if (f.error() != null) {
                    error = "loading " + spi.type().getSimpleName() + ": " + GradeChild.describe(f.error());
                } else {
                    type = f.provider().getClass().getName();
                    try {
                        name = String.valueOf(f.provider().name());
                    } catch (RuntimeException | LinkageError e) {
                        error = "name() of " + type + ": " + GradeChild.describe(e);
                    }
                }
                list.writeUTF(spi.key());
                list.writeUTF(cut(name));
                list.writeUTF(cut(type));
                list.writeBoolean(f.fromSubmission());
                list.writeUTF(cut(error));
                count++;
            }
        }
        out.writeInt(count);
        listing.writeTo(out);
    }

    private static String cut(String s) {
        return s.length() > 8000 ? s.substring(0, 8000) : s;
    }
}
