/**
 * The stable surface of optopt: tensors, the compute-backend SPI, the kernel language in which
 * elementwise update rules are written once, and the contracts of optimizers and statistic probes.
 *
 * <p>This module depends on the JDK only. Backends are discovered through {@link java.util.ServiceLoader}
 * as providers of {@link org.optopt.api.backend.BackendProvider}.
 */
module org.optopt.api {
    requires java.management;

    exports org.optopt.api.tensor;
    exports org.optopt.api.backend;
    exports org.optopt.api.backend.support;
    exports org.optopt.api.kernel;
    exports org.optopt.api.optim;
    exports org.optopt.api.probe;
    exports org.optopt.api.bench;
    exports org.optopt.api.concurrent;

    uses org.optopt.api.backend.BackendProvider;
    uses org.optopt.api.optim.OptimizerProvider;
}
