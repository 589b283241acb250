package org.optopt.optimizers.gap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.optopt.api.backend.Backend;
import org.optopt.api.optim.Optimizers;
import org.optopt.api.optim.Parameter;
import org.optopt.api.optim.ParameterSet;
import org.optopt.api.tensor.Shape;
import org.optopt.api.testkit.ReferenceBackend;
import org.optopt.optimizers.TestProblems;
import org.optopt.optimizers.golden.ErrorMeter;
import org.optopt.optimizers.golden.QuarticProblem;
import org.optopt.optimizers.hyper.TestBackends;
import org.optopt.testsupport.SharedFiles;

class GapTest {

    @SuppressWarnings("unchecked")
    private static Map<String, Object> problem() throws IOException {
        Path dir = SharedFiles.configured().goldenDir();
        String text = Files.readString(dir.resolve("optopt-gap-sgdm.json"), StandardCharsets.UTF_8);
        return (Map<String, Object>) org.optopt.optimizers.golden.Json.parse(text);
    }

    /** Configurations with the switches the reference makes on the golden problem (GAP-Adam rarely switches there). */
    static Stream<Arguments> configurations() {
        return Stream.of(
                Arguments.of("gap-sgdm", Map.of("lr", 0.02, "momenta", List.of(0.0, 0.5, 0.9, 0.99)), 15),
                Arguments.of("gap-sgdm", Map.of("lr", 0.02, "momenta", List.of(0.0, 0.5, 0.9), "mode", "switch-per-tensor",
                        "j_ema", 0.6, "weight_decay", 0.05), 16),
                Arguments.of("gap-sgdm", Map.of("lr", 0.01, "momenta", List.of(0.3, 0.95), "j_ema", 0.9), 2),
                Arguments.of("gap-adam", Map.of("lr", 0.05, "beta1s", List.of(0.0, 0.5, 0.9, 0.99), "weight_decay", 0.1), 0),
                Arguments.of("gap-adam", Map.of("lr", 0.1, "beta1s", List.of(0.1, 0.2, 0.3), "mode", "switch-per-tensor",
                        "j_ema", 0.2, "weight_decay", 0.05, "beta2", 0.99, "eps", 1e-6), 2),
                Arguments.of("gap-adam", Map.of("lr", 0.2, "beta1s", List.of(0.1, 0.15, 0.2, 0.3, 0.5),
                        "mode", "switch-per-tensor"), 2));
    }

    /**
     * Against {@link GapReference} on the golden problem: the same candidate at every step and
     * tensor, parameters within 1e-5, and the same number of switches as the reference, which
     * makes {@code switches} of them (so that the cases exercise the choice).
     */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("configurations")
    void choosesAndStepsAsTheIndependentReference(String name, Map<String, Object> config, int switches) throws IOException {
        check(name, config, switches, new ReferenceBackend());
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("configurations")
    void choosesAndStepsAsTheIndependentReferenceOnNd4j(String name, Map<String, Object> config, int switches)
            throws IOException {
        check(name, config, switches, TestBackends.nd4j());
    }

    @SuppressWarnings("unchecked")
    private static void check(String name, Map<String, Object> config, int expectedSwitches, Backend backend)
            throws IOException {
        Map<String, Object> json = problem();
        GapDefinition def = (GapDefinition) Optimizers.discover().provider(name);
        var resolved = def.resolve(config);
        Map<String, Double> h = resolved.hyperparameters();
        double[] candidates = resolved.lists().get(def.candidates().name()).stream().mapToDouble(Double::doubleValue).toArray();
        GapReference reference = new GapReference(name.equals("gap-adam"), candidates,
                resolved.choices().get("mode").equals(GapDefinition.SWITCH_PER_TENSOR), h.get("lr"), h.get("j_ema"),
                h.get("weight_decay"), h.getOrDefault("beta2", 0.0), h.getOrDefault("eps", 1.0));
        float q = (float) (double) (Double) json.get("q");
        Map<String, Map<String, Object>> tensors = (Map<String, Map<String, Object>>) json.get("tensors");
        Map<String, float[]> params = new LinkedHashMap<>();
        tensors.forEach((n, t) -> params.put(n, floats(t.get("p0"))));
        ErrorMeter meter = new ErrorMeter();
        long switches = 0;
        Map<String, Integer> previous = Map.of();
        try (QuarticProblem problem = new QuarticProblem(json, backend);
             GapOptimizer opt = def.create(backend, problem.parameterSet(), config)) {
            for (int t = 0; t < problem.steps(); t++) {
                Map<String, float[]> grads = new LinkedHashMap<>();
                for (Map.Entry<String, Map<String, Object>> e : tensors.entrySet()) {
                    float[] a = floats(e.getValue().get("a"));
                    float[] c = floats(e.getValue().get("c"));
                    float[] noise = floats(((List<Object>) e.getValue().get("noise")).get(t));
                    float[] p = params.get(e.getKey());
                    float[] g = new float[p.length];
                    for (int i = 0; i < p.length; i++) {
                        float d = p[i] - c[i];
                        g[i] = a[i] * d + q * ((d * d) * d) + noise[i];
                    }
                    grads.put(e.getKey(), g);
                }
                reference.step(params, grads);
                problem.computeGradients(t);
                opt.step();
                Map<String, Integer> chosen = new LinkedHashMap<>(reference.choices());
                for (Parameter p : problem.parameters()) {
                    assertEquals(chosen.get(p.name()), opt.choice(p.name()), name + " step " + (t + 1) + " " + p.name());
                    meter.compare("step " + (t + 1) + " " + p.name(), p.value().toArray(), doubles(params.get(p.name())));
                }
                switches += changes(previous, chosen, resolved.choices().get("mode"));
                previous = chosen;
            }
            assertTrue(meter.maxRel() <= 1e-5, () -> name + ": max relative error " + meter.maxRel() + " at " + meter.worst());
            assertEquals(switches, opt.switches());
            assertEquals(expectedSwitches, switches, "the reference's switches");
        }
    }

    private static long changes(Map<String, Integer> before, Map<String, Integer> after, String mode) {
        if (before.isEmpty()) {
            return 0;
        }
        long n = after.keySet().stream().filter(k -> !after.get(k).equals(before.get(k))).count();
        return mode.equals(GapDefinition.SWITCH) ? Math.min(n, 1) : n;
    }

    private static float[] floats(Object list) {
        List<?> l = (List<?>) list;
        float[] out = new float[l.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) (double) (Double) l.get(i);
        }
        return out;
    }

    private static double[] doubles(float[] f) {
        double[] out = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            out[i] = f[i];
        }
        return out;
    }

    @Test
    void traceRecordsTheChosenCandidateAndTheSwitchCount() {
        Backend backend = new ReferenceBackend();
        List<Parameter> params = TestProblems.parameters(backend, 3, Shape.matrix(3, 4), Shape.vector(5));
        try (GapOptimizer model = (GapOptimizer) Optimizers.discover().provider("gap-sgdm")
                .create(backend, ParameterSet.of(params), Map.of("lr", 0.1, "momenta", List.of(0.0, 0.9)));
             GapOptimizer perTensor = (GapOptimizer) Optimizers.discover().provider("gap-adam")
                     .create(backend, ParameterSet.of(params), Map.of("mode", "switch-per-tensor"))) {
            assertTrue(model.trace().get("momentum").isNaN(), "no choice before the first step");
            TestProblems.parabola(params, 1);
            model.step();
            perTensor.step();
            // At t = 1 every buffer equals g: J_j = |g|^2 sqrt(1 - m_j^2) is largest for the smallest candidate.
            assertEquals(0.0, model.trace().get("momentum"));
            assertEquals(0.0, model.trace().get("switches"));
            assertEquals(List.of("lr", "weight_decay", "j_ema", "momentum", "switches"), List.copyOf(model.trace().keySet()));
            assertEquals(List.of("lr", "beta2", "eps", "weight_decay", "j_ema", "beta1.W", "beta1.b", "switches"),
                    List.copyOf(perTensor.trace().keySet()));
            assertEquals(0.5, perTensor.trace().get("beta1.W"));
        }
    }

    @Test
    void aStateOfOtherCandidatesIsRefused() {
        Backend backend = new ReferenceBackend();
        List<Parameter> params = TestProblems.parameters(backend, 3, Shape.vector(5));
        try (GapOptimizer a = (GapOptimizer) Optimizers.discover().provider("gap-sgdm")
                .create(backend, ParameterSet.of(params), Map.of("momenta", List.of(0.0, 0.9)));
             GapOptimizer b = (GapOptimizer) Optimizers.discover().provider("gap-sgdm")
                     .create(backend, ParameterSet.of(params), Map.of("momenta", List.of(0.0, 0.8)))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.loadState(a.state()));
            assertTrue(e.getMessage().contains("list/momenta=[0.0,0.9]"), e.getMessage());
        }
    }

    @Test
    void aStateWithAnInvalidChoiceIsRefusedAndNothingIsLoaded() {
        Backend backend = new ReferenceBackend();
        List<Parameter> params = TestProblems.parameters(backend, 3, Shape.vector(5));
        try (GapOptimizer opt = (GapOptimizer) Optimizers.discover().provider("gap-sgdm")
                .create(backend, ParameterSet.of(params), Map.of("momenta", List.of(0.0, 0.9)))) {
            TestProblems.parabola(params, 1);
            opt.step();
            var good = opt.state();
            Map<String, Double> scalars = new LinkedHashMap<>(good.scalars());
            scalars.put("param/W/choice", 2.0);
            scalars.put("param/W/t", 99.0);
            var bad = new org.optopt.api.optim.StateDict(good.optimizer(), good.parameters(), good.stepCount(),
                    good.skippedSteps(), good.options(), scalars, good.tensors());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> opt.loadState(bad));
            assertEquals("State holds candidate index 2.0 of parameter W, not one of -1 to 1", e.getMessage());
            assertEquals(good, opt.state());
        }
    }

    @Test
    void theUpdateRuleIsPrintedFromTheKernels() {
        String rule = Optimizers.discover().provider("gap-adam").updateRule(Map.of("mode", "switch-per-tensor"));
        assertTrue(rule.startsWith("kernel gap_adam_accumulate("), rule);
        assertTrue(rule.contains("m_2 = ") && rule.contains("alignment_2 = sum(") && rule.contains(", per tensor"), rule);
        assertTrue(rule.contains("kernel gap_adam_apply("), rule);
    }
}
