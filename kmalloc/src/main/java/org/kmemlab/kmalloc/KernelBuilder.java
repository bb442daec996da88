package org.kmemlab.kmalloc;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.ServiceLoader;
import org.kmemlab.api.Checks;
import org.kmemlab.api.Era;
import org.kmemlab.api.MachineProfile;
import org.kmemlab.api.Sizes;
import org.kmemlab.api.spi.ObjectAllocatorProvider;
import org.kmemlab.api.spi.PageAllocatorProvider;
import org.kmemlab.api.spi.ProviderRegistry;
import org.kmemlab.api.spi.SlabCacheProvider;
import org.kmemlab.api.spi.ZoneAllocatorProvider;

/**
 * Chooses the parts of a {@link Kernel} and boots it.
 *
 * <pre>{@code
 * Kernel kernel = Kernel.builder()
 *         .profile(MachineProfile.I386_LINUX_2_0)
 *         .ram(16 * Sizes.MiB)
 *         .pages("alice-buddy")            // a student's PageAllocatorProvider, by name
 *         .boot();
 * }</pre>
 *
 * <h2>Where a setting comes from</h2>
 * Each setting is taken from the first of these sources that has it:
 * <ol>
 *   <li>an explicit call on this builder ({@link #pages(String)}, {@link #pages(PageAllocatorProvider)},
 *       {@link #ram(long)}, …);</li>
 *   <li>a command-line option, passed on by the {@code kmemlab} command with
 *       {@link #commandLine(String, String)};</li>
 *   <li>a system property: {@code kmemlab.pages}, {@code kmemlab.objects}, {@code kmemlab.zones}, {@code kmemlab.slabs},
 *       {@code kmemlab.profile}, {@code kmemlab.ram}, {@code kmemlab.era}, {@code kmemlab.maxWait},
 *       {@code kmemlab.minFreeKbytes}, {@code kmemlab.cpuCaches}, {@code kmemlab.misuse};</li>
 *   <li>a {@code kmemlab.properties} file with the same keys: the file given to {@link #propertiesFile},
 *       or else the one in the working directory if it exists (plus any {@link #properties} given);</li>
 *   <li>the default of the command that boots the kernel, given with {@link #commandDefault} (the tour's
 *       i386 machine);</li>
 *   <li>the defaults: the reference providers of {@link org.kmemlab.api.spi.ReferenceProviders}, the
 *       {@link MachineProfile#X86_64} profile with its default RAM, the profile's era, a 100 ms
 *       {@code maxWait}, computed watermarks, per-thread caches on (off on the Linux 2.0 era, which had
 *       none), a misuse stops the kernel ({@code kmemlab.misuse=stop}).</li>
 * </ol>
 *
 * <p>Profiles and eras are read by the same names from every source: {@code i386} or {@code x86_64}
 * (or the enum names), {@code linux-2.0} or {@code modern}. {@link #resolve()} returns the outcome
 * without booting, so a front end never resolves a setting a second time.
 *
 * <p>Allocation debugging ({@link #debug(String)}) and the fault injectors ({@link #failslab},
 * {@link #failPageAlloc}) are set by builder calls only; they are off unless asked for.
 *
 * <h2>Finding providers</h2>
 * Providers named by a setting are found with {@link ServiceLoader} from this module (which {@code uses}
 * all four SPIs), on the module path and on the class path alike. A name no provider has, or two
 * providers with one name, fails {@link #boot()} with a
 * {@link org.kmemlab.api.spi.ProviderLookupException} that lists the names found. A provider passed as
 * an instance is used as it is and needs no installation (tests, a student's work in progress).
 *
 * <p>A builder is not thread-safe; {@link #boot()} may be called more than once, each time booting a new,
 * independent machine.
 */
public final class KernelBuilder {

    private final Map<String, String> explicit = new HashMap<>();
    private final Map<String, String> commandLine = new HashMap<>();
    private final Map<String, String> commandDefaults = new HashMap<>();
    private Properties system;
    private final Properties file = new Properties();
    private Path propertiesFile;
    private PageAllocatorProvider pageProvider;
    private ObjectAllocatorProvider objectProvider;
    private ZoneAllocatorProvider zoneProvider;
    private org.kmemlab.api.spi.SlabCacheProvider slabProvider;
    private org.kmemlab.api.Machine bareMachine;
    private java.util.Set<SlabDebug.Option> slabDebug = java.util.Set.of();
    private FaultAttr failslab = FaultAttr.OFF;
    private FaultAttr failPageAlloc = FaultAttr.OFF;
    private final java.util.List<Consumer<Kernel>> bootListeners = new java.util.ArrayList<>();

    KernelBuilder() {
    }

    /** Chooses the machine profile. */
    public KernelBuilder profile(MachineProfile profile) {
        explicit.put("profile", Checks.requireNonNull(profile, "profile").name());
        return this;
    }

    /**
     * Boots the kernel on {@code machine}, a machine booted with {@link org.kmemlab.api.Machine#boot} whose
     * boot memory is still in use: what early code reserved there ({@code bootMemory().allocate}) stays
     * reserved for good, as {@code memory_start} reservations did in Linux 2.0. The machine's profile and
     * RAM become the kernel's; the era is still the profile's unless {@link #era} says otherwise. A machine
     * carries one kernel: its boot memory is retired when the kernel boots.
     *
     * @throws IllegalStateException at {@link #boot()} when the machine already runs a kernel
     */
    public KernelBuilder machine(org.kmemlab.api.Machine machine) {
        this.bareMachine = Checks.requireNonNull(machine, "machine");
        explicit.put("profile", machine.profile().name());
        explicit.put("ram", Long.toString(machine.ramBytes()));
        return this;
    }

    /** Chooses the amount of RAM in bytes (the profile's range applies). */
    public KernelBuilder ram(long bytes) {
        Checks.requireArgument(bytes > 0, "RAM size %d must be positive", bytes);
        explicit.put("ram", Long.toString(bytes));
        return this;
    }

    /** Chooses the kmalloc era: Linux 2.0's buckets and 128 KiB limit, or today's classes and 4 MiB. */
    public KernelBuilder era(Era era) {
        explicit.put("era", Checks.requireNonNull(era, "era").name());
        return this;
    }

    /**
     * Chooses what the Linux 2.0 era does after printing 2.0's message for a misuse (a bad kfree, a
     * sleeping kmalloc in an interrupt, freeing a reserved page): {@code false} (the default) stops with a
     * {@code KernelBug}, {@code true} carries on exactly as 2.0 did. Setting {@code kmemlab.misuse},
     * values {@code stop} and {@code carry-on}. Today's era always stops.
     */
    public KernelBuilder carryOnAfterMisuse(boolean carryOn) {
        explicit.put("misuse", carryOn ? "carry-on" : "stop");
        return this;
    }

    /** Chooses the page allocator by provider name. */
    public KernelBuilder pages(String providerName) {
        explicit.put("pages", Checks.requireNonNull(providerName, "page allocator name"));
        pageProvider = null;
        return this;
    }

    /** Uses {@code provider} as the page allocator provider, installed or not. */
    public KernelBuilder pages(PageAllocatorProvider provider) {
        pageProvider = Checks.requireNonNull(provider, "page allocator provider");
        explicit.put("pages", provider.name());
        return this;
    }

    /** Chooses the object allocator by provider name. */
    public KernelBuilder objects(String providerName) {
        explicit.put("objects", Checks.requireNonNull(providerName, "object allocator name"));
        objectProvider = null;
        return this;
    }

    /** Uses {@code provider} as the object allocator provider, installed or not. */
    public KernelBuilder objects(ObjectAllocatorProvider provider) {
        objectProvider = Checks.requireNonNull(provider, "object allocator provider");
        explicit.put("objects", provider.name());
        return this;
    }

    /** Chooses the zone allocator by provider name. */
    public KernelBuilder zones(String providerName) {
        explicit.put("zones", Checks.requireNonNull(providerName, "zone allocator name"));
        zoneProvider = null;
        return this;
    }

    /** Uses {@code provider} as the zone allocator provider, installed or not. */
    public KernelBuilder zones(ZoneAllocatorProvider provider) {
        zoneProvider = Checks.requireNonNull(provider, "zone allocator provider");
        explicit.put("zones", provider.name());
        return this;
    }

    /**
     * Chooses the slab cache provider of {@code kmemCacheCreate} by name; it is looked up when the first
     * cache is created, so a kernel that creates none needs none installed.
     */
    public KernelBuilder slabs(String providerName) {
        explicit.put("slabs", Checks.requireNonNull(providerName, "slab cache provider name"));
        slabProvider = null;
        return this;
    }

    /** Uses {@code provider} as the slab cache provider, installed or not. */
    public KernelBuilder slabs(org.kmemlab.api.spi.SlabCacheProvider provider) {
        slabProvider = Checks.requireNonNull(provider, "slab cache provider");
        explicit.put("slabs", provider.name());
        return this;
    }

    /** Sets how long a sleeping allocation waits for memory after reclaim failed. */
    public KernelBuilder maxWait(Duration maxWait) {
        Checks.requireNonNull(maxWait, "maxWait");
        Checks.requireArgument(!maxWait.isNegative(), "maxWait %s is negative", maxWait);
        explicit.put("maxWait", maxWait.toMillis() + "ms");
        return this;
    }

    /** Sets {@code min_free_kbytes}; 0 computes it as the kernel does. */
    public KernelBuilder minFreeKbytes(long kbytes) {
        Checks.requireArgument(kbytes >= 0, "min_free_kbytes %d is negative", kbytes);
        explicit.put("minFreeKbytes", Long.toString(kbytes));
        return this;
    }

    /**
     * Turns the per-thread object magazines and page lists on (the default on today's era) or off (the
     * default on the Linux 2.0 era: 2.0 had no per-CPU caches, so a freed block is MF_FREE at once). Off,
     * every call visits the shared allocators under their locks and {@code /proc/slabinfo} is exact at all
     * times.
     */
    public KernelBuilder cpuCaches(boolean enabled) {
        explicit.put("cpuCaches", Boolean.toString(enabled));
        return this;
    }

    /**
     * Turns allocation debugging on with these {@code slab_debug} options (none: off, the default); see
     * {@link SlabDebug}.
     */
    public KernelBuilder debug(SlabDebug.Option... options) {
        java.util.Set<SlabDebug.Option> chosen = java.util.EnumSet.noneOf(SlabDebug.Option.class);
        for (SlabDebug.Option o : Checks.requireNonNull(options, "slab_debug options")) {
            chosen.add(Checks.requireNonNull(o, "slab_debug option"));
        }
        this.slabDebug = chosen;
        return this;
    }

    /**
     * Turns allocation debugging on with {@code slab_debug} letters: {@code "FZPU"}, {@code "ZP"}, {@code ""}
     * for all four, {@code "-"} for none ({@link SlabDebug#parse}).
     */
    public KernelBuilder debug(String letters) {
        this.slabDebug = SlabDebug.parse(letters);
        return this;
    }

    /** Boots with failslab set to {@code attr} ({@link FaultInjection}); it can be changed at run time. */
    public KernelBuilder failslab(FaultAttr attr) {
        this.failslab = Checks.requireNonNull(attr, "failslab attributes");
        return this;
    }

    /** Boots with fail_page_alloc set to {@code attr} ({@link FaultInjection}). */
    public KernelBuilder failPageAlloc(FaultAttr attr) {
        this.failPageAlloc = Checks.requireNonNull(attr, "fail_page_alloc attributes");
        return this;
    }

    /**
     * Records a command-line option: {@code key} is a setting with or without the {@code kmemlab.}
     * prefix ({@code pages}, {@code kmemlab.ram}, …). It wins over system properties and files and loses to
     * explicit builder calls.
     *
     * @throws IllegalArgumentException for an unknown key, listing the known ones
     */
    public KernelBuilder commandLine(String key, String value) {
        Checks.requireNonNull(key, "setting");
        commandLine.put(KernelSettings.bareKey(key), Checks.requireNonNull(value, "value of " + key));
        return this;
    }

    /**
     * Records the default of the command that boots the kernel ({@code kmemlab tour} boots an i386
     * machine): it loses to every other source, the properties file included, and is reported as
     * {@code default of this command}.
     *
     * @throws IllegalArgumentException for an unknown key, listing the known ones
     */
    public KernelBuilder commandDefault(String key, String value) {
        Checks.requireNonNull(key, "setting");
        commandDefaults.put(KernelSettings.bareKey(key), Checks.requireNonNull(value, "value of " + key));
        return this;
    }

    /** Reads system properties from {@code properties} instead of {@link System#getProperties()} (for tests). */
    public KernelBuilder systemProperties(Properties properties) {
        this.system = Checks.requireNonNull(properties, "system properties");
        return this;
    }

    /** Adds settings at the level of the properties file ({@code kmemlab.pages=…}). */
    public KernelBuilder properties(Properties properties) {
        Checks.requireNonNull(properties, "properties");
        for (String key : properties.stringPropertyNames()) {
            file.setProperty(key, properties.getProperty(key));
        }
        return this;
    }

    /**
     * Reads settings from {@code path} instead of {@code kmemlab.properties} in the working directory.
     *
     * @throws IllegalArgumentException at {@link #boot()} when the file cannot be read
     */
    public KernelBuilder propertiesFile(Path path) {
        this.propertiesFile = Checks.requireNonNull(path, "properties file");
        return this;
    }

    /**
     * Has {@link #boot()} hand every kernel it boots to {@code listener} before returning it: how a tool
     * that records a run (the HTML pages of {@code kmemlab}) learns of kernels that code it does not own
     * boots. Listeners run in the order added and MUST NOT keep the kernel from being used.
     */
    public KernelBuilder whenBooted(Consumer<Kernel> listener) {
        bootListeners.add(Checks.requireNonNull(listener, "boot listener"));
        return this;
    }

    /**
     * Resolves the settings, finds the providers, boots the machine and assembles the kernel.
     *
     * @throws org.kmemlab.api.spi.ProviderLookupException when a provider name is unknown or duplicated
     * @throws IllegalArgumentException when a setting has a value that does not parse or fit
     */
    public Kernel boot() {
        ResolvedSettings r = resolve();
        PageAllocatorProvider pages = pageProvider != null ? pageProvider
                : ProviderRegistry.of(PageAllocatorProvider.class, ServiceLoader.load(PageAllocatorProvider.class))
                        .get(r.pages());
        ObjectAllocatorProvider objects = objectProvider != null ? objectProvider
                : ProviderRegistry.of(ObjectAllocatorProvider.class, ServiceLoader.load(ObjectAllocatorProvider.class))
                        .get(r.objects());
        ZoneAllocatorProvider zones = zoneProvider != null ? zoneProvider
                : ProviderRegistry.of(ZoneAllocatorProvider.class, ServiceLoader.load(ZoneAllocatorProvider.class))
                        .get(r.zones());
        // The slab cache provider is looked up only when a named cache is first created (2.0 has none), so
        // that a kernel without the slab module boots; but a name someone chose is checked now, like the
        // other providers' names, rather than accepted in silence and refused later or never.
        SlabCacheProvider chosenSlabs = slabProvider;
        Supplier<SlabCacheProvider> slabs = chosenSlabs != null ? () -> chosenSlabs
                : () -> ProviderRegistry.of(SlabCacheProvider.class, ServiceLoader.load(SlabCacheProvider.class))
                        .get(r.slabs());
        if (chosenSlabs == null && !r.sourceOf("slabs").equals(KernelSettings.DEFAULT_SOURCE)) {
            slabs.get();
        }
        if (bareMachine != null) {
            Checks.requireState(!bareMachine.bootMemory().retired(), "the machine given to machine(...) already"
                    + " runs a kernel (its boot memory is retired); boot a fresh one with Machine.boot(...)");
        }
        Kernel kernel = Kernel.assemble(new KernelBoot.Parts(r.profile(), r.ram(), r.era(), r.maxWait(),
                r.minFreeKbytes(), r.cpuCaches(), pages, objects, zones, slabs, r.sources(), bareMachine),
                new KernelBoot.Debugging(slabDebug, failslab, failPageAlloc));
        // Linux 2.0's printk kept no time stamps (kernel/printk.c, tag 2.0, lines 150-190).
        kernel.machine().dmesg().printkTime(r.era() != Era.LINUX_2_0);
        // Linux 2.0 checked a sleeping allocation only in an interrupt handler (intr_count, mm/kmalloc.c:269-276
        // and mm/page_alloc.c:181-187 of tag 2.0); might_sleep() under a spinlock is today's check.
        kernel.machine().context().reportSleepUnderSpinlock(r.era() != Era.LINUX_2_0);
        for (Consumer<Kernel> listener : bootListeners) {
            listener.accept(kernel);
        }
        return kernel;
    }

    /**
     * Resolves every setting from its sources, as {@link #boot()} will, without booting: the machine,
     * the era and the provider names (a provider passed as an instance is named by its {@code name()}).
     * Providers are not looked up, so an unknown name fails only at {@link #boot()}.
     *
     * @throws IllegalArgumentException when a setting has a value that does not parse, naming its source
     */
    public ResolvedSettings resolve() {
        Properties fileSettings = new Properties();
        String fileName = "properties";
        Path path = propertiesFile != null ? propertiesFile : Path.of(KernelSettings.FILE_NAME);
        if (propertiesFile != null || Files.isRegularFile(path)) {
            fileSettings.putAll(KernelSettings.read(path));
            fileName = path.toString();
        }
        fileSettings.putAll(file);
        Map<String, KernelSettings.Setting> settings = KernelSettings.resolve(explicit, commandLine, commandDefaults,
                system != null ? system : System.getProperties(), fileSettings, fileName);

        MachineProfile profile = settings.get("profile").value() == null ? MachineProfile.X86_64
                : KernelSettings.profile(settings.get("profile"));
        long ram = settings.get("ram").value() == null ? profile.defaultRam() : KernelSettings.parseSize(settings.get("ram"));
        Era era = settings.get("era").value() == null ? profile.era() : KernelSettings.era(settings.get("era"));
        Duration maxWait = settings.get("maxWait").value() == null
                ? org.kmemlab.api.spi.ZoneAllocatorConfig.DEFAULT_MAX_WAIT : KernelSettings.parseDuration(settings.get("maxWait"));
        long minFree = settings.get("minFreeKbytes").value() == null ? 0
                : KernelSettings.parseLong(settings.get("minFreeKbytes"));
        // Linux 2.0 had no per-CPU caches: on its era a freed block goes straight back (MF_FREE) by default
        boolean cpuCaches = settings.get("cpuCaches").value() == null ? era != Era.LINUX_2_0
                : Boolean.parseBoolean(settings.get("cpuCaches").value().trim());
        return new ResolvedSettings(profile, ram, era, maxWait, minFree, cpuCaches,
                pageProvider != null ? pageProvider.name() : settings.get("pages").value().trim(),
                objectProvider != null ? objectProvider.name() : settings.get("objects").value().trim(),
                zoneProvider != null ? zoneProvider.name() : settings.get("zones").value().trim(),
                slabProvider != null ? slabProvider.name() : settings.get("slabs").value().trim(),
                List.copyOf(settings.values()));
    }
}
