package org.kmemlab.examples.map;

import org.kmemlab.api.spi.Provider;

/**
 * What the map's watching providers share: the provider they wrap, whose name they keep, and the
 * {@link FrameWatch} they report to.
 *
 * @param <P> the wrapped provider's SPI
 */
abstract class WatchedProvider<P extends Provider> implements Provider {

    /** The provider that does the work. */
    final P inner;
    /** Where what the provider does is recorded. */
    final FrameWatch watch;

    WatchedProvider(P inner, FrameWatch watch) {
        this.inner = inner;
        this.watch = watch;
    }

    @Override
    public final String name() {
        return inner.name();
    }

    @Override
    public final String description() {
        return inner.description() + " (watched by kmemlab map)";
    }
}
