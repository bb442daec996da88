package org.kmemlab.testkit.contract.page;

/**
 * A block the allocator under test returned, under the label the trace names it by.
 *
 * @param label the handle in the trace, e.g. {@code p3}
 * @param id a small number unique in the chain, written into the block's pattern
 * @param pfn the first frame
 * @param order the order it was allocated with
 */
record PageBlock(String label, int id, long pfn, int order) {

    long frames() {
        return 1L << order;
    }

    long endPfn() {
        return pfn + frames();
    }

    @Override
    public String toString() {
        return "pfn " + pfn + " order " + order;
    }
}
