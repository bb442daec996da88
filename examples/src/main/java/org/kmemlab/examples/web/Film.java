package org.kmemlab.examples.web;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.kmemlab.api.Dmesg;
import org.kmemlab.api.Era;
import org.kmemlab.api.Machine;
import org.kmemlab.api.ZoneSpan;
import org.kmemlab.api.spi.ObjectAllocatorProvider;
import org.kmemlab.api.spi.PageAllocatorConfig;
import org.kmemlab.api.spi.PageAllocatorProvider;
import org.kmemlab.api.spi.ProviderRegistry;
import org.kmemlab.examples.map.FrameWatch;
import org.kmemlab.examples.map.Owner;
import org.kmemlab.examples.map.WatchedPages;
import org.kmemlab.examples.map.WatchedSlabs;
import org.kmemlab.kmalloc.Kernel;
import org.kmemlab.kmalloc.KernelBuilder;
import org.kmemlab.testkit.report.Json;

/**
 * The recording of one kernel's life for an HTML page: the frames after boot, then one step per
 * operation with what changed.
 *
 * <h2>Deltas, not snapshots</h2>
 * A 1 GiB machine has 262,144 frames; a snapshot of them per step would make a replay of a few thousand
 * operations hundreds of megabytes. A film therefore keeps the owner of every frame once, right after
 * boot, and then for each step only the changes the {@link FrameWatch} reported during it (runs of
 * frames that changed owner, slab pages whose object count changed). The page's script rebuilds the
 * state at step N by applying the changes of steps 1..N to the boot state. The {@code /proc} files are
 * kept as lines in a pool shared by all films of a page ({@link Recording}); a step stores a file only when
 * it changed, as the numbers of its lines, and the kernel log only as the lines logged during the step.
 *
 * <h2>Use</h2>
 * {@link #watching(KernelBuilder, String, String)} installs watched providers in a builder; the film
 * attaches itself to the kernel that builder boots. The code that drives the kernel calls {@link #step}
 * after each operation, from outside the kernel. Step 0 is the machine just after boot.
 */
public final class Film implements FrameWatch.Listener {

    /** The {@code /proc} files every step shows, in this order. */
    static final List<String> PROC_FILES = List.of("buddyinfo", "slabinfo", "zoneinfo", "meminfo");

    private final Recording recording;
    private final String title;
    private final FrameWatch watch = new FrameWatch(this);
    private Kernel kernel;
    private byte[] bootOwners;
    private long dmesgSequence = -1;
    private final String[] lastProc = new String[PROC_FILES.size()];
    /** The frame runs changed since the last step: pfn, count, owner ordinal. */
    private final Triples frameChanges = new Triples();
    /** The slab pages changed since the last step: pfn, objects, bytes. */
    private final Triples objectChanges = new Triples();
    private final List<String> steps = new ArrayList<>();

    Film(Recording recording, String title) {
        this.recording = recording;
        this.title = title;
    }

    /**
     * Returns {@code builder} with the page and object providers named wrapped so that this film sees
     * every frame change, and with this film attached to the kernel it boots. A builder whose film is
     * attached MUST boot only one kernel.
     */
    public KernelBuilder watching(KernelBuilder builder, String pagesProvider, String objectsProvider) {
        PageAllocatorProvider pages = new WatchedPages(
                ProviderRegistry.load(PageAllocatorProvider.class).get(pagesProvider), watch);
        ObjectAllocatorProvider objects = new WatchedSlabs(
                ProviderRegistry.load(ObjectAllocatorProvider.class).get(objectsProvider), watch);
        return builder.pages(pages).objects(objects).whenBooted(this::attach);
    }

    /** Returns the watch the film records from (a workload may relabel frames through it). */
    public FrameWatch watch() {
        return watch;
    }

    /** Returns the kernel the film is attached to, or null before it booted. */
    public synchronized Kernel kernel() {
        return kernel;
    }

    /** Returns the number of steps recorded, boot included. */
    public synchronized int steps() {
        return steps.size();
    }

    private synchronized void attach(Kernel booted) {
        if (kernel != null) {
            throw new IllegalStateException("film '" + title + "' already follows a kernel; a recorded builder"
                    + " boots one kernel, so take a new film for the next one");
        }
        kernel = booted;
        bootOwners = new byte[watch.frames()];
        for (int pfn = 0; pfn < bootOwners.length; pfn++) {
            bootOwners[pfn] = (byte) watch.owner(pfn).ordinal();
        }
        frameChanges.clear();
        objectChanges.clear();
        step("boot: " + booted.machine().profile().displayName());
    }

    /**
     * Closes a step labelled {@code label}: takes the frame changes since the last step, the
     * {@code /proc} files and the kernel log lines written since. Callers MUST call it from outside the
     * kernel (not from an allocator), after the operation the label names has returned.
     *
     * @throws IllegalStateException before the kernel booted
     */
    public synchronized void step(String label) {
        if (kernel == null) {
            throw new IllegalStateException("film '" + title + "' has no kernel yet: boot the builder from"
                    + " watching() first");
        }
        Json step = new Json().beginObject().field("l", label);
        synchronized (watch) {
            step.key("f").numbers(frameChanges.values, frameChanges.size);
            step.key("o").numbers(objectChanges.values, objectChanges.size);
            frameChanges.clear();
            objectChanges.clear();
        }
        step.key("p").beginArray();
        for (int i = 0; i < PROC_FILES.size(); i++) {
            String text = panel(kernel, PROC_FILES.get(i));
            if (text.equals(lastProc[i])) {
                step.number(-1);
            } else {
                lastProc[i] = text;
                step.numbers(recording.lines(text));
            }
        }
        step.endArray();
        List<Dmesg.Entry> logged = kernel.machine().dmesg().entriesAfter(dmesgSequence);
        int[] lines = new int[logged.size()];
        for (int i = 0; i < lines.length; i++) {
            Dmesg.Entry e = logged.get(i);
            lines[i] = recording.line(e.level().prefix() + kernel.machine().dmesg().format(e));
            dmesgSequence = e.sequence();
        }
        step.key("d").numbers(lines).endObject();
        steps.add(step.toString());
    }

    /**
     * Returns what the panel of {@code file} shows: the era's {@code /proc} file, or where the era had none
     * (Linux 2.0 had only meminfo) kmemlab's labelled view of the same numbers in today's layout.
     */
    static String panel(Kernel kernel, String file) {
        return kernel.era() != Era.LINUX_2_0 || file.equals("meminfo") ? kernel.proc(file) : kernel.kmemlabView(file);
    }

    @Override
    public void framesChanged(long pfn, long count, Owner owner) {
        frameChanges.add(pfn, count, owner.ordinal());
    }

    @Override
    public void objectsChanged(long pfn, int objects, long bytes) {
        objectChanges.add(pfn, objects, bytes);
    }

    /** A growing list of number triples, kept flat. */
    private static final class Triples {
        long[] values = new long[96];
        int size;

        void add(long a, long b, long c) {
            if (size + 3 > values.length) {
                values = Arrays.copyOf(values, values.length * 2);
            }
            values[size++] = a;
            values[size++] = b;
            values[size++] = c;
        }

        void clear() {
            size = 0;
        }
    }

    /** Writes the film as a JSON object; a film whose kernel never booted writes nothing. */
    synchronized boolean write(Json out) {
        if (kernel == null) {
            return false;
        }
        Machine m = kernel.machine();
        out.beginObject().field("title", title).field("machine", m.profile().displayName() + ", "
                + (m.ramBytes() >> 20) + " MiB").field("frames", bootOwners.length).field("pageSize", m.pageSize())
                .field("pageOffset", Long.toHexString(m.pfnToVirt(0)));
        out.key("zones").beginArray();
        for (ZoneSpan z : m.zones()) {
            if (!z.isEmpty()) {
                out.beginArray().string(z.type().procName()).number(z.startPfn()).number(z.endPfn()).endArray();
            }
        }
        out.endArray().key("ranges").beginArray();
        for (PageAllocatorConfig r : watch.ranges()) {
            out.beginArray().number(r.startPfn()).number(r.endPfn()).number(r.maxOrder()).endArray();
        }
        out.endArray().key("boot").beginArray();
        for (int pfn = 0; pfn < bootOwners.length; ) {
            int run = pfn;
            while (run < bootOwners.length && bootOwners[run] == bootOwners[pfn]) {
                run++;
            }
            out.number(pfn).number(run - pfn).number(bootOwners[pfn]);
            pfn = run;
        }
        out.endArray().key("steps").beginArray();
        for (String s : steps) {
            out.raw(s);
        }
        out.endArray().endObject();
        return true;
    }
}
