package org.optopt.backend.tornado;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.optopt.api.backend.Availability;
import org.optopt.api.backend.Backend;

/**
 * The tornado backend the device tests run on, one per test class: TornadoVM's default device, or
 * {@code -Doptopt.tornado.device=...}, with every primitive the backend can run there on the device
 * ({@code primitives=device}) and step capture off (each device task on its own plans, whose copies
 * the tests count); without a TornadoVM SDK the test class is skipped, saying why.
 */
abstract class DeviceUnderTest {
    /** The backend under test, open for the test class. */
    static Backend backend;

    @BeforeAll
    static void start() {
        backend = create();
    }

    @AfterAll
    static void stop() {
        if (backend != null) {
            backend.close();
            backend = null;
        }
    }

    /** A new tornado backend on the chosen device with device primitives (skips the calling test without the SDK). */
    static Backend create() {
        return create(TornadoBackendProvider.ON_DEVICE);
    }

    /** A new tornado backend on the chosen device, {@code primitives} on the host or the device (skips the calling test without the SDK). */
    static Backend create(String primitives) {
        return create(primitives, "off");
    }

    /**
     * A new tornado backend on the chosen device, {@code primitives} on the host or the device, step
     * capture {@code on} or {@code off} (skips the calling test without the SDK).
     */
    static Backend create(String primitives, String capture) {
        TornadoBackendProvider provider = new TornadoBackendProvider();
        Availability a = provider.availability();
        assumeTrue(a.available(), () -> "tornado backend unavailable: " + a.reason());
        Map<String, String> options = new HashMap<>(Map.of(TornadoBackendProvider.PRIMITIVES, primitives,
                TornadoBackendProvider.CAPTURE, capture));
        String device = System.getProperty("optopt.tornado.device");
        if (device != null) {
            options.put(TornadoBackendProvider.DEVICE, device);
        }
        return provider.create(options);
    }

    /** {@code n} floats uniform in [-1, 1), from {@code seed}. */
    static float[] random(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) r.nextDouble(-1, 1);
        }
        return out;
    }
}
