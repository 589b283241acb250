package org.optopt.api.testkit;

import org.optopt.api.backend.support.HeapBackend;

/**
 * The smallest complete backend: {@link HeapBackend}'s plain-Java primitives and the reference
 * kernel interpreter. Tests of modules that need a backend without native code use it, and it is
 * the worked example of adding a backend through the SPI (see {@link ReferenceBackendProvider}).
 */
public final class ReferenceBackend extends HeapBackend {
    @Override
    public String name() {
        return ReferenceBackendProvider.NAME;
    }

    /** True: {@link HeapBackend}'s loops and the interpreter keep no state between calls. */
    @Override
    public boolean concurrentUse() {
        return true;
    }
}
