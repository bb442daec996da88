/**
 * The {@code kmemlab} command line: the tour, the lessons, the GFP experiment, trace replay, memory maps
 * and the /proc reports of a simulated machine.
 *
 * <p>It names no allocator implementation: kernels are assembled by {@code org.kmemlab.kmalloc} from the
 * providers found on the module path, and the boot-memory lesson and the memory map look providers up
 * by name themselves (hence the {@code uses} clauses).
 */
// JFreeChart is an automatic module (its jar names itself org.jfree.jfreechart but has no module-info).
@SuppressWarnings("requires-automatic")
module org.kmemlab.examples {
    requires org.kmemlab.api;
    requires org.kmemlab.kmalloc;
    requires org.kmemlab.testkit;
    requires org.kmemlab.grader;
    requires info.picocli;
    requires java.desktop;
    requires org.jfree.jfreechart;

    exports org.kmemlab.examples;

    // picocli reads the command classes' annotated fields by reflection.
    opens org.kmemlab.examples.cli to info.picocli;

    uses org.kmemlab.api.spi.PageAllocatorProvider;
    uses org.kmemlab.api.spi.ObjectAllocatorProvider;
    uses org.kmemlab.api.spi.ZoneAllocatorProvider;
}
