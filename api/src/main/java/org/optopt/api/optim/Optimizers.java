package org.optopt.api.optim;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;

/**
 * The registry of optimizers: every {@link OptimizerProvider} found by {@link ServiceLoader}, or an
 * explicit list (for tests and embedding), sorted by name.
 */
public final class Optimizers {
    private final List<OptimizerProvider> providers;

    private Optimizers(List<OptimizerProvider> providers) {
        List<OptimizerProvider> sorted = new ArrayList<>(providers);
        sorted.sort(Comparator.comparing(OptimizerProvider::name));
        Set<String> names = new HashSet<>();
        for (OptimizerProvider p : sorted) {
            if (!names.add(p.name())) {
                throw new IllegalStateException("Two optimizer providers are named '" + p.name() + "'");
            }
        }
        this.providers = List.copyOf(sorted);
    }

    /** All providers visible to {@link ServiceLoader} (module path or class path). */
    public static Optimizers discover() {
        List<OptimizerProvider> found = new ArrayList<>();
        ServiceLoader.load(OptimizerProvider.class).forEach(found::add);
        return new Optimizers(found);
    }

    /** A registry of exactly the given providers. */
    public static Optimizers of(List<OptimizerProvider> providers) {
        return new Optimizers(providers);
    }

    /** Every provider, by name. */
    public List<OptimizerProvider> providers() {
        return providers;
    }

    /** The names of all providers, sorted. */
    public List<String> names() {
        return providers.stream().map(OptimizerProvider::name).toList();
    }

    /**
     * The provider named {@code name}.
     *
     * @throws IllegalArgumentException listing the known names if there is none
     */
    public OptimizerProvider provider(String name) {
        for (OptimizerProvider p : providers) {
            if (p.name().equals(name)) {
                return p;
            }
        }
        throw new IllegalArgumentException("Unknown optimizer '" + name + "'; known optimizers: "
                + (providers.isEmpty() ? "(none found)" : String.join(", ", names())));
    }
}
