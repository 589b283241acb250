package org.optopt.backend.nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.optopt.api.kernel.Expr.buffer;
import static org.optopt.api.kernel.Expr.constant;
import static org.optopt.api.kernel.Expr.scalar;
import static org.optopt.api.testkit.TestData.deepCopy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.optopt.api.kernel.Expr;
import org.optopt.api.kernel.Kernel;
import org.optopt.api.kernel.KernelInterpreter;
import org.optopt.api.kernel.KernelPlan;
import org.optopt.api.kernel.ReduceOp;
import org.optopt.api.kernel.Statement;
import org.optopt.api.kernel.UnaryOp;

/**
 * Kernels run in stages ({@link KernelStages}) against the same kernels in one loop and the
 * reference {@link KernelInterpreter}: stored buffers bit for bit, reductions bit for bit against one
 * loop (staging keeps the summation order), on sizes that span several blocks and end mid-block.
 */
class KernelStagesTest {
    private static final Map<String, Double> SCALARS = Map.of("a", 0.75, "b", -1.5);

    @Test
    void randomKernelsInStagesComputeTheSameBitsAsInOneLoop() {
        SplittableRandom random = new SplittableRandom(20261207);
        int staged = 0;
        for (int i = 0; i < 120; i++) {
            Kernel k = new KernelCompilerTest.RandomKernels(random).kernel("random" + i);
            int limit = List.of(1, 6, 16).get(i % 3);
            List<KernelStages.Stage> stages = KernelStages.of(KernelPlan.of(k).statements(), limit);
            staged += stages.size() > 1 ? 1 : 0;
            assertSameAsOneLoop(k, stages, 1 + random.nextInt(2 * KernelStages.BLOCK + 600));
        }
        assertTrue(staged > 100, staged + " of 120 kernels were cut into stages");
    }

    @Test
    void aLongProgramIsCutAtTheDefaultLimitAndAdamIsNot() {
        Expr x = buffer("x");
        Kernel deep = Kernel.builder("deep_tanh")
                .let("t", x.apply(UnaryOp.TANH).apply(UnaryOp.TANH).times(scalar("a")).apply(UnaryOp.TANH))
                .store("x", Expr.local("t").times(buffer("y")))
                .store("y", buffer("y").minus(x.times(scalar("b"))))
                .sum("s", Expr.local("t").times(x))
                .reduce("m", ReduceOp.MAX, Expr.local("t").apply(UnaryOp.SIGMOID))
                .build();
        KernelPlan plan = KernelPlan.of(deep);
        List<KernelStages.Stage> stages = KernelStages.of(plan);
        assertTrue(stages.size() > 1, "stages: " + stages);
        for (KernelStages.Stage stage : stages) {
            assertTrue(stage.statements().size() == 1 || KernelStages.cost(stage.statements()) <= KernelStages.LIMIT,
                    "stage over the limit: " + stage);
        }
        assertSameAsOneLoop(deep, stages, 3 * KernelStages.BLOCK + 5);
        assertEquals(1, KernelStages.of(KernelPlan.of(KernelCompilerTest.adam())).size());
    }

    @Test
    void sumsAreCutIntoStagesOfAtMostMaxSumsWithTheBitsOfOneLoop() {
        Kernel.Builder b = Kernel.builder("lags").sum("r0", buffer("g").times(buffer("g")));
        for (int k = 1; k <= 4; k++) {
            b.sum("r" + k, buffer("g").times(buffer("prev" + k)));
        }
        Kernel lags = b.store("prev4", buffer("g")).build();
        List<KernelStages.Stage> stages = KernelStages.of(KernelPlan.of(lags));
        assertEquals(3, stages.size(), "stages: " + stages);
        for (KernelStages.Stage stage : stages) {
            long sums = stage.statements().stream()
                    .filter(st -> st instanceof Statement.Reduce r && r.op() == ReduceOp.SUM).count();
            assertTrue(sums <= KernelStages.MAX_SUMS, "stage with " + sums + " sums: " + stage);
        }
        assertSameAsOneLoop(lags, stages, 3 * SumLanes.LANES + 7);
    }

    @Test
    void stagesSplitOverThreadsMatchOneThread() {
        Expr chain = buffer("x");
        for (int i = 0; i < 12; i++) {
            chain = chain.times(buffer("y")).plus(constant(0.25)).apply(UnaryOp.TANH);
        }
        Kernel k = Kernel.builder("chain").store("z", chain).sum("s", chain.times(buffer("x"))).build();
        KernelPlan plan = KernelPlan.of(k);
        ElementLoop loop = KernelCompiler.loop(plan, KernelStages.of(plan.statements(), 8));
        int n = 5 * KernelStages.BLOCK + 77;
        float[][] one = inputs(k, n, new SplittableRandom(3));
        float[][] two = deepCopy(one);
        double[] r1 = {0};
        double[] r2 = {0};
        float[] uniforms = plan.evaluateUniforms(new double[0]);
        new ParallelLoop(1).run(loop, one, uniforms, r1, new ReduceOp[] {ReduceOp.SUM}, n);
        new ParallelLoop(2, 1024).run(loop, two, uniforms, r2, new ReduceOp[] {ReduceOp.SUM}, n);
        assertBitsEqual(one, two, k);
        assertEquals(r1[0], r2[0], 1e-12 * n);
    }

    /** Runs {@code k} in {@code stages} and in one loop over the same inputs; both must give the same bits and the interpreter's stores. */
    private static void assertSameAsOneLoop(Kernel k, List<KernelStages.Stage> stages, int n) {
        KernelPlan plan = KernelPlan.of(k);
        float[][] staged = inputs(k, n, new SplittableRandom(k.hashCode()));
        float[][] single = deepCopy(staged);
        Map<String, float[]> interpreted = new LinkedHashMap<>();
        for (int b = 0; b < staged.length; b++) {
            interpreted.put(k.buffers().get(b), staged[b].clone());
        }
        Map<String, Double> scalars = new LinkedHashMap<>();
        k.scalars().forEach(s -> scalars.put(s, SCALARS.get(s)));
        double[] sc = k.scalars().stream().mapToDouble(SCALARS::get).toArray();
        double[] stagedSums = identities(k);
        double[] singleSums = identities(k);
        KernelCompiler.loop(plan, stages).run(staged, plan.evaluateUniforms(sc), stagedSums, 0, n);
        KernelCompiler.loop(plan, List.of(KernelStages.single(plan)))
                .run(single, plan.evaluateUniforms(sc), singleSums, 0, n);
        KernelInterpreter.run(k, interpreted, scalars);
        assertBitsEqual(single, staged, k);
        assertBitsEqual(interpreted.values().toArray(float[][]::new), staged, k);
        for (int r = 0; r < stagedSums.length; r++) {
            assertEquals(Double.doubleToLongBits(singleSums[r]), Double.doubleToLongBits(stagedSums[r]),
                    k + "reduction " + k.reductions().get(r) + ": " + singleSums[r] + " vs " + stagedSums[r]);
        }
    }

    private static double[] identities(Kernel k) {
        double[] out = new double[k.reductions().size()];
        for (Statement st : k.statements()) {
            if (st instanceof Statement.Reduce r) {
                out[k.reductions().indexOf(r.name())] = r.op().identity();
            }
        }
        return out;
    }

    private static float[][] inputs(Kernel k, int n, SplittableRandom random) {
        float[][] arrays = new float[k.buffers().size()][n];
        for (float[] a : arrays) {
            for (int i = 0; i < n; i++) {
                a[i] = (float) random.nextGaussian();
            }
        }
        return arrays;
    }


    private static void assertBitsEqual(float[][] expected, float[][] actual, Kernel k) {
        for (int b = 0; b < expected.length; b++) {
            for (int i = 0; i < expected[b].length; i++) {
                if (Float.floatToIntBits(expected[b][i]) != Float.floatToIntBits(actual[b][i])) {
                    fail(k + "buffer " + k.buffers().get(b) + "[" + i + "]: " + expected[b][i] + " vs " + actual[b][i]);
                }
            }
        }
    }
}
