package org.optopt.api.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.optopt.api.testkit.ReferenceBackend;
import org.optopt.api.testkit.ReferenceBackendProvider;

class BackendsTest {
    private String savedProperty;

    /** A provider that only records what it was asked. */
    private static final class FakeProvider implements BackendProvider {
        final String name;
        final int priority;
        final Availability availability;
        Map<String, String> createdWith;

        FakeProvider(String name, int priority, Availability availability) {
            this.name = name;
            this.priority = priority;
            this.availability = availability;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public String description() {
            return "fake " + name;
        }

        @Override
        public int priority() {
            return priority;
        }

        @Override
        public Availability availability() {
            return availability;
        }

        @Override
        public Backend create(Map<String, String> options) {
            createdWith = options;
            return new ReferenceBackend();
        }
    }

    private final FakeProvider cpu = new FakeProvider("cpu", 10, Availability.available("plain Java"));
    private final FakeProvider simd = new FakeProvider("simd", 20, Availability.available("AVX2"));
    private final FakeProvider gpu = new FakeProvider("gpu", 100, Availability.unavailable("no CUDA device found"));
    private final FakeProvider alsoTen = new FakeProvider("another", 10, Availability.available("twin"));

    @BeforeEach
    void clearProperty() {
        savedProperty = System.clearProperty(Backends.PROPERTY);
    }

    @AfterEach
    void restoreProperty() {
        if (savedProperty == null) {
            System.clearProperty(Backends.PROPERTY);
        } else {
            System.setProperty(Backends.PROPERTY, savedProperty);
        }
    }

    @Test
    void listsProvidersByPriorityThenName() {
        Backends b = Backends.of(cpu, gpu, alsoTen, simd);
        assertEquals(List.of(gpu, simd, alsoTen, cpu), b.providers());
    }

    @Test
    void withoutANameTheAvailableProviderOfHighestPriorityWins() {
        assertSame(simd, Backends.of(cpu, gpu, simd).select(null), "gpu ranks higher but is unavailable");
        assertSame(alsoTen, Backends.of(cpu, alsoTen).select(null), "ties go to the first name");
    }

    @Test
    void aNamedProviderWinsOverPriority() {
        assertSame(cpu, Backends.of(cpu, simd).select("cpu"));
        assertSame(cpu, Backends.of(cpu, simd).provider("cpu"));
    }

    @Test
    void theSystemPropertyNamesTheBackendWhenTheCallerDoesNot() {
        Backends b = Backends.of(cpu, simd);
        System.setProperty(Backends.PROPERTY, "cpu");
        assertSame(cpu, b.select(null));
        assertSame(simd, b.select("simd"), "an explicit name beats the property");
        System.setProperty(Backends.PROPERTY, " cpu ");
        assertSame(cpu, b.select(null), "surrounding blanks are ignored");
        System.setProperty(Backends.PROPERTY, "  ");
        assertSame(simd, b.select(null), "a blank property names nothing");
        System.setProperty(Backends.PROPERTY, "tpu");
        assertEquals("Unknown backend 'tpu'; known backends: simd, cpu",
                assertThrows(IllegalArgumentException.class, () -> b.select(null)).getMessage());
    }

    @Test
    void anUnknownNameListsTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Backends.of(cpu, gpu, simd).select("nd5j"));
        assertEquals("Unknown backend 'nd5j'; known backends: gpu, simd, cpu", e.getMessage());
        assertEquals("Unknown backend 'x'; known backends: (none found)",
                assertThrows(IllegalArgumentException.class, () -> Backends.of().provider("x")).getMessage());
    }

    @Test
    void anUnavailableNamedProviderGivesItsReason() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Backends.of(cpu, gpu).select("gpu"));
        assertEquals("Backend 'gpu' is unavailable: no CUDA device found", e.getMessage());
    }

    @Test
    void whenNothingIsAvailableEveryReasonIsListed() {
        FakeProvider off = new FakeProvider("off", 0, Availability.unavailable("switched off"));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Backends.of(gpu, off).select(null));
        assertEquals("No backend is available. gpu: no CUDA device found; off: switched off", e.getMessage());
        IllegalStateException none = assertThrows(IllegalStateException.class, () -> Backends.of().select(null));
        assertTrue(none.getMessage().contains("None was found"), none.getMessage());
    }

    @Test
    void createPassesTheOptionsToTheChosenProvider() {
        Map<String, String> options = Map.of("threads", "2");
        try (Backend backend = Backends.of(cpu, simd).create("cpu", options)) {
            assertEquals("reference", backend.name());
        }
        assertSame(options, cpu.createdWith);
        assertEquals(null, simd.createdWith);
    }

    @Test
    void twoProvidersOfOneNameAreAnErrorNamingBoth() {
        FakeProvider otherCpu = new FakeProvider("cpu", 50, Availability.available("a second build"));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Backends.of(cpu, simd, otherCpu));
        assertEquals("Two backend providers are named 'cpu': " + FakeProvider.class.getName() + " and "
                + FakeProvider.class.getName() + "; remove one of them from the module or class path", e.getMessage());
    }

    @Test
    void createDefaultIsTheAvailableProviderOfHighestPriorityUnlessThePropertyNamesOne() {
        Backends b = Backends.of(cpu, simd, gpu);
        b.createDefault(Map.of("threads", "2")).close();
        assertEquals(Map.of("threads", "2"), simd.createdWith);
        System.setProperty(Backends.PROPERTY, "cpu");
        b.createDefault(Map.of()).close();
        assertEquals(Map.of(), cpu.createdWith);
    }

    @Test
    void theReferenceProviderIsChosenOnlyWhenNothingRanksAboveIt() {
        ReferenceBackendProvider reference = new ReferenceBackendProvider();
        assertSame(cpu, Backends.of(reference, cpu).select(null));
        assertSame(reference, Backends.of(reference, gpu).select(null));
        try (Backend backend = Backends.of(reference, cpu).create("reference", Map.of())) {
            assertEquals("reference", backend.name());
        }
        assertEquals("Backend 'reference' takes no options, got [threads]", assertThrows(
                IllegalArgumentException.class, () -> reference.create(Map.of("threads", "2"))).getMessage());
    }

    @Test
    void availabilityNeedsAReason() {
        assertThrows(NullPointerException.class, () -> new Availability(true, null));
        assertTrue(Availability.available("ok").available());
        assertEquals("missing", Availability.unavailable("missing").reason());
    }
}
