package org.optopt.optimizers;

import java.util.LinkedHashMap;
import java.util.Map;
import org.optopt.api.backend.Backend;
import org.optopt.api.backend.CompiledKernel;
import org.optopt.api.backend.KernelArgs;
import org.optopt.api.kernel.Expr;
import org.optopt.api.kernel.Kernel;
import org.optopt.api.optim.Parameter;
import org.optopt.api.optim.ParameterGroup;
import org.optopt.api.optim.ParameterSet;
import org.optopt.api.tensor.Tensor;

/**
 * Runs an {@link ElementwiseRule}: its kernel is compiled once for the backend; each parameter
 * has its own state buffers and {@link KernelArgs}, bound once. A step binds the group's
 * hyperparameters, the parameter's step count {@code t} and its scalar states, makes one fused
 * pass (reads {@code p}, {@code g} and the state; writes {@code p} and the state), then advances
 * {@code t} and the scalar states on the host. A rule with an {@link ElementwiseRule.Averaged}
 * view also gets two small kernels that write its evaluation and its training values into
 * {@code p} for {@link #evaluationView()}.
 */
public final class ElementwiseOptimizer extends BaseOptimizer {
    private final ElementwiseRule rule;
    private final CompiledKernel kernel;
    private final RulePasses passes;
    private final Map<String, Slot> slots = new LinkedHashMap<>();
    private final CompiledKernel evaluationValues;
    private final CompiledKernel trainingValues;
    /** Per group, the hyperparameter values of its last step: those that made the training values. */
    private final Map<String, Map<String, Double>> lastStepValues = new LinkedHashMap<>();

    private static final class Slot {
        final Map<String, Tensor> buffers = new LinkedHashMap<>();
        KernelArgs args;
        RulePasses.Bound passes;
        KernelArgs evaluationArgs;
        KernelArgs trainingArgs;
        long step;
        final Map<String, Double> scalars = new LinkedHashMap<>();
    }

    ElementwiseOptimizer(ElementwiseDefinition definition, Backend backend, ParameterSet parameters,
                         OptimizerDefinition.Config config) {
        super(definition, backend, parameters, config);
        this.rule = definition.rule(config.choices());
        for (String h : rule.hyperparameterScalars()) {
            definition.hyperparameter(h);
        }
        this.kernel = backend.compile(rule.kernel());
        this.passes = new RulePasses(backend, rule);
        this.evaluationValues = rule.averaged().map(a -> backend.compile(parameterKernel("evaluation", a.evaluation())))
                .orElse(null);
        this.trainingValues = rule.averaged().map(a -> backend.compile(parameterKernel("training", a.training())))
                .orElse(null);
        for (ParameterGroup g : parameters.groups()) {
            Map<String, Double> hyper = groupValues(g.name());
            for (Parameter p : g.parameters()) {
                Slot s = new Slot();
                s.args = kernel.args().buffer(ElementwiseRule.PARAMETER, p.value())
                        .buffer(ElementwiseRule.GRADIENT, p.gradient());
                for (ElementwiseRule.StateBuffer b : rule.stateBuffers()) {
                    Tensor t = b.allocate(backend, p.value(), hyper);
                    s.buffers.put(b.name(), t);
                    s.args.buffer(b.name(), t);
                }
                for (ElementwiseRule.ScalarState st : rule.scalarStates()) {
                    s.scalars.put(st.name(), st.initial());
                }
                Map<String, Tensor> all = new LinkedHashMap<>(s.buffers);
                all.put(ElementwiseRule.PARAMETER, p.value());
                all.put(ElementwiseRule.GRADIENT, p.gradient());
                s.passes = passes.bind(p.name(), all);
                if (evaluationValues != null) {
                    s.evaluationArgs = bind(evaluationValues.args(), p, s);
                    s.trainingArgs = bind(trainingValues.args(), p, s);
                }
                slots.put(p.name(), s);
            }
        }
    }

    private Kernel parameterKernel(String which, Expr value) {
        return Kernel.builder(rule.kernel().name() + "_" + which).store(ElementwiseRule.PARAMETER, value).build();
    }

    private static KernelArgs bind(KernelArgs args, Parameter p, Slot s) {
        args.buffer(ElementwiseRule.PARAMETER, p.value());
        s.buffers.forEach((name, t) -> {
            if (args.kernel().bufferIndex(name) >= 0) {
                args.buffer(name, t);
            }
        });
        return args;
    }

    /** Whether the rule has an {@link ElementwiseRule.Averaged} view (Schedule-Free). */
    @Override
    public boolean averagesParameters() {
        return rule.averaged().isPresent();
    }

    @Override
    protected void toEvaluationValues() {
        writeParameters(evaluationValues, true);
    }

    @Override
    protected void toTrainingValues() {
        writeParameters(trainingValues, false);
    }

    /** Runs a view kernel on every parameter with the hyperparameter values of its group's last step. */
    private void writeParameters(CompiledKernel view, boolean evaluation) {
        for (ParameterGroup g : parameters().groups()) {
            Map<String, Double> hyper = lastStepValues.getOrDefault(g.name(), groupValues(g.name()));
            for (Parameter p : g.parameters()) {
                Slot s = slots.get(p.name());
                KernelArgs args = evaluation ? s.evaluationArgs : s.trainingArgs;
                for (String name : view.kernel().scalars()) {
                    args.scalar(name, hyper.get(name));
                }
                view.run(args);
            }
        }
    }

    /** The update rule. */
    public ElementwiseRule rule() {
        return rule;
    }

    /**
     * The live state buffer {@code buffer} of parameter {@code parameter} (owned by this optimizer).
     *
     * @throws IllegalArgumentException on an unknown parameter or buffer
     */
    public Tensor buffer(String parameter, String buffer) {
        Slot s = slots.get(parameter);
        if (s == null || !s.buffers.containsKey(buffer)) {
            throw new IllegalArgumentException("No state buffer " + buffer + " of parameter " + parameter
                    + "; buffers are " + rule.stateBufferNames());
        }
        return s.buffers.get(buffer);
    }

    /** The scalar state {@code name} of parameter {@code parameter} (e.g. {@code t}, the steps it took). */
    public double scalar(String parameter, String name) {
        Double v = scalarState(parameters().parameters().stream().filter(p -> p.name().equals(parameter))
                .findFirst().orElseThrow(() -> new IllegalArgumentException("Unknown parameter " + parameter))).get(name);
        if (v == null) {
            throw new IllegalArgumentException("No scalar state " + name + " of parameter " + parameter);
        }
        return v;
    }

    /** The hyperparameters of the first group and the root over all parameters of each of the rule's {@link ElementwiseRule#norms()}. */
    @Override
    public Map<String, Double> trace() {
        Map<String, Double> out = new LinkedHashMap<>(hyperparameters());
        out.putAll(passes.norms(slots.values().stream().map(s -> s.passes).toList()));
        return out;
    }

    @Override
    protected String prepare(ParameterGroup group) {
        for (Parameter p : group.parameters()) {
            String problem = slots.get(p.name()).passes.run();
            if (problem != null) {
                return problem;
            }
        }
        return null;
    }

    @Override
    protected void update(ParameterGroup group, Map<String, Double> hyper) {
        lastStepValues.put(group.name(), hyper);
        for (Parameter p : group.parameters()) {
            Slot s = slots.get(p.name());
            Map<String, Double> env = new LinkedHashMap<>(hyper);
            env.put(ElementwiseRule.STEP, (double) (s.step + 1));
            env.putAll(s.scalars);
            env.putAll(s.passes.results());
            for (String name : rule.kernel().scalars()) {
                s.args.scalar(name, env.get(name));
            }
            kernel.run(s.args);
            s.step++;
            for (ElementwiseRule.ScalarState st : rule.scalarStates()) {
                s.scalars.put(st.name(), Uniform.evaluate(st.next(), env));
            }
        }
    }

    @Override
    protected Map<String, Tensor> buffers(Parameter p) {
        return slots.get(p.name()).buffers;
    }

    @Override
    protected Map<String, Double> scalarState(Parameter p) {
        Slot s = slots.get(p.name());
        Map<String, Double> out = new LinkedHashMap<>();
        out.put(ElementwiseRule.STEP, (double) s.step);
        out.putAll(s.scalars);
        return out;
    }

    @Override
    protected void restoreScalarState(Parameter p, Map<String, Double> state) {
        Slot s = slots.get(p.name());
        s.step = state.get(ElementwiseRule.STEP).longValue();
        for (String k : s.scalars.keySet()) {
            s.scalars.put(k, state.get(k));
        }
    }
}
