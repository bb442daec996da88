package edu.example.bucket;

import java.util.List;
import org.kmemlab.api.MachineProfile;
import org.kmemlab.api.bug.InvalidFreeBug;
import org.kmemlab.api.spi.ObjectAllocator;
import org.kmemlab.api.spi.ObjectAllocatorConfig;
import org.kmemlab.api.spi.PageSource;
import org.kmemlab.api.stats.SlabInfo;

/**
 * Your bucket allocator: small objects carved out of pages, as Linux 2.0's {@code kmalloc} did. Read the
 * contract in {@link ObjectAllocator}'s Javadoc first: every MUST there is a test in
 * {@code StudentBucketTests}.
 *
 * <p>This skeleton compiles and behaves honestly, but it cannot allocate anything yet:
 * <ul>
 *   <li>{@link #allocate(long, int)} always answers {@link #NULL} ("no memory"), a legal answer for a
 *       machine that is out of memory, but wrong while the page source has pages;</li>
 *   <li>{@link #free(long)} and {@link #usableSize(long)} raise the kernel's {@code kfree of
 *       non-kmalloced memory} bug, which is exactly right for an allocator that has handed nothing
 *       out;</li>
 *   <li>{@link #slabinfo()} lists no caches, which is exact while nothing was allocated.</li>
 * </ul>
 * So {@code mvn test} fails, and its reports say what is missing. Replace each TODO.
 *
 * <p>Hints: one size class per power of two from the smallest object to {@link #maxSize()}; a class
 * takes whole pages from {@link PageSource#getFreePages} with the request's gfp and cuts them into
 * objects; the free objects of a page form a list whose "next" pointers live inside the free objects
 * themselves, in the machine's memory ({@code config.machine().memory()}). To free an address, find its
 * page (round down to the page size), then the class of that page. Keep your bookkeeping in primitive
 * arrays so that {@code allocate} and {@code free} create no Java objects.
 */
final class StudentBucketAllocator implements ObjectAllocator {

    private final ObjectAllocatorConfig config;

    /** Creates an allocator that owns no pages yet. */
    StudentBucketAllocator(ObjectAllocatorConfig config) {
        this.config = config;
        // TODO: set up your size classes (Linux 2.0 used 32, 64, ... bytes up to nearly a page).
    }

    @Override
    public long allocate(long size, int gfp) {
        // TODO: pick the size class of `size`, take an object from one of its pages (get a new page from
        // config.pages() when none has a free object) and return its address. NULL when out of pages.
        return NULL;
    }

    @Override
    public void free(long addr) {
        // TODO: find the page and class of addr, check addr is a live object of it, put it back.
        // Until allocate() hands out objects, no address is one of ours:
        throw InvalidFreeBug.notOwned("student-bucket", addr);
    }

    @Override
    public long usableSize(long addr) {
        // TODO: return the size of the class of the live object at addr.
        throw InvalidFreeBug.notOwned("student-bucket", addr);
    }

    @Override
    public long maxSize() {
        // The largest request the buckets serve; kmalloc sends larger ones to the page allocator.
        return MachineProfile.PAGE_SIZE / 2;
    }

    @Override
    public long shrink() {
        // TODO: give every page without live objects back to config.pages(); return how many.
        return 0;
    }

    @Override
    public List<SlabInfo> slabinfo() {
        // TODO: one row per size class: live objects, object slots, object size, objects and pages per
        // slab, active and total slabs (a line of /proc/slabinfo).
        return List.of();
    }

    @Override
    public void checkInvariants() {
        // TODO (recommended): check your free lists and counters. The contract calls this after every
        // step; throw IllegalStateException describing what is wrong.
    }
}
