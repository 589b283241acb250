package org.example.backend;

import java.util.Map;
import org.optopt.api.backend.Backend;
import org.optopt.api.testkit.BackendConformanceTest;

/** optopt's conformance kit, run on this backend: one factory method. */
class ExactGemmBackendConformanceTest extends BackendConformanceTest {
    @Override
    protected Backend createBackend() {
        return new ExactGemmBackendProvider().create(Map.of());
    }
}
