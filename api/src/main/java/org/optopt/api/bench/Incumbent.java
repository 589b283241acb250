package org.optopt.api.bench;

/**
 * A backend's own native implementation of a well-known update, measured by benchmarks beside
 * optopt's compiled kernel of the same update. It owns its buffers.
 */
public interface Incumbent extends AutoCloseable {

    /** What runs, e.g. {@code ND4J AdamUpdater (native op)}. */
    String description();

    /** Performs one update step over all its parameters. */
    void step();

    /** Releases the buffers. */
    @Override
    void close();
}
