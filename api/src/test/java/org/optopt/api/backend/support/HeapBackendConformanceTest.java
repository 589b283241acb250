package org.optopt.api.backend.support;

import org.optopt.api.backend.Backend;
import org.optopt.api.testkit.BackendConformanceTest;
import org.optopt.api.testkit.ReferenceBackend;

/**
 * {@link HeapBackend}'s primitives and interpreted kernels, through the smallest subclass
 * ({@link ReferenceBackend}), pass the conformance kit; this also proves the kit's expectations
 * consistent.
 */
class HeapBackendConformanceTest extends BackendConformanceTest {
    @Override
    protected Backend createBackend() {
        return new ReferenceBackend();
    }
}
