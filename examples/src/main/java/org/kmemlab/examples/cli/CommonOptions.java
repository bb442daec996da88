package org.kmemlab.examples.cli;

import org.kmemlab.api.Machine;
import org.kmemlab.api.MachineProfile;
import org.kmemlab.api.spi.ReferenceProviders;
import org.kmemlab.kmalloc.FaultAttr;
import org.kmemlab.kmalloc.Kernel;
import org.kmemlab.kmalloc.KernelBuilder;
import org.kmemlab.kmalloc.ResolvedSettings;
import picocli.CommandLine.Option;

/**
 * The options every command that boots a machine shares: which machine, how much RAM, which era of
 * kmalloc, which installed allocators play which part, debugging and fault injection, and the random
 * seed (which also seeds fault injection).
 *
 * <p>Options given here win over the {@code kmemlab.*} system properties and a
 * {@code kmemlab.properties} file, which win over the command's own default profile and the built-in
 * defaults. This class only passes on what the user typed: {@code KernelBuilder} resolves and checks
 * every setting, and {@link #resolve} tells a command what it decided.
 */
public final class CommonOptions {

    @Option(names = "--profile", paramLabel = "MACHINE",
            description = "i386 (a 1996 PC running Linux 2.0) or x86_64 (a modern server); default: i386"
                    + " unless the command needs another")
    String profile;

    @Option(names = "--ram", paramLabel = "SIZE", description = "RAM size, e.g. 16M or 1G (default: the profile's)")
    String ram;

    @Option(names = "--era", paramLabel = "ERA",
            description = "kmalloc of linux-2.0 (buckets to 128 KiB) or modern (SLUB classes, 4 MiB);"
                    + " default: the profile's")
    String era;

    @Option(names = "--pages", paramLabel = "NAME",
            description = "page allocator provider (default " + ReferenceProviders.PAGES + ")")
    String pages;

    @Option(names = "--objects", paramLabel = "NAME",
            description = "object allocator provider (default " + ReferenceProviders.OBJECTS + ")")
    String objects;

    @Option(names = "--zones", paramLabel = "NAME",
            description = "zone allocator provider (default " + ReferenceProviders.ZONES + ")")
    String zones;

    @Option(names = "--slabs", paramLabel = "NAME", description = "slab cache provider of kmem_cache_create"
            + " (default " + ReferenceProviders.SLABS + ")")
    String slabs;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "1996",
            description = "seed of every random choice, so a run can be repeated (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--slab-debug", paramLabel = "LETTERS",
            description = "kmalloc debugging as slab_debug= letters, e.g. FZPU (sanity checks, red zones, poison,"
                    + " owner tracking)")
    String slabDebug;

    @Option(names = "--failslab", paramLabel = "I,P,S,T",
            description = "fault injection for kmalloc: <interval>,<probability in percent>,<space>,<times> as the kernel's"
                    + " failslab= boot option, e.g. 1,10,0,-1; allocations that may sleep are eligible too"
                    + " (ignore-gfp-wait off)")
    String failslab;

    @Option(names = "--fail-page-alloc", paramLabel = "I,P,S,T",
            description = "fault injection for page allocations, in the same form (fail_page_alloc=),"
                    + " ignore-gfp-wait off")
    String failPageAlloc;

    @Option(names = {"-q", "--quiet"}, description = "no progress bars")
    boolean quiet;

    /** Returns the seed. */
    public long seed() {
        return seed;
    }

    /**
     * Returns a kernel builder with what the user typed passed on as command-line settings, and
     * {@code defaultProfile} as this command's default (which a system property or a
     * {@code kmemlab.properties} file overrides). The builder parses and checks every value; this class
     * parses none (only the fault-injection and debug letters, which are builder calls).
     */
    public KernelBuilder builder(MachineProfile defaultProfile) {
        KernelBuilder b = Kernel.builder().commandDefault("profile", defaultProfile.name());
        typed(b, "profile", profile);
        typed(b, "ram", ram);
        typed(b, "era", era);
        typed(b, "pages", pages);
        typed(b, "objects", objects);
        typed(b, "zones", zones);
        typed(b, "slabs", slabs);
        if (slabDebug != null) {
            b.debug(slabDebug);
        }
        if (failslab != null) {
            b.failslab(FaultAttr.parse(failslab).withIgnoreGfpWait(false).withSeed(seed));
        }
        if (failPageAlloc != null) {
            b.failPageAlloc(FaultAttr.parse(failPageAlloc).withIgnoreGfpWait(false).withSeed(seed));
        }
        return b;
    }

    private static void typed(KernelBuilder b, String key, String value) {
        if (value != null) {
            b.commandLine(key, value);
        }
    }

    /** Boots a kernel from these options, on {@code defaultProfile} unless another was chosen. */
    public Kernel boot(MachineProfile defaultProfile) {
        return builder(defaultProfile).boot();
    }

    /**
     * Returns the settings a kernel booted from these options would have (machine, era, provider names),
     * resolved by the kernel builder from every source, without booting.
     */
    public ResolvedSettings resolve(MachineProfile defaultProfile) {
        return builder(defaultProfile).resolve();
    }

    /** Boots a bare machine (boot memory only, no allocators) of the profile and RAM a kernel would get. */
    public Machine bareMachine(MachineProfile defaultProfile) {
        ResolvedSettings r = resolve(defaultProfile);
        return Machine.boot(r.profile(), r.ram());
    }
}
