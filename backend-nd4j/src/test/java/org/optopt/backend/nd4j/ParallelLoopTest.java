package org.optopt.backend.nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.optopt.api.kernel.Expr.buffer;
import static org.optopt.api.kernel.Expr.local;
import static org.optopt.api.kernel.Expr.scalar;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.optopt.api.backend.Backend;
import org.optopt.api.backend.CompiledKernel;
import org.optopt.api.backend.KernelArgs;
import org.optopt.api.concurrent.WorkerTeam;
import org.optopt.api.kernel.Kernel;
import org.optopt.api.kernel.KernelPlan;
import org.optopt.api.kernel.ReduceOp;
import org.optopt.api.kernel.Reductions;
import org.optopt.api.kernel.UnaryOp;
import org.optopt.api.tensor.Shape;
import org.optopt.api.tensor.Tensor;

/** Split passes against one-thread passes: stores bit for bit, extrema exactly, sums to rounding. */
class ParallelLoopTest {
    private static final Kernel KERNEL = Kernel.builder("split")
            .let("c", buffer("m").times(scalar("b")).plus(buffer("g")))
            .store("p", buffer("p").minus(scalar("lr").times(local("c").apply(UnaryOp.TANH))))
            .store("m", local("c"))
            .reduce("sum", ReduceOp.SUM, buffer("g").times(buffer("g")))
            .reduce("max", ReduceOp.MAX, buffer("g"))
            .reduce("min", ReduceOp.MIN, buffer("p"))
            .build();
    private static final ReduceOp[] OPS = {ReduceOp.SUM, ReduceOp.MAX, ReduceOp.MIN};

    @Test
    void cutsOnlyRangesLongEnoughForEveryThread() {
        ParallelLoop loop = new ParallelLoop(3, 100);
        assertEquals(1, loop.chunks(0));
        assertEquals(1, loop.chunks(199));
        assertEquals(2, loop.chunks(200));
        assertEquals(3, loop.chunks(1_000_000));
        assertEquals(1, new ParallelLoop(1, 1).chunks(1_000_000));
        assertThrows(IllegalArgumentException.class, () -> new ParallelLoop(0));
    }

    @ParameterizedTest
    @CsvSource({"2, 2048", "2, 5000", "3, 10007", "2, 1023", "4, 4096"})
    void splitPassesEqualOneThread(int threads, int n) {
        float[][] single = buffers(n, 7);
        float[][] split = buffers(n, 7);
        ElementLoop loop = KernelCompiler.loop(KernelPlan.of(KERNEL));
        float[] uniforms = uniforms();
        double[] one = identities();
        double[] many = identities();
        new ParallelLoop(1).run(loop, single, uniforms, one, OPS, n);
        new ParallelLoop(threads, 512).run(loop, split, uniforms, many, OPS, n);
        for (int b = 0; b < single.length; b++) {
            assertArrayEquals(single[b], split[b], "buffer " + KERNEL.buffers().get(b));
        }
        assertEquals(one[0], many[0], 1e-12 * Math.abs(one[0]), "sum");
        assertEquals(one[1], many[1], "max");
        assertEquals(one[2], many[2], "min");
    }

    @Test
    void aNaNInALaterChunkReachesTheExtrema() {
        int n = 4096;
        float[][] buffers = buffers(n, 3);
        buffers[1][n - 5] = Float.NaN; // g, read by the sum and the maximum
        double[] r = identities();
        new ParallelLoop(2, 1024).run(KernelCompiler.loop(KernelPlan.of(KERNEL)), buffers,
                uniforms(), r, OPS, n);
        assertTrue(Double.isNaN(r[0]) && Double.isNaN(r[1]), Arrays.toString(r));
    }

    /**
     * The second rule: a range too short for the first goes to a worker only while one spins, and
     * only for a loop without sums; the stores and extrema are the same as on one thread.
     */
    @Test
    void shortRangesWithoutSumsGoToSpinningWorkersOnly() {
        int n = 40_000;
        ReduceOp[] extrema = {ReduceOp.MAX};
        WorkerTeam parking = new WorkerTeam(0, false);
        assertEquals(List.of("0-40000"), ranges(new ParallelLoop(2, 1 << 20, 1 << 14, parking), extrema, n),
                "no worker spins");
        WorkerTeam spinning = new WorkerTeam(300_000_000L, false);
        startSpinning(spinning);
        ParallelLoop loop = new ParallelLoop(2, 1 << 20, 1 << 14, spinning);
        assertEquals(List.of("0-20480", "20480-40000"), ranges(loop, extrema, n), "split on 1024-element boundaries");
        assertEquals(List.of("0-40000"), ranges(loop, new ReduceOp[] {ReduceOp.SUM}, n), "a sum would depend on the split");
        assertEquals(List.of("0-30000"), ranges(loop, extrema, 30_000), "shorter than two chunks of 2^14");
        assertEquals(List.of("0-40000"), ranges(new ParallelLoop(1, 1 << 20, 1 << 14, spinning), extrema, n),
                "one kernel thread");

        // the generated loop of a kernel without sums: stores bit for bit, extrema exactly
        Kernel noSums = Kernel.builder("no_sums")
                .store("p", buffer("p").minus(scalar("lr").times(buffer("g").apply(UnaryOp.TANH))))
                .reduce("max", ReduceOp.MAX, buffer("g"))
                .build();
        float[][] single = buffers(n, 5);
        float[][] split = buffers(n, 5);
        ElementLoop compiled = KernelCompiler.loop(KernelPlan.of(noSums));
        float[] uniforms = KernelPlan.of(noSums).evaluateUniforms(new double[] {0.01});
        double[] one = {Double.NEGATIVE_INFINITY};
        double[] two = {Double.NEGATIVE_INFINITY};
        assertEquals(List.of("p", "g"), noSums.buffers());
        new ParallelLoop(1).run(compiled, new float[][] {single[2], single[1]}, uniforms, one, extrema, n);
        startSpinning(spinning);
        loop.run(compiled, new float[][] {split[2], split[1]}, uniforms, two, extrema, n);
        assertArrayEquals(single[2], split[2]);
        assertEquals(one[0], two[0]);
    }

    /** Runs a task on a worker of {@code team}, which then spins (for 0.3 s in these tests). */
    private static void startSpinning(WorkerTeam team) {
        team.run(2, k -> {
            if (k == 0) {
                try {
                    Thread.sleep(50); // so that the worker runs task 1, rather than the caller taking it back
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return 0;
        });
    }

    /** The ranges {@code loop} cuts {@code [0, n)} into, in order. */
    private static List<String> ranges(ParallelLoop loop, ReduceOp[] ops, int n) {
        List<String> ranges = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        double[] reductions = new double[ops.length];
        loop.run((buffers, uniforms, r, from, to) -> ranges.add(from + "-" + to), new float[0][], new float[0],
                reductions, ops, n);
        return ranges.stream().sorted(java.util.Comparator.comparingInt(r -> Integer.parseInt(r.split("-")[0])))
                .toList();
    }

    /** Through the backend with its real threshold: two kernel threads against one. */
    @Test
    void backendKernelsOnLargeTensorsDoNotDependOnTheThreadCount() {
        int n = 2 * ParallelLoop.MIN_ELEMENTS_PER_THREAD + 37;
        float[][] results = new float[2][];
        double[][] sums = new double[2][];
        for (int t = 1; t <= 2; t++) {
            try (Backend backend = new Nd4jBackend(1, t)) {
                float[][] init = buffers(n, 11);
                Tensor m = backend.fromArray(init[0], Shape.vector(n));
                Tensor g = backend.fromArray(init[1], Shape.vector(n));
                Tensor p = backend.fromArray(init[2], Shape.vector(n));
                CompiledKernel k = backend.compile(KERNEL);
                KernelArgs args = k.args().buffer("p", p).buffer("m", m).buffer("g", g).scalar("b", 0.9)
                        .scalar("lr", 0.01);
                Reductions r = k.run(args);
                results[t - 1] = p.toArray();
                sums[t - 1] = new double[] {r.get("sum"), r.get("max"), r.get("min")};
            }
        }
        assertArrayEquals(results[0], results[1]);
        assertEquals(sums[0][0], sums[1][0], 1e-12 * sums[0][0]);
        assertEquals(sums[0][1], sums[1][1]);
        assertEquals(sums[0][2], sums[1][2]);
    }

    /** The uniform slots for b = 0.9, lr = 0.01. */
    private static float[] uniforms() {
        Map<String, Double> values = Map.of("b", 0.9, "lr", 0.01);
        return KernelPlan.of(KERNEL).evaluateUniforms(KERNEL.scalars().stream().mapToDouble(values::get).toArray());
    }

    private static double[] identities() {
        return new double[] {OPS[0].identity(), OPS[1].identity(), OPS[2].identity()};
    }

    /** m, g, p (the kernel's buffer order), filled from {@code seed}. */
    private static float[][] buffers(int n, long seed) {
        assertEquals(List.of("m", "g", "p"), KERNEL.buffers());
        SplittableRandom random = new SplittableRandom(seed);
        float[][] b = new float[3][n];
        for (float[] a : b) {
            for (int i = 0; i < n; i++) {
                a[i] = (float) random.nextGaussian();
            }
        }
        return b;
    }
}
