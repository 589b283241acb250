package org.optopt.backend.nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.optopt.api.backend.Availability;
import org.optopt.api.backend.Backend;
import org.optopt.api.backend.Backends;

class Nd4jBackendProviderTest {
    private final Nd4jBackendProvider provider = new Nd4jBackendProvider();

    @Test
    void describesItselfAndIsAvailableHere() {
        assertEquals("nd4j", provider.name());
        assertEquals(100, provider.priority());
        assertFalse(provider.description().isBlank());
        assertTrue(provider.availability().available(), provider.availability().reason());
    }

    @Test
    void isDiscoveredAndChosenByDefault() {
        Backends backends = Backends.discover();
        assertTrue(backends.provider("nd4j") instanceof Nd4jBackendProvider);
        assertEquals("nd4j", backends.select(null).name(), "the highest-priority available provider");
    }

    @Test
    void createsBackendsWithTheRequestedThreads() {
        try (Backend b = provider.create(Map.of("threads", "1"))) {
            assertEquals("nd4j", b.name());
            assertEquals(1, ((Nd4jBackend) b).threads());
        }
        try (Backend b = provider.create(Map.of())) {
            assertEquals(Nd4jBackendProvider.DEFAULT_THREADS, ((Nd4jBackend) b).threads());
            assertEquals(Runtime.getRuntime().availableProcessors(), b.kernelThreads());
        }
        try (Backend b = provider.create(Map.of("kernel-threads", "1"))) {
            assertEquals(1, b.kernelThreads());
        }
    }

    @Test
    void rejectsUnknownOptionsListingTheValidOnes() {
        var e = assertThrows(IllegalArgumentException.class, () -> provider.create(Map.of("thread", "2")));
        assertTrue(e.getMessage().contains("'thread'") && e.getMessage().contains("[threads, kernel-threads]"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1", "two", "1.5", "100000"})
    void rejectsInvalidThreadCounts(String threads) {
        for (String option : new String[] {"threads", "kernel-threads"}) {
            var e = assertThrows(IllegalArgumentException.class, () -> provider.create(Map.of(option, threads)));
            assertTrue(e.getMessage().contains("option " + option + " ") && e.getMessage().contains(threads),
                    e.getMessage());
        }
    }

    @Test
    void readsCpuFlagsFromCpuinfo(@TempDir Path dir) throws IOException {
        Path with = Files.writeString(dir.resolve("with"), "processor : 0\nflags\t\t: fpu sse avx avx2 fma\n");
        Path without = Files.writeString(dir.resolve("without"), "processor : 0\nflags\t\t: fpu sse avx fma avx512f\n");
        assertTrue(Nd4jBackendProvider.cpuHasFlag(with, "avx2"));
        assertFalse(Nd4jBackendProvider.cpuHasFlag(without, "avx2"));
        assertTrue(Nd4jBackendProvider.cpuHasFlag(without, "avx512f"));
        assertTrue(Nd4jBackendProvider.cpuHasFlag(dir.resolve("missing"), "avx2"), "unreadable cpuinfo must not block");
    }

    @ParameterizedTest
    @CsvSource({"Linux, amd64, linux-x86_64", "Linux, aarch64, linux-arm64", "Mac OS X, aarch64, macosx-arm64",
            "Mac OS X, x86_64, macosx-x86_64", "Windows 11, amd64, windows-x86_64", "Linux, ppc64le, linux-ppc64le"})
    void namesPlatformsAsJavaCppDoes(String osName, String osArch, String platform) {
        assertEquals(platform, Nd4jBackendProvider.javacppPlatform(osName, osArch));
    }

    @Test
    void theBuildBundlesTheNativesOfThisMachine() {
        Availability availability = provider.availability();
        assertTrue(availability.available(), availability.reason());
        assertTrue(availability.reason().startsWith(Nd4jBackendProvider.javacppPlatform(
                System.getProperty("os.name"), System.getProperty("os.arch"))), availability.reason());
    }
}
