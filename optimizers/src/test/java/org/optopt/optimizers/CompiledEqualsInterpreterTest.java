package org.optopt.optimizers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.optopt.api.backend.Backend;
import org.optopt.api.backend.Backends;
import org.optopt.api.kernel.Expr;
import org.optopt.api.kernel.Kernel;
import org.optopt.api.kernel.KernelInterpreter;
import org.optopt.api.optim.Optimizers;
import org.optopt.api.optim.Parameter;
import org.optopt.api.optim.ParameterSet;
import org.optopt.api.tensor.Shape;

/**
 * Every elementwise optimizer run through nd4j's compiled kernel equals the reference: the same rule
 * replayed on host arrays by {@link KernelInterpreter}, with state initialized and scalars advanced by
 * the interpreter too (one-element kernels; the rule's reduction passes, too), independently of {@link ElementwiseOptimizer} and of the
 * optimizers' own uniform evaluator (parameters and every state buffer to rtol 1e-6, scalar states to
 * rtol 1e-6 since the interpreter stores them in float; once checked, a step's scalar states are the
 * replay's next inputs, so that the rounding does not accumulate, e.g. Schedule-Free's weight sums), on
 * sizes that are not multiples of any vector width. nd4j is a test dependency, looked up by name through discovery, never imported. The
 * reference backend is not a case: its compile() is this interpreter, so the comparison would be vacuous.
 */
class CompiledEqualsInterpreterTest {
    private static final int[] SIZES = {1, 7, 13, 1031};
    private static final int STEPS = 6;

    static Stream<Arguments> cases() {
        Backend nd4j = Backends.discover().provider("nd4j").create(Map.of());
        return OptimizerCases.CASES.stream()
                .filter(c -> c.capabilities().elementwise())
                .flatMap(c -> c.valid().stream().map(v -> Arguments.of(nd4j, c.name(), v)));
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("cases")
    void compiledPathEqualsInterpreterOnHostArrays(Backend backend, String name, Map<String, Object> config) {
        ElementwiseDefinition def = (ElementwiseDefinition) Optimizers.discover().provider(name);
        OptimizerDefinition.Config resolved = def.resolve(config);
        ElementwiseRule rule = def.rule(resolved.choices());
        for (int n : SIZES) {
            List<Parameter> params = TestProblems.parameters(backend, n, Shape.vector(n));
            Parameter p = params.get(0);
            Map<String, float[]> host = new LinkedHashMap<>();
            host.put(ElementwiseRule.PARAMETER, p.value().toArray());
            for (ElementwiseRule.StateBuffer b : rule.stateBuffers()) {
                float[] init = new float[n];
                if (b.initial().isUniform()) {
                    java.util.Arrays.fill(init, (float) interpret(b.initial(), resolved.hyperparameters()));
                } else {
                    init = p.value().toArray(); // a copy of the initial parameter (Schedule-Free's z and x)
                }
                host.put(b.name(), init);
            }
            Map<String, Double> scalarState = new LinkedHashMap<>();
            rule.scalarStates().forEach(s -> scalarState.put(s.name(), s.initial()));
            try (ElementwiseOptimizer opt = def.create(backend, ParameterSet.of(params), config)) {
                for (int t = 1; t <= STEPS; t++) {
                    float[] g = TestProblems.uniform(n, 1000L * t + n);
                    p.gradient().copyFrom(g);
                    opt.step();
                    Map<String, Double> scalars = new LinkedHashMap<>(resolved.hyperparameters());
                    scalars.put(ElementwiseRule.STEP, (double) t);
                    scalars.putAll(scalarState);
                    host.put(ElementwiseRule.GRADIENT, g);
                    for (Kernel pass : rule.passes()) {
                        Map<String, Double> in = new LinkedHashMap<>(scalars);
                        in.keySet().retainAll(pass.scalars());
                        Map<String, float[]> read = new LinkedHashMap<>(host);
                        read.keySet().retainAll(pass.buffers());
                        scalars.putAll(KernelInterpreter.run(pass, read, in).asMap());
                    }
                    scalars.keySet().retainAll(rule.kernel().scalars());
                    KernelInterpreter.run(rule.kernel(), host, scalars);
                    Map<String, Double> env = new LinkedHashMap<>(resolved.hyperparameters());
                    env.put(ElementwiseRule.STEP, (double) t);
                    env.putAll(scalarState);
                    rule.scalarStates().forEach(s -> scalarState.put(s.name(), interpret(s.next(), env)));
                    host.remove(ElementwiseRule.GRADIENT);
                    assertClose(host.get(ElementwiseRule.PARAMETER), p.value().toArray(), name + " p, n=" + n + ", t=" + t);
                    for (ElementwiseRule.StateBuffer b : rule.stateBuffers()) {
                        assertClose(host.get(b.name()), opt.buffer("W", b.name()).toArray(),
                                name + " " + b.name() + ", n=" + n + ", t=" + t);
                    }
                    for (Map.Entry<String, Double> s : scalarState.entrySet()) {
                        double actual = opt.scalar("W", s.getKey());
                        assertEquals(s.getValue(), actual, 1e-6 * Math.abs(s.getValue()), name + " " + s.getKey());
                        s.setValue(actual); // checked: the replay goes on from it, so float rounding cannot accumulate
                    }
                }
            }
        }
    }

    /** The value of a uniform expression as the reference interpreter computes it: a one-element kernel storing it. */
    private static double interpret(Expr uniform, Map<String, Double> scalars) {
        Kernel kernel = Kernel.builder("value").store("out", uniform).build();
        Map<String, float[]> out = new LinkedHashMap<>(Map.of("out", new float[1]));
        Map<String, Double> bound = new LinkedHashMap<>(scalars);
        bound.keySet().retainAll(kernel.scalars());
        KernelInterpreter.run(kernel, out, bound);
        return out.get("out")[0];
    }

    private static void assertClose(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            double err = Math.abs(expected[i] - actual[i]);
            assertTrue(err <= 1e-6 * Math.max(Math.abs(expected[i]), 1e-3),
                    what + "[" + i + "]: " + actual[i] + " vs reference " + expected[i]);
        }
    }
}
