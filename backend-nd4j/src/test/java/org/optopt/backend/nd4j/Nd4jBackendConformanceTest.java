package org.optopt.backend.nd4j;

import java.util.Map;
import org.optopt.api.backend.Backend;
import org.optopt.api.testkit.BackendConformanceTest;

/** The backend conformance kit of {@code api} run against the {@code nd4j} backend. */
class Nd4jBackendConformanceTest extends BackendConformanceTest {
    @Override
    protected Backend createBackend() {
        return new Nd4jBackendProvider().create(Map.of());
    }
}
