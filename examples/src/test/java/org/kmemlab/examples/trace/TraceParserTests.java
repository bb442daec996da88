package org.kmemlab.examples.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.kmemlab.api.Gfp;

class TraceParserTests {

    private static final List<String> CSAPP = List.of(
            "# a comment of our own",
            "20000", "3", "6", "1",
            "a 0 512",
            "a 1 128",
            "r 0 1024",
            "f 1",
            "a 2 0",
            "f 0");

    @Test
    void readsACsappTrace() throws Exception {
        Trace trace = TraceParser.parse("t.rep", CSAPP);
        assertEquals(Trace.Format.CSAPP, trace.format());
        assertEquals(3, trace.ids());
        assertEquals(List.of(
                new TraceOp(TraceOp.Kind.ALLOC, 0, 512, Gfp.GFP_KERNEL, 6),
                new TraceOp(TraceOp.Kind.ALLOC, 1, 128, Gfp.GFP_KERNEL, 7),
                new TraceOp(TraceOp.Kind.REALLOC, 0, 1024, Gfp.GFP_KERNEL, 8),
                new TraceOp(TraceOp.Kind.FREE, 1, 0, 0, 9),
                new TraceOp(TraceOp.Kind.ALLOC, 2, 0, Gfp.GFP_KERNEL, 10),
                new TraceOp(TraceOp.Kind.FREE, 0, 0, 0, 11)), trace.ops());
    }

    @Test
    void csappErrorsNameTheLineAndWhatWasExpected() {
        assertError("t.rep:3: expected the header's number of operations (a non-negative integer), found 'six'",
                "20000", "3", "six", "1");
        assertError("t.rep:3: expected a header of four integer lines (heap size, ids, operations, weight), found 3",
                "20000", "3", "1");
        assertError("t.rep:5: expected 'a id size', 'f id' or 'r id size', found 'x 0 12'",
                "20000", "3", "1", "1", "x 0 12");
        assertError("t.rep:5: expected 'a id size' (3 fields), found 'a 0'", "20000", "3", "1", "1", "a 0");
        assertError("t.rep:5: expected the size as a non-negative integer, found '-5'",
                "20000", "3", "1", "1", "a 0 -5");
        assertError("t.rep:5: expected an id in 0..2 (the header declares 3 ids), found 3",
                "20000", "3", "1", "1", "a 3 8");
        assertError("t.rep:5: expected 'a 1 size' before id 1 is freed", "20000", "3", "1", "1", "f 1");
        assertError("t.rep:6: expected 'f 0' before id 0 is allocated again",
                "20000", "3", "2", "1", "a 0 8", "a 0 8");
        assertError("t.rep:5: expected 'a 2 size' before id 2 is resized", "20000", "3", "1", "1", "r 2 8");
        assertError("t.rep:6: the header declares 3 operations but the file has 2",
                "20000", "3", "3", "1", "a 0 8", "f 0");
        assertError("t.rep:0: the trace is empty; expected a CS:APP header (four integers) or kmem:kmalloc / kmem:kfree"
                + " lines", "# nothing", "");
    }

    @Test
    void readsFtraceLinesInEveryCommonForm() throws Exception {
        Trace trace = TraceParser.parse("k.trace", List.of(
                "# tracer: nop",
                "  bash-1402 [001] .....  81.092318: kmem:kmalloc: call_site=seq_open+0x3c/0xa0"
                        + " ptr=0xffff888004a3c200 bytes_req=120 bytes_alloc=128 gfp_flags=GFP_KERNEL|__GFP_ZERO"
                        + " node=-1 accounted=false",
                "  bash-1402 [001] d..1.  81.092400: kmalloc: call_site=ffffffff811c2e3d ptr=ffff888004a3c400"
                        + " bytes_req=64 bytes_alloc=64 gfp_flags=GFP_ATOMIC|__GFP_NOWARN",
                "  bash-1402 [001] .....  81.092450: kmem:mm_page_alloc: page=0xffffea0000123400 pfn=0x48d0 order=0",
                "  bash-1402 [001] .....  81.092500: kmem:kmalloc: call_site=x ptr=0000000000000000 bytes_req=9000000"
                        + " bytes_alloc=0 gfp_flags=GFP_KERNEL",
                "  bash-1402 [001] .....  81.092901: kmem:kfree: call_site=seq_release+0x24/0x30 ptr=0xffff888004a3c200",
                "  bash-1402 [001] .....  81.093000: kmem:kfree: call_site=seq_release+0x24/0x30 ptr=0xffff888000000040",
                "  bash-1402 [001] .....  81.093100: kmem:kmalloc_node: call_site=x ptr=0xffff888004a3c200"
                        + " bytes_req=32 bytes_alloc=32 gfp_flags=GFP_KERNEL_ACCOUNT|__GFP_THISNODE node=0",
                "  bash-1402 [001] .....  81.093200: kmem:kmalloc: call_site=x ptr=0xffff888004a3c400"
                        + " bytes_req=16 bytes_alloc=16 gfp_flags=GFP_NOWAIT"));
        assertEquals(Trace.Format.FTRACE, trace.format());
        assertEquals(4, trace.ids());
        assertEquals(3, trace.skipped(), "mm_page_alloc, the failed kmalloc and the kfree of an unknown pointer");
        assertEquals(List.of(
                new TraceOp(TraceOp.Kind.ALLOC, 0, 120, Gfp.GFP_KERNEL | Gfp.__GFP_ZERO, 2),
                new TraceOp(TraceOp.Kind.ALLOC, 1, 64, Gfp.GFP_ATOMIC | Gfp.__GFP_NOWARN, 3),
                new TraceOp(TraceOp.Kind.FREE, 0, 0, 0, 6),
                new TraceOp(TraceOp.Kind.ALLOC, 2, 32, Gfp.GFP_KERNEL, 8),
                new TraceOp(TraceOp.Kind.FREE, 1, 0, 0, 9),
                new TraceOp(TraceOp.Kind.ALLOC, 3, 16, Gfp.GFP_NOWAIT, 9)), trace.ops(),
                "the pointer of id 1 came back without a kfree: it is freed first");
    }

    @Test
    void ftraceErrorsNameTheLineAndWhatWasExpected() {
        String head = "  bash-1402 [001] .....  81.092318: kmem:kmalloc: call_site=x ";
        assertError("k.trace:1: expected a bytes_req= field in the kmem:kmalloc event, found only "
                + "call_site, gfp_flags, ptr", head + "ptr=0xffff888004a3c200 gfp_flags=GFP_KERNEL");
        assertError("k.trace:1: expected ptr= as a hex pointer (0xffff888004a3c200), found 'nowhere'",
                head + "ptr=nowhere bytes_req=8 bytes_alloc=8 gfp_flags=GFP_KERNEL");
        assertError("k.trace:1: expected bytes_req= as a non-negative integer, found 'many'",
                head + "ptr=0x10000 bytes_req=many bytes_alloc=8 gfp_flags=GFP_KERNEL");
        assertError("k.trace:1: expected gfp_flags= as GFP names joined by '|' (GFP_KERNEL|__GFP_ZERO) or a hex mask,"
                + " found 'GFP_WHENEVER'", head + "ptr=0x10000 bytes_req=8 bytes_alloc=8 gfp_flags=GFP_WHENEVER");
        assertError("k.trace:2: expected a kmem:kmalloc or kmem:kfree event (\"kmem:kmalloc: call_site=... ptr=0x..."
                + " bytes_req=N bytes_alloc=N gfp_flags=...\"), found 'hello world'",
                head + "ptr=0x10000 bytes_req=8 bytes_alloc=8 gfp_flags=GFP_KERNEL", "hello world");
        assertError("k.trace:0: expected at least one kmem:kmalloc event; found none in 1 lines",
                "  bash-1402 [001] .....  81.093000: kmem:kfree: call_site=x ptr=0xffff888000000040");
    }

    @Test
    void theShippedTracesParse() throws Exception {
        for (String name : new String[] {"network-burst.rep", "fragmenter.rep", "realloc-growth.rep",
            "kmem-events.trace"}) {
            Trace trace = TraceParser.parse(Path.of("traces", name));
            assertEquals(!name.endsWith(".rep"), trace.format() == Trace.Format.FTRACE, name);
            assertEquals(true, trace.ops().size() > 100, name);
        }
    }

    private static void assertError(String expected, String... lines) {
        TraceFormatException e = assertThrows(TraceFormatException.class,
                () -> TraceParser.parse(expected.substring(0, expected.indexOf(':')), List.of(lines)));
        assertEquals(expected, e.getMessage());
    }
}
