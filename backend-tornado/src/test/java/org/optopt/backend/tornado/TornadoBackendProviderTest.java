package org.optopt.backend.tornado;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.optopt.api.backend.Availability;
import org.optopt.api.backend.Backends;

class TornadoBackendProviderTest {
    private final TornadoBackendProvider provider = new TornadoBackendProvider();

    @Test
    void isDiscoveredUnderItsName() {
        assertTrue(Backends.discover().provider("tornado") instanceof TornadoBackendProvider);
        assertEquals(10, provider.priority());
        assertFalse(provider.description().isBlank());
    }

    @Test
    void withoutTornadoVmSaysSoAndRefusesToStart() {
        assumeFalse(runtimeOnPath(), "a TornadoVM runtime is on this test's path");
        Availability a = provider.availability();
        assertFalse(a.available());
        assertTrue(a.reason().startsWith("no TornadoVM runtime: "), a.reason());
        assertTrue(a.reason().contains("scripts/tornado/setup.sh"), a.reason());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> provider.create(Map.of()));
        assertEquals("Backend 'tornado' is unavailable: " + a.reason(), e.getMessage());
    }

    @Test
    void rejectsAnUnknownOptionBeforeAnythingElse() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> provider.create(Map.of("threads", "2")));
        assertEquals("Backend 'tornado' has no option 'threads'; valid options: [device]", e.getMessage());
    }

    private static boolean runtimeOnPath() {
        try {
            Class.forName(TornadoBackendProvider.RUNTIME_CLASS);
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}
