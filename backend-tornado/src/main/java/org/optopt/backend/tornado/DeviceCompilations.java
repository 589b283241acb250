package org.optopt.backend.tornado;

/**
 * How many device compilations a device backend has started, so that tests and benchmarks can check
 * that running a compiled kernel on new tensors reuses its device code.
 */
public interface DeviceCompilations {

    /**
     * The device compilations since the backend was created: for TornadoVM, the task graphs run for
     * the first time (TornadoVM compiles a graph for the device on its first execution and keeps the
     * code with its execution plan).
     */
    long compilations();
}
