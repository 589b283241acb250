package org.optopt.backend.tornado;

import org.optopt.api.backend.Backend;
import org.optopt.api.testkit.BackendConformanceTest;

/**
 * The backend conformance kit of {@code api} run against the {@code tornado} backend on TornadoVM's
 * default device (or {@code -Doptopt.tornado.device=...}), with matrix products and elementwise
 * primitives on the device ({@code primitives=device}); skipped, saying why, where no TornadoVM
 * SDK is installed (build with {@code TORNADOVM_HOME} set to run it).
 */
class TornadoBackendConformanceTest extends BackendConformanceTest {
    @Override
    protected Backend createBackend() {
        return DeviceUnderTest.create(TornadoBackendProvider.ON_DEVICE, "on");
    }
}
