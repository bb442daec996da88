package org.kmemlab.examples.cli;

import java.util.Locale;
import org.kmemlab.api.Machine;
import org.kmemlab.api.MachineProfile;
import org.kmemlab.api.Sizes;
import org.kmemlab.kmalloc.FaultAttr;
import org.kmemlab.kmalloc.Kernel;
import org.kmemlab.kmalloc.KernelBuilder;
import picocli.CommandLine.Option;

/**
 * The options every command that boots a machine shares: which machine, how much RAM, which era of
 * kmalloc, which installed allocators play which part, debugging and fault injection, and the random
 * seed (which also seeds fault injection).
 *
 * <p>Options given here win over the {@code kmemlab.*} system properties and a
 * {@code kmemlab.properties} file, which win over the defaults (see {@code KernelBuilder}).
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

    @Option(names = "--pages", paramLabel = "NAME", description = "page allocator provider (default buddy-reference)")
    String pages;

    @Option(names = "--objects", paramLabel = "NAME",
            description = "object allocator provider (default bucket-reference)")
    String objects;

    @Option(names = "--zones", paramLabel = "NAME", description = "zone allocator provider (default dma-zone-reference)")
    String zones;

    @Option(names = "--slabs", paramLabel = "NAME", description = "slab cache provider of kmem_cache_create"
            + " (default slab-reference)")
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

    /** Returns true when the user chose a profile (or the {@code kmemlab.profile} property is set). */
    public boolean profileChosen() {
        return profile != null || System.getProperty("kmemlab.profile") != null;
    }

    /**
     * Returns a kernel builder with these options applied as command-line settings and
     * {@code defaultProfile} when the user chose none.
     *
     * @throws IllegalArgumentException for a profile, size or era that does not parse (a user error)
     */
    public KernelBuilder builder(MachineProfile defaultProfile) {
        KernelBuilder b = Kernel.builder();
        if (profile != null) {
            b.commandLine("profile", parseProfile(profile).name());
        } else if (!profileChosen()) {
            b.commandLine("profile", defaultProfile.name());
        }
        if (ram != null) {
            b.commandLine("ram", Long.toString(Sizes.parse(ram)));
        }
        if (era != null) {
            b.commandLine("era", parseEra(era));
        }
        if (pages != null) {
            b.commandLine("pages", pages);
        }
        if (objects != null) {
            b.commandLine("objects", objects);
        }
        if (zones != null) {
            b.commandLine("zones", zones);
        }
        if (slabs != null) {
            b.commandLine("slabs", slabs);
        }
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

    /** Boots a kernel from these options, on {@code defaultProfile} unless another was chosen. */
    public Kernel boot(MachineProfile defaultProfile) {
        return builder(defaultProfile).boot();
    }

    /** Boots a bare machine (boot memory only, no allocators) as {@link #builder} would choose it. */
    public Machine bareMachine(MachineProfile defaultProfile) {
        MachineProfile chosen = profile != null ? parseProfile(profile)
                : System.getProperty("kmemlab.profile") != null ? parseProfile(System.getProperty("kmemlab.profile"))
                : defaultProfile;
        return ram == null ? Machine.boot(chosen) : Machine.boot(chosen, Sizes.parse(ram));
    }

    /** Returns the page allocator provider's name: the option, the system property, or the reference. */
    public String pagesProvider() {
        return pages != null ? pages : System.getProperty("kmemlab.pages", "buddy-reference");
    }

    /** Returns the object allocator provider's name: the option, the system property, or the reference. */
    public String objectsProvider() {
        return objects != null ? objects : System.getProperty("kmemlab.objects", "bucket-reference");
    }

    /** Returns the zone allocator provider's name: the option, the system property, or the reference. */
    public String zonesProvider() {
        return zones != null ? zones : System.getProperty("kmemlab.zones", "dma-zone-reference");
    }

    /** Returns the RAM size the user asked for, or {@code fallback}. */
    public long ramOr(long fallback) {
        return ram == null ? fallback : Sizes.parse(ram);
    }

    /** Parses a profile name as the command line accepts it. */
    public static MachineProfile parseProfile(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "i386", "linux-2.0", "linux_2_0", "i386_linux_2_0", "i386-linux-2.0" -> MachineProfile.I386_LINUX_2_0;
            case "x86_64", "x86-64", "modern" -> MachineProfile.X86_64;
            default -> throw new IllegalArgumentException("unknown profile '" + name + "'; use i386 or x86_64");
        };
    }

    private static String parseEra(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "linux-2.0", "linux_2_0", "2.0", "old" -> "LINUX_2_0";
            case "modern", "slub", "new" -> "MODERN";
            default -> throw new IllegalArgumentException("unknown era '" + name + "'; use linux-2.0 or modern");
        };
    }
}
