package org.optopt.api.testkit;

import org.optopt.api.backend.Backend;

/** The reference backend passes the conformance kit (and so proves that the kit's expectations hold). */
class ReferenceBackendConformanceTest extends BackendConformanceTest {
    @Override
    protected Backend createBackend() {
        return new ReferenceBackend();
    }
}
