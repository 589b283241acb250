package org.optopt.api.testkit;

import java.util.Map;
import org.optopt.api.backend.Availability;
import org.optopt.api.backend.Backend;
import org.optopt.api.backend.BackendProvider;

/**
 * Provider of the {@link ReferenceBackend}: the example of a third-party backend found by
 * {@link java.util.ServiceLoader} (registered in {@code META-INF/services} of the test trees that
 * use it). Its low priority keeps it from being chosen unless named.
 */
public final class ReferenceBackendProvider implements BackendProvider {
    /** The backend's name. */
    public static final String NAME = "reference";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "plain-Java reference backend (kernel interpreter), for tests";
    }

    @Override
    public int priority() {
        return -100;
    }

    @Override
    public Availability availability() {
        return Availability.available("pure Java, always available");
    }

    @Override
    public Backend create(Map<String, String> options) {
        if (!options.isEmpty()) {
            throw new IllegalArgumentException("Backend 'reference' takes no options, got " + options.keySet());
        }
        return new ReferenceBackend();
    }
}
