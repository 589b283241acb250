package org.optopt.api.bench;

import java.util.Optional;

/**
 * An optional benchmark service a backend module may provide beside its
 * {@link org.optopt.api.backend.BackendProvider}: the native implementations of well-known updates
 * in the library the backend is built on, which {@code optopt bench kernel} times beside optopt's
 * compiled kernel of the same update. Discovered through {@link java.util.ServiceLoader}; it is no
 * part of the {@link org.optopt.api.backend.Backend} contract, so a backend without one loses nothing.
 */
public interface IncumbentProvider {

    /** The name of the backend (as its {@code BackendProvider} names it) whose kernels these incumbents are compared with. */
    String backend();

    /**
     * The native implementation of update {@code kernel} (an optimizer name, e.g. {@code adam})
     * over {@code size} parameters on {@code threads} threads; empty if there is none for that name.
     *
     * @throws IllegalArgumentException if {@code size} or {@code threads} is below 1
     */
    Optional<Incumbent> incumbent(String kernel, int size, int threads);
}
