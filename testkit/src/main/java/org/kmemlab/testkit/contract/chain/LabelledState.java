package org.kmemlab.testkit.contract.chain;

import java.util.List;

/**
 * A contract chain's state seen as labelled handles: what {@link FreeList} needs to free blocks or
 * objects by label, whatever the SPI.
 */
public interface LabelledState {

    /** Returns true when the handle {@code label} is live. */
    boolean isLive(String label);

    /** Returns the live labels in allocation order. */
    List<String> liveLabels();

    /**
     * Frees the live handle {@code label} through the system under test, with every check, and returns the
     * trace outcome.
     */
    String freeLabel(String label);
}
