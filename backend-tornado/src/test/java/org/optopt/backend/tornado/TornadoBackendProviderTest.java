package org.optopt.backend.tornado;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
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
        assertEquals("Backend 'tornado' has no option 'threads'; valid options: [device, memory-limit, profile, primitives, capture]", e.getMessage());
    }

    @Test
    void rejectsAMemoryLimitThatIsNoSize() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> provider.create(Map.of("memory-limit", "lots")));
        assertEquals("Backend 'tornado': option memory-limit=lots is not a size such as 512MB or 2GB", e.getMessage());
    }

    @Test
    void rejectsAnUnknownPlaceForThePrimitives() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> provider.create(Map.of("primitives", "gpu")));
        assertEquals("Backend 'tornado': option primitives=gpu is not host, device or auto", e.getMessage());
    }

    @Test
    void rejectsAnUnknownCaptureSetting() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> provider.create(Map.of("capture", "yes")));
        assertEquals("Backend 'tornado': option capture=yes is not on, off or auto", e.getMessage());
    }

    /** An SDK is built for one JDK line; its jar names say which. */
    @Test
    void anSdkForAnotherJdkIsNamedWithBothVersions() {
        assertEquals("the TornadoVM SDK on the path was built for JDK 21 (tornado-api-5.2.0-jdk21.jar), this is JDK 25;"
                        + " install TornadoVM's jdk25 line (scripts/tornado/setup.sh)",
                TornadoBackendProvider.otherJdk("/opt/tornadovm/share/java/tornado/tornado-api-5.2.0-jdk21.jar", 25));
        assertNull(TornadoBackendProvider.otherJdk("/opt/tornadovm/share/java/tornado/tornado-api-5.2.0-jdk25.jar", 25));
        assertNull(TornadoBackendProvider.otherJdk("/opt/tornado-api-5.2.0.jar", 25), "a name without a JDK says nothing");
        assertNull(TornadoBackendProvider.otherJdk(null, 25));
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
