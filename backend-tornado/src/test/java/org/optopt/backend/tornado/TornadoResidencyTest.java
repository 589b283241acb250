package org.optopt.backend.tornado;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.optopt.api.backend.Backend;
import org.optopt.api.backend.CompiledKernel;
import org.optopt.api.backend.KernelArgs;
import org.optopt.api.kernel.Expr;
import org.optopt.api.kernel.Kernel;
import org.optopt.api.kernel.KernelInterpreter;
import org.optopt.api.optim.Optimizer;
import org.optopt.api.optim.Optimizers;
import org.optopt.api.optim.Parameter;
import org.optopt.api.optim.ParameterSet;
import org.optopt.api.tensor.Shape;
import org.optopt.api.testkit.ReferenceBackend;
import org.optopt.backend.tornado.DeviceTransfers.Counts;

/**
 * Tensors stay on the device between kernel runs: host-device copies counted over multi-step runs
 * (the counts follow from the transfer rules of the backend's design, stated in each test), and the
 * values checked against the reference backend (the kernel interpreter on host arrays). Skipped,
 * saying why, without a TornadoVM SDK.
 */
class TornadoResidencyTest extends DeviceUnderTest {
    private static Counts counts() {
        return ((DeviceTransfers) backend).transfers();
    }

    /**
     * Adam over two parameters for 12 steps, the host writing each gradient before each step. A step
     * runs two kernels per parameter, the optimizers' non-finite check (a reduction over the
     * gradient) and Adam's update; after the first step, which copies everything in, a step copies
     * in each gradient twice (once per kernel: both only read it, and each task graph holds its own
     * device copy) and back the check's reduction terms (one float per element), and never the
     * parameters or Adam's moments; reading the parameters at the end copies back exactly them.
     * Parameters and Adam's state equal the reference backend's bit for bit.
     */
    @Test
    void anOptimizersStateNeverLeavesTheDeviceAndAStepCopiesInOnlyTheGradients() {
        Shape[] shapes = {Shape.vector(1031), Shape.matrix(7, 5)};
        Backend reference = new ReferenceBackend();
        List<Parameter> onDevice = parameters(backend, shapes);
        List<Parameter> onHost = parameters(reference, shapes);
        Map<String, Object> config = Map.of("lr", 0.01);
        try (Optimizer device = Optimizers.discover().provider("adam").create(backend, ParameterSet.of(onDevice), config);
                Optimizer host = Optimizers.discover().provider("adam").create(reference, ParameterSet.of(onHost), config)) {
            long gradientBytes = 0;
            for (Shape s : shapes) {
                gradientBytes += (long) s.size() * Float.BYTES;
            }
            SplittableRandom random = new SplittableRandom(3);
            for (int step = 1; step <= 12; step++) {
                for (int i = 0; i < shapes.length; i++) {
                    float[] g = new float[shapes[i].size()];
                    for (int j = 0; j < g.length; j++) {
                        g[j] = (float) random.nextDouble(-1, 1);
                    }
                    onDevice.get(i).gradient().copyFrom(g);
                    onHost.get(i).gradient().copyFrom(g);
                }
                Counts before = counts();
                device.step();
                host.step();
                Counts during = counts().since(before);
                if (step > 1) {
                    assertEquals(new Counts(2L * shapes.length, 2 * gradientBytes, shapes.length, gradientBytes), during,
                            "copies of step " + step);
                }
            }
            Counts before = counts();
            for (int i = 0; i < shapes.length; i++) {
                assertArrayEquals(onHost.get(i).value().toArray(), onDevice.get(i).value().toArray(),
                        "parameter " + i + " after 12 steps");
            }
            assertEquals(new Counts(0, 0, shapes.length, gradientBytes), counts().since(before), "reading the parameters");
            assertEquals(host.state().toString(), device.state().toString(), "Adam's state");
        }
    }

    /**
     * A kernel that updates {@code x} in place from a read-only {@code g}: the first run copies in
     * both, later runs only {@code g}; a host read copies {@code x} back once (a second read copies
     * nothing); a host write to {@code x} makes the device copy stale, so the next run copies both
     * in again; after that run {@code x} is again current on the device, so the run after it copies
     * in only {@code g} — and every value equals the interpreter's.
     */
    @Test
    void hostReadsAndWritesBetweenRunsCopyOnlyWhatChanged() {
        Kernel kernel = Kernel.builder("decay")
                .store("x", Expr.buffer("x").times(Expr.scalar("a")).plus(Expr.buffer("g")))
                .build();
        CompiledKernel compiled = backend.compile(kernel);
        int n = 257;
        float[] x = random(n, 1);
        float[] g = random(n, 2);
        var xt = backend.fromArray(x, Shape.vector(n));
        var gt = backend.fromArray(g, Shape.vector(n));
        KernelArgs args = new KernelArgs(kernel).buffer("x", xt).buffer("g", gt).scalar("a", 0.5);
        long bytes = (long) n * Float.BYTES;

        assertEquals(new Counts(2, 2 * bytes, 0, 0), runs(compiled, args, 1), "first run");
        x = reference(kernel, x, g, 1);
        assertEquals(new Counts(2, 2 * bytes, 0, 0), runs(compiled, args, 2), "two more runs");
        x = reference(kernel, x, g, 2);

        Counts before = counts();
        assertArrayEquals(x, xt.toArray());
        assertArrayEquals(x, xt.toArray());
        assertEquals(new Counts(0, 0, 1, bytes), counts().since(before), "two reads");

        x = random(n, 3);
        xt.copyFrom(x);
        assertEquals(new Counts(2, 2 * bytes, 0, 0), runs(compiled, args, 1), "run after a host write");
        assertEquals(new Counts(1, bytes, 0, 0), runs(compiled, args, 1), "the run after it");
        x = reference(kernel, x, g, 2);
        assertArrayEquals(x, xt.toArray());
    }

    private static Counts runs(CompiledKernel kernel, KernelArgs args, int times) {
        Counts before = counts();
        for (int i = 0; i < times; i++) {
            kernel.run(args);
        }
        return counts().since(before);
    }

    /** {@code x} after {@code times} runs of the interpreter (which overwrites it in place). */
    private static float[] reference(Kernel kernel, float[] x, float[] g, int times) {
        float[] out = x.clone();
        for (int i = 0; i < times; i++) {
            KernelInterpreter.run(kernel, Map.of("x", out, "g", g), Map.of("a", 0.5));
        }
        return out;
    }

    private static List<Parameter> parameters(Backend b, Shape... shapes) {
        List<Parameter> out = new ArrayList<>();
        for (int i = 0; i < shapes.length; i++) {
            out.add(new Parameter("p" + i, b.fromArray(random(shapes[i].size(), 10 + i), shapes[i]), b.zeros(shapes[i])));
        }
        return out;
    }
}
