package org.optopt.cli;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.ServiceLoader;
import java.util.function.Supplier;
import org.optopt.api.backend.Backend;
import org.optopt.api.backend.Backends;
import org.optopt.api.bench.IncumbentProvider;
import org.optopt.api.optim.Optimizers;
import org.optopt.cli.session.BackendChoice;
import org.optopt.tasks.suite.TaskRegistry;

/**
 * The composition root's bindings: the registries (discovered backends and optimizers, the task
 * suite) and the one backend chosen for this
 * run (created lazily, on first use, from the user's {@link BackendChoice}). Commands ask for a
 * {@code Supplier<Backend>}.
 */
class CliModule extends AbstractModule {

    @Provides
    @Singleton
    Backends backends() {
        return Backends.discover();
    }

    @Provides
    @Singleton
    Optimizers optimizers() {
        return Optimizers.discover();
    }

    /** The optional benchmark peers of the backends ({@code bench kernel}'s incumbents), discovered like the backends. */
    @Provides
    @Singleton
    List<IncumbentProvider> benchmarkPeers() {
        return ServiceLoader.load(IncumbentProvider.class).stream().map(ServiceLoader.Provider::get).toList();
    }

    @Provides
    @Singleton
    TaskRegistry tasks() {
        return TaskRegistry.standard();
    }

    /**
     * The backend for this run, created on first use (after the command line is parsed). A plain
     * supplier rather than a Guice provider: creation errors reach the user as they are.
     */
    @Provides
    @Singleton
    Supplier<Backend> backend(Backends backends, BackendChoice choice) {
        return new Supplier<>() {
            private Backend backend;

            @Override
            public synchronized Backend get() {
                if (backend == null) {
                    backend = backends.create(choice.name(), choice.options());
                }
                return backend;
            }
        };
    }
}
