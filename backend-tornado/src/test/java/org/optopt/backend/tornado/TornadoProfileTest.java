package org.optopt.backend.tornado;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.optopt.api.backend.Availability;
import org.optopt.api.backend.Backend;
import org.optopt.api.backend.CompiledKernel;
import org.optopt.api.kernel.Expr;
import org.optopt.api.kernel.Kernel;
import org.optopt.api.tensor.Shape;
import org.optopt.api.tensor.Tensor;

/**
 * {@code profile=true} reports TornadoVM's profiler times apart from the transfer counts; without it
 * there are none. Skipped, saying why, without a TornadoVM SDK.
 */
class TornadoProfileTest {
    private final TornadoBackendProvider provider = new TornadoBackendProvider();

    @Test
    void profiledRunsReportCompileKernelAndTransferTimes() {
        Availability a = provider.availability();
        assumeTrue(a.available(), () -> "tornado backend unavailable: " + a.reason());
        try (Backend plain = provider.create(Map.of())) {
            assertTrue(((DeviceTimes) plain).times().isEmpty(), "not profiled");
        }
        try (Backend backend = provider.create(Map.of(TornadoBackendProvider.PROFILE, "true"))) {
            Kernel kernel = Kernel.builder("scaled").store("x", Expr.buffer("x").times(Expr.scalar("a"))).build();
            CompiledKernel compiled = backend.compile(kernel);
            Tensor x = backend.full(Shape.vector(4096), 1f);
            for (int i = 0; i < 3; i++) {
                compiled.run(compiled.args().buffer("x", x).scalar("a", 0.5));
            }
            x.toArray();
            DeviceTimes.Times t = ((DeviceTimes) backend).times().orElseThrow();
            assertEquals(3, t.kernelRuns());
            assertTrue(t.compileNanos() > 0, "the first runs compile: " + t.summary());
            assertTrue(t.kernelNanos() > 0, t.summary());
            assertTrue(t.transferNanos() > 0, t.summary());
            assertEquals(((DeviceTransfers) backend).transfers(), t.transfers());
            assertEquals(new DeviceTransfers.Counts(1, 4096 * 4, 1, 4096 * 4), t.transfers(), "x in once, back once");
        }
    }
}
