package org.optopt.optimizers;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.ObjIntConsumer;
import org.optopt.api.backend.Backend;
import org.optopt.api.backend.CompiledKernel;
import org.optopt.api.backend.KernelArgs;
import org.optopt.api.kernel.Expr;
import org.optopt.api.kernel.Kernel;
import org.optopt.api.kernel.Reductions;
import org.optopt.api.kernel.Statement;
import org.optopt.api.optim.Closure;
import org.optopt.api.optim.Parameter;
import org.optopt.api.optim.ParameterGroup;
import org.optopt.api.optim.ParameterSet;
import org.optopt.api.probe.ProbeFusion;
import org.optopt.api.tensor.Tensor;

/**
 * Runs an {@link ElementwiseRule} as a plain optimizer: a thin layer that puts the rule's
 * {@link BoundRule} (slots, passes, the compiled kernel, one fused pass per parameter and step)
 * under {@link BaseOptimizer}'s settings, schedules, policy and state. A rule with an
 * {@link ElementwiseRule.Averaged} view also gets two small kernels that write its evaluation and
 * its training values into {@code p} for {@link #evaluationView()}.
 *
 * <p>A {@link ProbeFusion}: a probes' fragment joins the rule's kernel (its statements after the
 * rule's), and a fused step runs that kernel instead of the rule's, which leaves the update bit for
 * bit as it was.
 */
public final class ElementwiseOptimizer extends BaseOptimizer implements ProbeFusion {
    private final BoundRule bound;
    private final View evaluation;
    private final View training;
    /** The fused step in progress, or null. */
    private Fused fusing;

    ElementwiseOptimizer(ElementwiseDefinition definition, Backend backend, ParameterSet parameters,
                         OptimizerDefinition.Config config) {
        super(definition, backend, parameters, config);
        ElementwiseRule rule = definition.rule(config.choices());
        for (String h : rule.hyperparameterScalars()) {
            definition.hyperparameter(h);
        }
        this.bound = new BoundRule(backend, rule, rule.kernel(), parameters, this::groupValues, List.of(),
                (buffer, parameter) -> null);
        this.evaluation = rule.averaged().map(a -> new View("evaluation", a.evaluation())).orElse(null);
        this.training = rule.averaged().map(a -> new View("training", a.training())).orElse(null);
    }

    /** A kernel writing one of an averaged rule's values into {@code p}, bound to every parameter. */
    private final class View {
        private final CompiledKernel kernel;
        private final Map<String, KernelArgs> args = new LinkedHashMap<>();

        View(String which, Expr value) {
            kernel = backend.compile(Kernel.builder(bound.rule().kernel().name() + "_" + which)
                    .store(ElementwiseRule.PARAMETER, value).build());
            for (Parameter p : parameters().parameters()) {
                KernelArgs a = kernel.args().buffer(ElementwiseRule.PARAMETER, p.value());
                bound.buffers(p.name()).forEach((name, t) -> {
                    if (kernel.kernel().bufferIndex(name) >= 0) {
                        a.buffer(name, t);
                    }
                });
                args.put(p.name(), a);
            }
        }

        /** Runs on every parameter with the hyperparameter values of its group's last step. */
        void write() {
            for (ParameterGroup g : parameters().groups()) {
                Map<String, Double> hyper = lastStepValues(g.name());
                for (Parameter p : g.parameters()) {
                    KernelArgs a = args.get(p.name());
                    kernel.kernel().scalars().forEach(name -> a.scalar(name, hyper.get(name)));
                    kernel.run(a);
                }
            }
        }
    }

    /** Whether the rule has an {@link ElementwiseRule.Averaged} view (Schedule-Free). */
    @Override
    public boolean averagesParameters() {
        return evaluation != null;
    }

    @Override
    protected void toEvaluationValues() {
        evaluation.write();
    }

    @Override
    protected void toTrainingValues() {
        training.write();
    }

    /** The update rule. */
    public ElementwiseRule rule() {
        return bound.rule();
    }

    /**
     * The live state buffer {@code buffer} of parameter {@code parameter} (owned by this optimizer).
     *
     * @throws IllegalArgumentException on an unknown parameter or buffer
     */
    public Tensor buffer(String parameter, String buffer) {
        return bound.buffer(parameter, buffer);
    }

    /** The scalar state {@code name} of parameter {@code parameter} (e.g. {@code t}, the steps it took). */
    public double scalar(String parameter, String name) {
        Double v = bound.scalarState(parameter).get(name);
        if (v == null) {
            throw new IllegalArgumentException("No scalar state " + name + " of parameter " + parameter);
        }
        return v;
    }

    /** The hyperparameters of the first group and the root over all parameters of each of the rule's {@link ElementwiseRule#norms()}. */
    @Override
    public Map<String, Double> trace() {
        Map<String, Double> out = super.trace();
        out.putAll(bound.norms());
        return out;
    }

    @Override
    protected String prepare(ParameterGroup group) {
        return bound.prepare(group);
    }

    @Override
    protected void update(ParameterGroup group, Map<String, Double> hyper) {
        for (Parameter p : group.parameters()) {
            if (fusing == null) {
                bound.update(p.name(), hyper, Map.of());
            } else {
                fusing.update(p, hyper);
            }
        }
    }

    /**
     * The rule's kernel followed by {@code fragment}, or empty if the fragment names a buffer or
     * scalar of the rule's kernel other than the gradient, or the rule's kernel stores the gradient
     * (the fragment must see it as the step found it).
     */
    @Override
    public Optional<FusedStep> fuse(Kernel fragment) {
        Kernel rule = bound.kernel();
        boolean clash = fragment.buffers().stream().anyMatch(b -> !b.equals(ElementwiseRule.GRADIENT)
                && rule.bufferIndex(b) >= 0) || fragment.scalars().stream().anyMatch(x -> rule.scalarIndex(x) >= 0);
        if (clash || rule.storedBuffers().contains(ElementwiseRule.GRADIENT)) {
            return Optional.empty();
        }
        List<Statement> statements = new ArrayList<>(rule.statements());
        statements.addAll(fragment.statements());
        return Optional.of(new Fused(Kernel.of(rule.name() + "_" + fragment.name(), statements), fragment));
    }

    /** The rule's step fused with a fragment: one kernel, bound to every parameter (by position). */
    private final class Fused implements FusedStep {
        private final CompiledKernel kernel;
        private final CompiledKernel alone;
        private final Map<Parameter, Integer> positions = new LinkedHashMap<>();
        private final List<KernelArgs> args = new ArrayList<>();
        private final List<KernelArgs> aloneArgs = new ArrayList<>();
        private final Reductions[] results;

        Fused(Kernel fused, Kernel fragment) {
            kernel = backend.compile(fused);
            alone = backend.compile(fragment);
            for (Parameter p : parameters().parameters()) {
                positions.put(p, args.size());
                KernelArgs a = kernel.args();
                bound.bindState(p.name(), a);
                args.add(a);
                aloneArgs.add(alone.args().buffer(ElementwiseRule.GRADIENT, p.gradient()));
            }
            results = new Reductions[args.size()];
        }

        @Override
        public List<Reductions> step(Closure closure, ObjIntConsumer<KernelArgs> bind) {
            java.util.Arrays.fill(results, null);
            for (int i = 0; i < args.size(); i++) {
                bind.accept(args.get(i), i);
            }
            fusing = this;
            try {
                if (closure == null) {
                    ElementwiseOptimizer.this.step();
                } else {
                    ElementwiseOptimizer.this.step(closure);
                }
            } finally {
                fusing = null;
            }
            for (int i = 0; i < results.length; i++) {
                if (results[i] == null) {
                    KernelArgs a = aloneArgs.get(i);
                    bind.accept(a, i);
                    results[i] = alone.run(a);
                }
            }
            return List.of(results);
        }

        void update(Parameter p, Map<String, Double> hyper) {
            int i = positions.get(p);
            results[i] = bound.update(p.name(), hyper, Map.of(), kernel, args.get(i));
        }
    }

    @Override
    protected Map<String, Tensor> buffers(Parameter p) {
        return bound.buffers(p.name());
    }

    @Override
    protected Map<String, Double> scalarState(Parameter p) {
        return bound.scalarState(p.name());
    }

    @Override
    protected void restoreScalarState(Parameter p, Map<String, Double> state) {
        bound.restoreScalarState(p.name(), state);
    }
}
