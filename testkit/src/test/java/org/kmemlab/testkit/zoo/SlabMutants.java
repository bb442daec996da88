package org.kmemlab.testkit.zoo;

import java.util.List;
import org.kmemlab.api.Gfp;
import org.kmemlab.api.spi.ObjectAllocatorConfig;

/**
 * The object-allocator mutants: each is {@link SlabObjects} with one bug a student really makes, in one
 * overridden hook. The object contract must kill every one of them (see {@code MutantZooTests}).
 */
final class SlabMutants {

    private SlabMutants() {
    }

    /** Returns every object-allocator mutant. */
    static List<ZooObjectProvider> all() {
        return List.of(
                new ZooObjectProvider("declares-one-class", "sizeClasses() declares only the largest class,"
                        + " though smaller requests get smaller objects", DeclaresOneClass::new),
                new ZooObjectProvider("rounds-size-down", "picks the largest class not above the size instead of"
                        + " the smallest class not below it", RoundsSizeDown::new),
                new ZooObjectProvider("shrink-keeps-pages", "shrink() forgets to give empty slabs back",
                        ShrinkKeepsPages::new),
                new ZooObjectProvider("accepts-interior-free", "free() rounds an interior pointer down to its"
                        + " object", AcceptsInteriorFree::new),
                new ZooObjectProvider("silent-double-free", "a free of a free slot is ignored",
                        SilentDoubleFree::new),
                new ZooObjectProvider("overlapping-objects", "slots are 8 bytes closer together than the class"
                        + " size", OverlappingObjects::new),
                new ZooObjectProvider("ignores-gfp-zero", "__GFP_ZERO is ignored", IgnoresGfpZero::new),
                new ZooObjectProvider("dma-from-normal-pages", "__GFP_DMA requests use the normal caches",
                        DmaFromNormalPages::new),
                new ZooObjectProvider("leaks-objects", "free() clears the slot but never decrements the slab's"
                        + " in-use count", LeaksObjects::new),
                new ZooObjectProvider("slabinfo-miscount", "the active-object counter is not decremented on"
                        + " free", SlabinfoMiscount::new),
                new ZooObjectProvider("misaligned-objects", "a 2-byte slab header shifts every object",
                        MisalignedObjects::new),
                new ZooObjectProvider("counts-slab-before-page", "a failed page request leaves an empty slab"
                        + " record behind", CountsSlabBeforePage::new),
                new ZooObjectProvider("usable-size-of-freed", "usableSize() does not check that the object is"
                        + " live", UsableSizeOfFreed::new),
                new ZooObjectProvider("returns-page-too-early", "a slab goes back to the source when its"
                        + " in-use count drops to 1", ReturnsPageTooEarly::new),
                new ZooObjectProvider("zero-size-object", "allocate(0) returns an object of the smallest class",
                        ZeroSizeObject::new),
                new ZooObjectProvider("refuses-max-size", "allocate(maxSize()) always returns NULL",
                        RefusesMaxSize::new),
                new ZooObjectProvider("throws-when-source-fails", "a refused page request throws instead of"
                        + " returning NULL", ThrowsWhenSourceFails::new),
                new ZooObjectProvider("rejects-free-of-last-slot", "free() of a slab's last slot raises a bug",
                        RejectsFreeOfLastSlot::new),
                new ZooObjectProvider("usable-size-grows", "usableSize() grows by 8 while the slab holds another"
                        + " live object", UsableSizeGrows::new),
                new ZooObjectProvider("shrink-counts-slabs", "shrink() returns the number of slabs it gave back,"
                        + " not pages", ShrinkCountsSlabs::new),
                new ZooObjectProvider("slabinfo-one-slot-short", "slabinfo reports one object per slab fewer"
                        + " (and totals to match)", SlabinfoOneSlotShort::new),
                new ZooObjectProvider("slabinfo-one-page-per-slab", "slabinfo reports every slab as one page",
                        SlabinfoOnePagePerSlab::new),
                new ZooObjectProvider("gives-back-order-zero", "empty slabs go back with order 0 whatever their"
                        + " size", GivesBackOrderZero::new),
                new ZooObjectProvider("accepts-free-in-header", "a 16-byte slab header; free() of an address in"
                        + " it frees the first slot", AcceptsFreeInHeader::new),
                new ZooObjectProvider("usable-size-rejects-last-slot", "usableSize() of a slab's last slot raises"
                        + " a bug", UsableSizeRejectsLastSlot::new),
                new ZooObjectProvider("slabinfo-omits-empty-slabs", "slabinfo counts only slabs holding a live"
                        + " object", SlabinfoOmitsEmptySlabs::new),
                new ZooObjectProvider("self-check-false-alarm", "checkInvariants() reports a broken allocator"
                        + " whenever a slab is full", SelfCheckFalseAlarm::new),
                new ZooObjectProvider("pages-always-atomic", "new slabs are always asked for with GFP_ATOMIC,"
                        + " taking the atomic reserves for GFP_KERNEL requests", PagesAlwaysAtomic::new),
                new ZooObjectProvider("zeroes-one-byte-more", "__GFP_ZERO clears one byte past the object, the"
                        + " first byte of its neighbour", ZeroesOneByteMore::new),
                new ZooObjectProvider("dma-ignores-gfp-zero", "__GFP_ZERO is ignored on the DMA caches only",
                        DmaIgnoresGfpZero::new),
                new ZooObjectProvider("misaligned-in-one-class", "the second slot of the 16-byte class is 4 bytes"
                        + " off", MisalignedInOneClass::new));
    }

    /**
     * A mutant's base: {@link SlabObjects} without its own consistency checker, because the zoo measures
     * what the contract catches, not what a student's {@code checkInvariants()} would.
     */
    abstract static class Mutant extends SlabObjects {
        Mutant(ObjectAllocatorConfig c) {
            super(c);
        }

        @Override
        public final void checkInvariants() {
            // a student whose allocator has this bug has a checker that misses it
        }
    }

    static final class DeclaresOneClass extends Mutant {
        DeclaresOneClass(ObjectAllocatorConfig c) {
            super(c);
        }

        @Override
        public List<org.kmemlab.api.spi.SizeClass> sizeClasses() {
            return List.of(new org.kmemlab.api.spi.SizeClass("kmalloc-" + maxSize(), maxSize(), false));
        }
    }

    static final class RoundsSizeDown extends Mutant {
        RoundsSizeDown(ObjectAllocatorConfig c) {
            super(c);
        }

        @Override
        protected long classFor(long size) {
            long up = super.classFor(size);
            return up == size || up == super.classFor(1) ? up : up >>> 1;
        }
    }

    static final class ShrinkKeepsPages extends Mutant {
        ShrinkKeepsPages(ObjectAllocatorConfig c) {
            super(c);
        }

        @Override
        public long shrink() {
            return 0;
        }
    }

    static final class AcceptsInteriorFree extends Mutant {
        AcceptsInteriorFree(ObjectAllocatorConfig c) {
            super(c);
        }

        @Override
        public void free(long addr) {
            Slab s = slabOf(addr);
            if (s != null) {
                long stride = stride(s.cache);
                long start = s.base + firstOffset() + (addr - s.base - firstOffset()) / stride * stride;
                super.free(start);
                return;
            }
            super.free(addr);
        }
    }

    static final class SilentDoubleFree extends Mutant {
        SilentDoubleFree(ObjectAllocatorConfig c) {
            super(c);
        }

        @Override
        public void free(long addr) {
            Slab s = slabOf(addr);
            if (s != null) {
                long offset = addr - s.base - firstOffset();
                int index = (int) (offset / stride(s.cache));
                if (offset % stride(s.cache) == 0 && index < s.used.length && !s.used[index]) {
                    return;
                }
            }
            super.free(addr);
        }
    }

    static final class OverlappingObjects extends Mutant {
        OverlappingObjects(ObjectAllocatorConfig c) {
            super(c);
        }

        @Override
        protected long stride(Cache c) {
            return c.size >= 16 ? c.size - 8 : c.size;
        }
    }

    static final class IgnoresGfpZero extends Mutant {
        IgnoresGfpZero(ObjectAllocatorConfig c) {
            super(c);
        }

        @Override
        protected void zero(long addr, long length) {
            // forgot
        }
    }

    static final class DmaFromNormalPages extends Mutant {
        DmaFromNormalPages(ObjectAllocatorConfig c) {
            super(c);
        }

        @Override
        protected boolean useDmaCaches(int gfp) {
            return false;
        }
    }

    static final class LeaksObjects extends Mutant {
        LeaksObjects(ObjectAllocatorConfig c) {
            super(c);
        }

        @Override
        protected void release(Slab s, int index) {
            s.used[index] = false;
            s.cache.active--;
        }
    }

    static final class SlabinfoMiscount extends Mutant {
        SlabinfoMiscount(ObjectAllocatorConfig c) {
            super(c);
        }

        @Override
        protected void release(Slab s, int index) {
            super.release(s, index);
            s.cache.active++;
        }
    }

    static final class MisalignedObjects extends Mutant {
        MisalignedObjects(ObjectAllocatorConfig c) {
            super(c);
        }

        @Override
        protected long firstOffset() {
            return 2;
        }
    }

    static final class CountsSlabBeforePage extends Mutant {
        CountsSlabBeforePage(ObjectAllocatorConfig c) {
            super(c);
        }

        @Override
        protected Slab newSlab(Cache c, int gfp) {
            Slab slab = super.newSlab(c, gfp);
            if (slab == null) {
                // The slab record was added before the page arrived and is not taken back.
                Slab ghost = new Slab(c, 0, 0);
                c.slabs.add(ghost);
            }
            return slab;
        }
    }

    static final class UsableSizeOfFreed extends Mutant {
        UsableSizeOfFreed(ObjectAllocatorConfig c) {
            super(c);
        }

        @Override
        public long usableSize(long addr) {
            Slab s = slabOf(addr);
            return s != null ? s.cache.size : super.usableSize(addr);
        }
    }

    static final class ReturnsPageTooEarly extends Mutant {
        ReturnsPageTooEarly(ObjectAllocatorConfig c) {
            super(c);
        }

        @Override
        protected void release(Slab s, int index) {
            super.release(s, index);
            if (s.inUse <= 1 && s.used.length > 1) {
                for (int i = 0; i < s.used.length; i++) {
                    if (s.used[i]) {
                        s.used[i] = false;
                        s.inUse--;
                        s.cache.active--;
                    }
                }
                returnSlab(s);
            }
        }
    }

    static final class ZeroSizeObject extends Mutant {
        ZeroSizeObject(ObjectAllocatorConfig c) {
            super(c);
        }

        @Override
        public long allocate(long size, int gfp) {
            return super.allocate(size == 0 ? 1 : size, gfp & ~Gfp.__GFP_NOWARN);
        }
    }

    /** The largest class is never served. */
    static final class RefusesMaxSize extends Mutant {
        RefusesMaxSize(ObjectAllocatorConfig c) {
            super(c);
        }

        @Override
        public long allocate(long size, int gfp) {
            return size == maxSize() ? NULL : super.allocate(size, gfp);
        }
    }

    /** A failed page request throws. */
    static final class ThrowsWhenSourceFails extends Mutant {
        ThrowsWhenSourceFails(ObjectAllocatorConfig c) {
            super(c);
        }

        @Override
        protected Slab newSlab(Cache c, int gfp) {
            Slab slab = super.newSlab(c, gfp);
            if (slab == null) {
                throw new IllegalStateException("no page for " + c.name);
            }
            return slab;
        }
    }

    /** The last slot of a slab cannot be freed. */
    static final class RejectsFreeOfLastSlot extends Mutant {
        RejectsFreeOfLastSlot(ObjectAllocatorConfig c) {
            super(c);
        }

        @Override
        protected void release(Slab s, int index) {
            if (index == s.used.length - 1 && index > 0) {
                throw new org.kmemlab.api.bug.DoubleFreeBug(s.cache.name, slotAddress(s, index));
            }
            super.release(s, index);
        }
    }

    /** usableSize() depends on the neighbours. */
    static final class UsableSizeGrows extends Mutant {
        UsableSizeGrows(ObjectAllocatorConfig c) {
            super(c);
        }

        @Override
        public long usableSize(long addr) {
            long usable = super.usableSize(addr);
            return slabOf(addr).inUse > 1 ? usable + 8 : usable;
        }
    }

    /** shrink() counts slabs. */
    static final class ShrinkCountsSlabs extends Mutant {
        ShrinkCountsSlabs(ObjectAllocatorConfig c) {
            super(c);
        }

        @Override
        protected long returnSlab(Slab s) {
            super.returnSlab(s);
            return 1;
        }
    }

    /** slabinfo's objects per slab is one short, and its totals follow, so they still multiply out. */
    static final class SlabinfoOneSlotShort extends Mutant {
        SlabinfoOneSlotShort(ObjectAllocatorConfig c) {
            super(c);
        }

        @Override
        public java.util.List<org.kmemlab.api.stats.SlabInfo> slabinfo() {
            java.util.List<org.kmemlab.api.stats.SlabInfo> rows = new java.util.ArrayList<>();
            for (org.kmemlab.api.stats.SlabInfo r : super.slabinfo()) {
                long perSlab = Math.max(1, r.objectsPerSlab() - 1);
                rows.add(new org.kmemlab.api.stats.SlabInfo(r.name(), r.activeObjects(), perSlab * r.totalSlabs(),
                        r.objectSize(), perSlab, r.pagesPerSlab(), r.activeSlabs(), r.totalSlabs()));
            }
            return rows;
        }
    }

    /** slabinfo says every slab is one page. */
    static final class SlabinfoOnePagePerSlab extends Mutant {
        SlabinfoOnePagePerSlab(ObjectAllocatorConfig c) {
            super(c);
        }

        @Override
        public java.util.List<org.kmemlab.api.stats.SlabInfo> slabinfo() {
            java.util.List<org.kmemlab.api.stats.SlabInfo> rows = new java.util.ArrayList<>();
            for (org.kmemlab.api.stats.SlabInfo r : super.slabinfo()) {
                rows.add(new org.kmemlab.api.stats.SlabInfo(r.name(), r.activeObjects(), r.totalObjects(),
                        r.objectSize(), r.objectsPerSlab(), 1, r.activeSlabs(), r.totalSlabs()));
            }
            return rows;
        }
    }

    /** Empty slabs of two pages or more go back as order 0. */
    static final class GivesBackOrderZero extends Mutant {
        GivesBackOrderZero(ObjectAllocatorConfig c) {
            super(c);
        }

        @Override
        protected long returnSlab(Slab s) {
            s.cache.slabs.remove(s);
            slabsByAddress.remove(s.base);
            pages.freePages(s.base, 0);
            return 1L << s.cache.order;
        }
    }

    /** Slabs start with a 16-byte header; an address inside it is taken for the first slot. */
    static final class AcceptsFreeInHeader extends Mutant {
        AcceptsFreeInHeader(ObjectAllocatorConfig c) {
            super(c);
        }

        @Override
        protected long firstOffset() {
            return 16;
        }

        @Override
        protected int liveIndex(long addr) {
            Slab s = slabOf(addr);
            if (s != null && addr - s.base < firstOffset() && s.used[0]) {
                return 0;
            }
            return super.liveIndex(addr);
        }
    }

    /** A correct allocator whose own consistency check cries wolf. */
    static final class SelfCheckFalseAlarm extends SlabObjects {
        SelfCheckFalseAlarm(ObjectAllocatorConfig c) {
            super(c);
        }

        @Override
        public void checkInvariants() {
            for (Cache c : caches) {
                for (Slab s : c.slabs) {
                    if (s.inUse == s.used.length) {
                        throw new IllegalStateException("slab at " + Long.toHexString(s.base) + " has no free slot");
                    }
                }
            }
        }
    }

    /** usableSize() of the last slot of a slab fails, although the object is live. */
    static final class UsableSizeRejectsLastSlot extends Mutant {
        UsableSizeRejectsLastSlot(ObjectAllocatorConfig c) {
            super(c);
        }

        @Override
        public long usableSize(long addr) {
            Slab s = slabOf(addr);
            if (s != null && s.used.length > 1 && liveIndex(addr) == s.used.length - 1) {
                throw org.kmemlab.api.bug.InvalidFreeBug.notOwned(s.cache.name, addr);
            }
            return super.usableSize(addr);
        }
    }

    /** Empty slabs the allocator still holds are left out of slabinfo. */
    static final class SlabinfoOmitsEmptySlabs extends Mutant {
        SlabinfoOmitsEmptySlabs(ObjectAllocatorConfig c) {
            super(c);
        }

        @Override
        public java.util.List<org.kmemlab.api.stats.SlabInfo> slabinfo() {
            java.util.List<org.kmemlab.api.stats.SlabInfo> rows = new java.util.ArrayList<>();
            for (org.kmemlab.api.stats.SlabInfo r : super.slabinfo()) {
                rows.add(new org.kmemlab.api.stats.SlabInfo(r.name(), r.activeObjects(),
                        r.objectsPerSlab() * r.activeSlabs(), r.objectSize(), r.objectsPerSlab(), r.pagesPerSlab(),
                        r.activeSlabs(), r.activeSlabs()));
            }
            return rows;
        }
    }

    /**
     * "A page request must not fail", so every new slab is asked for with {@code GFP_ATOMIC}: a
     * {@code GFP_KERNEL} kmalloc then eats the reserves kept for interrupts (object.page-gfp).
     */
    static final class PagesAlwaysAtomic extends Mutant {
        PagesAlwaysAtomic(ObjectAllocatorConfig c) {
            super(c);
        }

        @Override
        protected Slab newSlab(Cache c, int gfp) {
            return super.newSlab(c, Gfp.GFP_ATOMIC);
        }
    }

    /** A {@code memset} one byte too long: a zeroed object clears its neighbour's first byte. */
    static final class ZeroesOneByteMore extends Mutant {
        ZeroesOneByteMore(ObjectAllocatorConfig c) {
            super(c);
        }

        @Override
        protected void zero(long addr, long length) {
            super.zero(addr, length + 1);
        }
    }

    /** The DMA caches' allocation path forgets the __GFP_ZERO branch. */
    static final class DmaIgnoresGfpZero extends Mutant {
        DmaIgnoresGfpZero(ObjectAllocatorConfig c) {
            super(c);
        }

        @Override
        public long allocate(long size, int gfp) {
            return super.allocate(size, (gfp & Gfp.__GFP_DMA) != 0 ? gfp & ~Gfp.__GFP_ZERO : gfp);
        }
    }

    /** One class's slot arithmetic is off: the 16-byte class's second slot sits 4 bytes late. */
    static final class MisalignedInOneClass extends Mutant {
        MisalignedInOneClass(ObjectAllocatorConfig c) {
            super(c);
        }

        @Override
        protected long slotAddress(Slab slab, int index) {
            return super.slotAddress(slab, index) + (slab.cache.size == 16 && index == 1 ? 4 : 0);
        }
    }
}
