package org.optopt.cli;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The backend the user asked for ({@code --backend}, {@code --backend-option}), filled by the
 * command-line parser before any command asks Guice for the {@link org.optopt.api.backend.Backend}.
 */
@Singleton
public final class BackendChoice {
    private String name;
    private final Map<String, String> options = new LinkedHashMap<>();

    @Inject
    BackendChoice() {}

    /** The requested backend name, or null to let {@link org.optopt.api.backend.Backends} choose. */
    public String name() {
        return name;
    }

    void setName(String name) {
        this.name = name;
    }

    /** Backend-specific options. */
    public Map<String, String> options() {
        return Map.copyOf(options);
    }

    void putOption(String key, String value) {
        options.put(key, value);
    }
}
