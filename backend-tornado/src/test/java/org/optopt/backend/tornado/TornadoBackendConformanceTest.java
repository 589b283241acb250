package org.optopt.backend.tornado;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Map;
import org.optopt.api.backend.Availability;
import org.optopt.api.backend.Backend;
import org.optopt.api.testkit.BackendConformanceTest;

/**
 * The backend conformance kit of {@code api} run against the {@code tornado} backend on TornadoVM's
 * default device (or {@code -Doptopt.tornado.device=...}); skipped, saying why, where no TornadoVM
 * SDK is installed (build with {@code TORNADOVM_HOME} set to run it).
 */
class TornadoBackendConformanceTest extends BackendConformanceTest {
    @Override
    protected Backend createBackend() {
        TornadoBackendProvider provider = new TornadoBackendProvider();
        Availability a = provider.availability();
        assumeTrue(a.available(), () -> "tornado backend unavailable: " + a.reason());
        String device = System.getProperty("optopt.tornado.device");
        return provider.create(device == null ? Map.of() : Map.of(TornadoBackendProvider.DEVICE, device));
    }
}
