package org.optopt.backend.tornado;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Map;
import org.optopt.api.backend.Availability;
import org.optopt.api.backend.Backend;

/**
 * The tornado backend the device tests run on: TornadoVM's default device, or
 * {@code -Doptopt.tornado.device=...}; without a TornadoVM SDK the calling test is skipped, saying why.
 */
final class DeviceUnderTest {
    private DeviceUnderTest() {}

    static Backend create() {
        TornadoBackendProvider provider = new TornadoBackendProvider();
        Availability a = provider.availability();
        assumeTrue(a.available(), () -> "tornado backend unavailable: " + a.reason());
        String device = System.getProperty("optopt.tornado.device");
        return provider.create(device == null ? Map.of() : Map.of(TornadoBackendProvider.DEVICE, device));
    }
}
