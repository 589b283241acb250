package org.optopt.backend.tornado;

import java.util.Locale;
import java.util.Optional;

/**
 * Where a device backend's time went, as the device runtime's profiler measured it: compiling,
 * running kernels on the device, and copying between host and device, so that benchmarks can
 * report transfers apart from compute. Profiling costs time itself (it waits for every device
 * event), so it is off unless asked for (the {@code tornado} backend's option {@code profile=true}).
 */
public interface DeviceTimes {

    /** The times since the backend was created, or empty if profiling is off. */
    Optional<Times> times();

    /**
     * Totals over every kernel run.
     *
     * @param kernelRuns kernel runs
     * @param compilations device compilations, as {@link DeviceCompilations} counts them
     * @param compileNanos compiling for the device (TornadoVM's compiler and the driver's)
     * @param kernelNanos the kernels on the device
     * @param transferNanos copies between host and device during runs and on demand
     * @param transfers the copies, counted as {@link DeviceTransfers} counts them
     */
    record Times(long kernelRuns, long compilations, long compileNanos, long kernelNanos, long transferNanos, DeviceTransfers.Counts transfers) {
        /** One line: the totals and, per kernel run, kernel and transfer time. */
        public String summary() {
            double runs = Math.max(1, kernelRuns);
            return String.format(Locale.ROOT,
                    "%d kernel runs: %d compilations %.1f ms, device kernels %.3f ms (%.3f ms/run), transfers %.3f ms (%.3f ms/run;"
                            + " %d to device, %.1f MiB; %d to host, %.1f MiB)",
                    kernelRuns, compilations, compileNanos / 1e6, kernelNanos / 1e6, kernelNanos / 1e6 / runs, transferNanos / 1e6,
                    transferNanos / 1e6 / runs, transfers.toDevice(), transfers.toDeviceBytes() / 1048576.0,
                    transfers.toHost(), transfers.toHostBytes() / 1048576.0);
        }
    }
}
