package org.example.backend;

import java.util.Map;
import org.optopt.api.backend.Availability;
import org.optopt.api.backend.Backend;
import org.optopt.api.backend.BackendProvider;

/**
 * Registers {@link ExactGemmBackend} with optopt (in {@code META-INF/services}): cheap to list, named
 * {@value #NAME}, chosen only when named (a low priority), and taking no options.
 */
public final class ExactGemmBackendProvider implements BackendProvider {
    /** The backend's name, as given to {@code optopt --backend}. */
    public static final String NAME = "exact-gemm";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "example: plain-Java primitives, matrix products accumulated in double";
    }

    @Override
    public int priority() {
        return -50;
    }

    @Override
    public Availability availability() {
        return Availability.available("pure Java, always available");
    }

    @Override
    public Backend create(Map<String, String> options) {
        if (!options.isEmpty()) {
            throw new IllegalArgumentException("Backend '" + NAME + "' takes no options, got " + options.keySet());
        }
        return new ExactGemmBackend();
    }
}
