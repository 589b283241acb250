package org.optopt.cli.session;

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

    /** An empty choice: the registry decides. */
    @Inject
    public BackendChoice() {}

    /** The requested backend name, or null to let {@link org.optopt.api.backend.Backends} choose. */
    public String name() {
        return name;
    }

    /** Requests the backend named {@code name} (null: let the registry decide). */
    public void setName(String name) {
        this.name = name;
    }

    /** Backend-specific options. */
    public Map<String, String> options() {
        return Map.copyOf(options);
    }

    /** Adds a backend-specific option. */
    public void putOption(String key, String value) {
        options.put(key, value);
    }
}
