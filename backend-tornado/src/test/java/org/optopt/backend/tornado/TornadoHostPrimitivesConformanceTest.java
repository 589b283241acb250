package org.optopt.backend.tornado;

import org.optopt.api.backend.Backend;
import org.optopt.api.testkit.BackendConformanceTest;

/**
 * The backend conformance kit against the {@code tornado} backend with {@code primitives=host}
 * (the default on a CPU device): kernels on the device, matrix products and elementwise primitives
 * in plain Java on the host copies ({@link TornadoBackendConformanceTest} runs them on the device).
 * Skipped, saying why, without a TornadoVM SDK.
 */
class TornadoHostPrimitivesConformanceTest extends BackendConformanceTest {
    @Override
    protected Backend createBackend() {
        return DeviceUnderTest.create(TornadoBackendProvider.ON_HOST);
    }
}
