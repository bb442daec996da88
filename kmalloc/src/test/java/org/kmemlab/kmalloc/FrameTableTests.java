package org.kmemlab.kmalloc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.kmemlab.api.Machine;
import org.kmemlab.api.MachineProfile;

class FrameTableTests {

    private final FrameTable table = new FrameTable(Machine.boot(MachineProfile.X86_64, 64L << 20));

    @Test
    void objectsMoveOnlyFromTheExpectedState() {
        table.makeSlab(100, 1);
        assertEquals(FrameTable.SLAB, table.tag(101));
        assertEquals(FrameTable.OBJECT_FREE, table.objectState(100, 0x140));
        table.setObjectState(100, 0x140, FrameTable.OBJECT_CACHED);
        assertEquals(FrameTable.OBJECT_CACHED,
                table.moveObject(100, 0x140, FrameTable.OBJECT_LIVE, FrameTable.OBJECT_CACHED),
                "a cached object cannot be freed again");
        assertEquals(FrameTable.OBJECT_CACHED, table.objectState(100, 0x140), "a failed move changes nothing");
        table.setObjectState(100, 0x140, FrameTable.OBJECT_LIVE);
        assertEquals(FrameTable.OBJECT_LIVE,
                table.moveObject(100, 0x140, FrameTable.OBJECT_LIVE, FrameTable.OBJECT_CACHED));
        assertEquals(FrameTable.OBJECT_CACHED, table.objectState(100, 0x140));
        assertEquals(FrameTable.OBJECT_FREE, table.objectState(100, 0x144), "the neighbouring granule is untouched");
        assertEquals(FrameTable.OBJECT_FREE, table.objectState(101, 0x140), "each frame has its own states");
    }

    @Test
    void aFrameThatBecomesASlabAgainStartsWithEveryObjectFree() {
        table.makeSlab(200, 0);
        table.setObjectState(200, 0xffc, FrameTable.OBJECT_LIVE);
        table.releaseSlab(200, 0);
        table.makeSlab(200, 0);
        assertEquals(FrameTable.OBJECT_FREE, table.objectState(200, 0xffc));
    }

    @Test
    void aFrameSeenWithTwoClassesIsMixed() {
        table.makeSlab(7, 0);
        assertEquals(FrameTable.NO_CLASS, table.classOf(7));
        table.noteClass(7, 3);
        table.noteClass(7, 3);
        assertEquals(3, table.classOf(7));
        table.noteClass(7, 4);
        assertEquals(FrameTable.MIXED, table.classOf(7));
        table.releaseSlab(7, 0);
        assertEquals(FrameTable.FREE, table.tag(7));
        assertEquals(FrameTable.NO_CLASS, table.classOf(7));
    }

    @Test
    void blocksAreTaggedHeadAndTailAndFramesKnowTheirZone() {
        table.tagBlock(4096, 3, FrameTable.LARGE_HEAD, FrameTable.LARGE_TAIL);
        assertEquals(FrameTable.LARGE_HEAD, table.tag(4096));
        assertEquals(FrameTable.LARGE_TAIL, table.tag(4103));
        assertEquals(FrameTable.FREE, table.tag(4104));
        assertEquals(3, table.order(4096));
        assertEquals(0, table.zoneIndex(4095), "below 16 MiB is DMA");
        assertEquals(1, table.zoneIndex(4096), "DMA32 above");
    }
}
