package org.optopt.backend.tornado;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.optopt.api.backend.CompiledKernel;
import org.optopt.api.backend.KernelArgs;
import org.optopt.api.kernel.Expr;
import org.optopt.api.kernel.Kernel;
import org.optopt.api.kernel.KernelInterpreter;
import org.optopt.api.tensor.Shape;
import org.optopt.api.tensor.Tensor;

/**
 * A compiled kernel run on new tensors of a shape it has run on reuses its device code: no new
 * device compilation (the backend's count of TornadoVM task graphs run for the first time: TornadoVM
 * compiles a graph on its first execution and keeps the code with its plan, which its profiler
 * confirms: compile time above zero on exactly those runs). Values equal the kernel interpreter's.
 * Skipped, saying why, without a TornadoVM SDK.
 */
class TornadoCompilationTest extends DeviceUnderTest {
    private static final Kernel DECAY = Kernel.builder("decay_compilations")
            .store("x", Expr.buffer("x").times(Expr.scalar("a")).plus(Expr.buffer("g")))
            .build();

    private static long compilations() {
        return ((DeviceCompilations) backend).compilations();
    }

    /**
     * The first run compiles the task's loading graph and the second its resident graph (both of one
     * plan); then new tensors {@code x2, g2} of the same length, while {@code x1} still lives on the
     * device, run without a compilation or a plan ({@code x1} moves out of the plan's slots, coming
     * back to the host), and so do a third pair and {@code x1} again... until a tensor pushed out
     * comes back while another binding is resident: {@code x1} after {@code x3} gets a plan of its
     * own (one plan, two compilations), after which the two alternate without any.
     */
    @Test
    void newTensorsOfAKnownLengthReuseTheCompiledTask() {
        CompiledKernel compiled = backend.compile(DECAY);
        int n = 300;
        Pair p1 = new Pair(n, 1);
        long compilations = compilations();
        p1.run(compiled, 2);
        assertEquals(compilations + 2, compilations(), "the first two runs compile the loading and the resident graph");

        Pair p2 = new Pair(n, 2);
        p2.run(compiled, 3);
        Pair p3 = new Pair(n, 3);
        p3.run(compiled, 1);
        assertEquals(compilations + 2, compilations(), "new tensors of the same length: no compilation");
        p1.check();
        p2.check();

        p1.run(compiled, 1);
        p3.run(compiled, 1);
        p1.run(compiled, 2);
        p3.run(compiled, 2);
        assertEquals(compilations + 4, compilations(), "x1, pushed out and back, gets a plan of its own");
        p1.check();
        p3.check();

        Pair other = new Pair(n + 1, 4);
        other.run(compiled, 1);
        assertEquals(compilations + 5, compilations(), "another length is another task");
        other.check();
    }

    /** Tensors {@code x} and {@code g} on the device and {@code x} as the interpreter computes it. */
    private static final class Pair {
        final Tensor xt;
        final Tensor gt;
        final float[] g;
        float[] x;

        Pair(int n, long seed) {
            SplittableRandom r = new SplittableRandom(seed);
            x = new float[n];
            g = new float[n];
            for (int i = 0; i < n; i++) {
                x[i] = (float) r.nextDouble(-1, 1);
                g[i] = (float) r.nextDouble(-1, 1);
            }
            xt = backend.fromArray(x, Shape.vector(n));
            gt = backend.fromArray(g, Shape.vector(n));
        }

        void run(CompiledKernel compiled, int times) {
            KernelArgs args = new KernelArgs(DECAY).buffer("x", xt).buffer("g", gt).scalar("a", 0.75);
            for (int i = 0; i < times; i++) {
                compiled.run(args);
                KernelInterpreter.run(DECAY, Map.of("x", x, "g", g), Map.of("a", 0.75));
            }
        }

        void check() {
            assertArrayEquals(x, xt.toArray());
        }
    }
}
