package org.optopt.api.backend;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/**
 * Discovery and selection of backends. The choice is explicit and explainable: a backend named by
 * the caller, else the one named by the system property {@value #PROPERTY}, else the available
 * provider of highest priority (ties broken by name). Names are unique: two providers of one name
 * (say two versions of a plugin) are an error rather than a silent pick.
 *
 * <p>A library program usually wants the default backend, configured from outside:
 * <pre>{@code
 * try (Backend backend = Backends.discover().createDefault(Map.of())) { ... }
 * }</pre>
 */
public final class Backends {
    /** System property naming the backend to use when the caller names none. */
    public static final String PROPERTY = "optopt.backend";

    private final List<BackendProvider> providers;

    private Backends(List<BackendProvider> providers) {
        List<BackendProvider> sorted = new ArrayList<>(providers);
        sorted.sort(Comparator.comparingInt(BackendProvider::priority).reversed()
                .thenComparing(BackendProvider::name));
        this.providers = List.copyOf(sorted);
        Map<String, BackendProvider> byName = new HashMap<>();
        for (BackendProvider p : this.providers) {
            BackendProvider other = byName.putIfAbsent(p.name(), p);
            if (other != null) {
                throw new IllegalStateException("Two backend providers are named '" + p.name() + "': "
                        + other.getClass().getName() + " and " + p.getClass().getName()
                        + "; remove one of them from the module or class path");
            }
        }
    }

    /**
     * All providers visible to {@link ServiceLoader} from this module (module path or class path).
     *
     * @throws IllegalStateException if two of them have the same name
     */
    public static Backends discover() {
        List<BackendProvider> found = new ArrayList<>();
        ServiceLoader.load(BackendProvider.class).forEach(found::add);
        return new Backends(found);
    }

    /**
     * A registry of exactly the given providers, without discovery (for tests and embedding).
     *
     * @throws IllegalStateException if two of them have the same name
     */
    public static Backends of(BackendProvider... providers) {
        return new Backends(List.of(providers));
    }

    /** Every provider, highest priority first. */
    public List<BackendProvider> providers() {
        return providers;
    }

    /**
     * The provider named {@code name}.
     *
     * @throws IllegalArgumentException if there is none, listing the known names
     */
    public BackendProvider provider(String name) {
        for (BackendProvider p : providers) {
            if (p.name().equals(name)) {
                return p;
            }
        }
        throw new IllegalArgumentException("Unknown backend '" + name + "'; known backends: " + names());
    }

    /**
     * The provider to use: {@code name} if not null, else the system property, else the available
     * provider of highest priority.
     *
     * @throws IllegalArgumentException if the chosen name is unknown
     * @throws IllegalStateException if the named backend is unavailable, or none is available
     */
    public BackendProvider select(String name) {
        String chosen = name != null ? name : System.getProperty(PROPERTY);
        if (chosen != null && !chosen.isBlank()) {
            BackendProvider p = provider(chosen.strip());
            Availability a = p.availability();
            if (!a.available()) {
                throw new IllegalStateException("Backend '" + p.name() + "' is unavailable: " + a.reason());
            }
            return p;
        }
        for (BackendProvider p : providers) {
            if (p.availability().available()) {
                return p;
            }
        }
        throw new IllegalStateException("No backend is available. " + (providers.isEmpty()
                ? "None was found: put a backend module (e.g. optopt backend-nd4j) on the module or class path."
                : providers.stream().map(p -> p.name() + ": " + p.availability().reason())
                        .collect(Collectors.joining("; "))));
    }

    /**
     * Creates the backend chosen by {@link #select(String)}: the one named {@code name}, or the default
     * backend when {@code name} is null (see {@link #createDefault(Map)}).
     */
    public Backend create(String name, Map<String, String> options) {
        return select(name).create(options);
    }

    /**
     * Creates the default backend: the one named by the system property {@value #PROPERTY} if set,
     * else the available provider of highest priority ({@code nd4j} where it is on the path).
     *
     * @param options the provider's options (e.g. {@code threads}); an empty map for its defaults
     * @throws IllegalStateException if the backend named by the property is unavailable, or none is
     */
    public Backend createDefault(Map<String, String> options) {
        return create(null, options);
    }

    private String names() {
        return providers.isEmpty() ? "(none found)"
                : providers.stream().map(BackendProvider::name).collect(Collectors.joining(", "));
    }
}
