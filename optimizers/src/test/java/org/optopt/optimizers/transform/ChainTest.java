package org.optopt.optimizers.transform;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.optopt.optimizers.transform.Chain.chain;
import static org.optopt.optimizers.transform.Transforms.addCoupledWeightDecay;
import static org.optopt.optimizers.transform.Transforms.addDecayedWeights;
import static org.optopt.optimizers.transform.Transforms.heavyBall;
import static org.optopt.optimizers.transform.Transforms.scaleByInverseTimeDecay;
import static org.optopt.optimizers.transform.Transforms.scaleByLearningRate;
import static org.optopt.optimizers.transform.Transforms.scaleByRms;
import static org.optopt.optimizers.transform.Transforms.scaleByRss;
import static org.optopt.optimizers.transform.Transforms.trace;
import static org.optopt.optimizers.transform.Transforms.traceIfMomentum;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.optopt.api.kernel.Kernel;
import org.optopt.api.kernel.KernelInterpreter;
import org.optopt.optimizers.ElementwiseRule;
import org.optopt.optimizers.TestProblems;

/**
 * The chain's semantics against closed forms written here, and Optax-style equivalences between
 * compositions (a transform whose hyperparameter makes it the identity leaves the trajectory bit
 * for bit unchanged), each over several steps of the scalar interpreter.
 */
class ChainTest {
    private static final int N = 33;
    private static final int STEPS = 4;

    /** Runs {@code steps} steps of {@code rule} from p and fixed gradients; returns p after each step, concatenated. */
    private static float[] run(ElementwiseRule rule, Map<String, Double> hyper) {
        Map<String, float[]> buffers = new LinkedHashMap<>();
        buffers.put(ElementwiseRule.PARAMETER, TestProblems.uniform(N, 1));
        for (ElementwiseRule.StateBuffer s : rule.stateBuffers()) {
            buffers.put(s.name(), new float[N]);
        }
        float[] out = new float[N * STEPS];
        for (int t = 1; t <= STEPS; t++) {
            buffers.put(ElementwiseRule.GRADIENT, TestProblems.uniform(N, 10 + t));
            Map<String, Double> scalars = new LinkedHashMap<>(hyper);
            scalars.put(ElementwiseRule.STEP, (double) t);
            scalars.keySet().retainAll(rule.kernel().scalars());
            KernelInterpreter.run(rule.kernel(), buffers, scalars);
            System.arraycopy(buffers.get(ElementwiseRule.PARAMETER), 0, out, (t - 1) * N, N);
        }
        return out;
    }

    @Test
    void theChainSubtractsTheScaledUpdateOnce() {
        double lr = 0.3;
        double wd = 0.05;
        ElementwiseRule rule = chain("l2_sgd", addCoupledWeightDecay(), scaleByLearningRate("lr"));
        float[] p = TestProblems.uniform(N, 1);
        float[] expected = new float[N * STEPS];
        for (int t = 1; t <= STEPS; t++) {
            float[] g = TestProblems.uniform(N, 10 + t);
            for (int i = 0; i < N; i++) {
                p[i] = p[i] - (float) lr * (g[i] + (float) wd * p[i]);
                expected[(t - 1) * N + i] = p[i];
            }
        }
        assertArrayEquals(expected, run(rule, Map.of("lr", lr, "weight_decay", wd)));
        assertEquals(1, rule.kernel().toString().split(" - ", -1).length - 1, "one subtraction: " + rule.kernel());
    }

    @Test
    void decayedWeightsAreATermOfTheirOwnSubtractedFirst() {
        ElementwiseRule rule = chain("decayed", addDecayedWeights(), scaleByLearningRate("lr"));
        float[] p = TestProblems.uniform(N, 1);
        float[] g = TestProblems.uniform(N, 11);
        float lr = 0.25f;
        float wd = 0.5f;
        float[] got = run(rule, Map.of("lr", 0.25, "weight_decay", 0.5));
        for (int i = 0; i < N; i++) {
            assertEquals(p[i] - lr * wd * p[i] - lr * g[i], got[i], "element " + i);
        }
    }

    @Test
    void momentumZeroAndNoDecayAreTheIdentity() {
        Map<String, Double> hyper = Map.of("lr", 0.1, "momentum", 0.0, "dampening", 0.0, "weight_decay", 0.0,
                "lr_decay", 0.0, "initial_accumulator_value", 0.1, "eps", 1e-3, "alpha", 0.9);
        assertArrayEquals(run(chain("plain", scaleByLearningRate("lr")), hyper),
                run(chain("sgd", trace(false), scaleByLearningRate("lr")), hyper), "torch SGD's trace");
        assertArrayEquals(run(chain("plain", scaleByLearningRate("lr")), hyper),
                run(chain("heavy", heavyBall(), scaleByLearningRate("lr")), hyper), "heavy ball");
        assertArrayEquals(run(chain("rms", scaleByRms(false), scaleByLearningRate("lr")), hyper),
                run(chain("rms_momentum", scaleByRms(false), traceIfMomentum(), scaleByLearningRate("lr")), hyper),
                "RMSprop's momentum");
        assertArrayEquals(run(chain("rss", scaleByRss(), scaleByLearningRate("lr")), hyper),
                run(chain("rss_decay", scaleByRss(), scaleByLearningRate("lr"), scaleByInverseTimeDecay()), hyper),
                "Adagrad's lr_decay");
    }

    @Test
    void stagesStoreOrReadTheBufferBetweenThem() {
        Chain.Stage head = Chain.into("head", "G", addCoupledWeightDecay());
        Chain.Stage tail = Chain.from("tail", "P", heavyBall(), scaleByLearningRate("lr"));
        assertEquals(List.of(), head.state());
        assertEquals(List.of("buf"), tail.state().stream().map(ElementwiseRule.StateBuffer::name).toList());
        Map<String, float[]> b = new LinkedHashMap<>(Map.of("g", new float[] {2}, "p", new float[] {1}, "G", new float[1]));
        KernelInterpreter.run(head.kernel(), b, Map.of("weight_decay", 0.5));
        assertArrayEquals(new float[] {2.5f}, b.get("G"));
        assertArrayEquals(new float[] {1}, b.get("p"), "the head leaves p alone");
        Map<String, float[]> c = new LinkedHashMap<>(Map.of("P", new float[] {4}, "p", new float[] {1}, "buf", new float[] {1}));
        KernelInterpreter.run(tail.kernel(), c, Map.of("momentum", 0.5, "lr", 0.25));
        assertArrayEquals(new float[] {4.5f}, c.get("buf"));
        assertArrayEquals(new float[] {1 - 0.25f * 4.5f}, c.get("p"));
    }

    @Test
    void twoTransformsCannotDeclareOneBuffer() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> chain("twice", heavyBall(), heavyBall(), scaleByLearningRate("lr")));
        assertTrue(e.getMessage().contains("State buffer buf is declared by two transforms of rule twice"), e.getMessage());
        IllegalStateException s = assertThrows(IllegalStateException.class,
                () -> chain("late", scaleByRms(false), traceIfMomentum(), scaleByRss()));
        assertTrue(s.getMessage().contains("choice between updates"), s.getMessage());
        Kernel k = chain("ok", scaleByLearningRate("lr")).kernel();
        assertEquals(List.of("p", "g"), k.buffers());
    }
}
