package org.optopt.api.backend;

import java.util.Map;

/**
 * The service-provider interface of compute backends, discovered with
 * {@link java.util.ServiceLoader}. A provider is cheap: {@link #name()}, {@link #priority()} and
 * {@link #availability()} must not load native code or start device runtimes; only
 * {@link #create(Map)} does.
 *
 * <p>Register an implementation with {@code provides org.optopt.api.backend.BackendProvider with ...}
 * in {@code module-info.java} and, for class-path users, in
 * {@code META-INF/services/org.optopt.api.backend.BackendProvider}.
 */
public interface BackendProvider {

    /** A short unique name, e.g. {@code nd4j}, used by {@code --backend NAME}. */
    String name();

    /** One line on what this backend runs on. */
    String description();

    /** Higher wins when no backend is named; the reference default is 0. */
    int priority();

    /** Whether {@link #create(Map)} can succeed here, with the reason. */
    Availability availability();

    /**
     * Creates a backend instance.
     *
     * @param options backend-specific settings (e.g. {@code threads}); unknown keys are rejected
     * @throws IllegalStateException if the backend is unavailable, naming the reason
     * @throws IllegalArgumentException on an unknown or invalid option
     */
    Backend create(Map<String, String> options);
}
