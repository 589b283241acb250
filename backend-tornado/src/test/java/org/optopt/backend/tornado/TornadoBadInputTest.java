package org.optopt.backend.tornado;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
 * Bad input that can be provoked on any TornadoVM device: a device that does not exist, and a kernel
 * that needs more device memory than it may have. Each is a one-line error naming what is wrong
 * (and the kernel and the device), never a run on the host. Skipped, saying why, without a
 * TornadoVM SDK.
 */
class TornadoBadInputTest {
    private final TornadoBackendProvider provider = new TornadoBackendProvider();

    private void assumeAvailable() {
        Availability a = provider.availability();
        assumeTrue(a.available(), () -> "tornado backend unavailable: " + a.reason());
    }

    @Test
    void aDeviceIndexOutOfRangeListsTheDevices() {
        assumeAvailable();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> provider.create(Map.of(TornadoBackendProvider.DEVICE, "99")));
        assertTrue(e.getMessage().startsWith("Backend 'tornado': option device=99 matches no devices; the devices are [0:0 "),
                e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    }

    /**
     * With {@code memory-limit=1MB} a kernel over two buffers of 4 MB cannot get its device memory:
     * the run fails naming the kernel and the device, and the tensor keeps its values (nothing ran
     * on the host instead).
     */
    @Test
    void aKernelBeyondTheDeviceMemoryItMayUseFailsNamingKernelAndDevice() {
        assumeAvailable();
        try (Backend backend = provider.create(Map.of(TornadoBackendProvider.MEMORY_LIMIT, "1MB"))) {
            Kernel kernel = Kernel.builder("twice").store("x", Expr.buffer("x").plus(Expr.buffer("y"))).build();
            CompiledKernel compiled = backend.compile(kernel);
            int n = 1 << 20;
            float[] ones = new float[n];
            java.util.Arrays.fill(ones, 1f);
            Tensor x = backend.fromArray(ones, Shape.vector(n));
            Tensor y = backend.fromArray(ones, Shape.vector(n));
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> compiled.run(compiled.args().buffer("x", x).buffer("y", y)));
            assertTrue(e.getMessage().startsWith("Kernel twice ran out of memory on TornadoVM device 0:"), e.getMessage());
            assertTrue(e.getMessage().contains("memory-limit=1MB"), e.getMessage());
            assertEquals(1, e.getMessage().lines().count(), e.getMessage());
            assertArrayEquals(ones, x.toArray(), "nothing ran");
        }
    }
}
