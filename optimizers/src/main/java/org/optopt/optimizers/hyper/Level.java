package org.optopt.optimizers.hyper;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.optopt.api.backend.Backend;
import org.optopt.api.backend.CompiledKernel;
import org.optopt.api.backend.KernelArgs;
import org.optopt.api.kernel.Kernel;
import org.optopt.api.kernel.Reductions;
import org.optopt.api.optim.Hyperparameter;
import org.optopt.api.optim.Parameter;
import org.optopt.api.optim.ParameterGroup;
import org.optopt.api.optim.ParameterSet;
import org.optopt.api.optim.Reparameterization;
import org.optopt.api.tensor.Tensor;
import org.optopt.optimizers.ElementwiseRule;
import org.optopt.optimizers.NonFinite;
import org.optopt.optimizers.RulePasses;
import org.optopt.optimizers.Uniform;

/**
 * One level of a tower bound to its parameters (the model's, or the raw hyperparameters of the
 * level below): per parameter its state buffers, one {@code dp.h} buffer per learnable
 * hyperparameter, its step count and scalar states, and bound arguments of the two
 * {@link HyperKernels}.
 *
 * <p>Raw values of the learnable hyperparameters are laid out group by group: index
 * {@code groupIndex * learnable.size() + j} for the j-th learnable hyperparameter.
 */
final class Level implements AutoCloseable {
    final int index;
    final LevelSpec spec;
    final ParameterSet parameters;
    final List<String> learnable;
    private final List<Reparameterization> reparams = new ArrayList<>();
    private final Kernel stepKernel;
    private final CompiledKernel step;
    private final CompiledKernel hypergradient;
    private final CompiledKernel parameterCheck;
    private final RulePasses passes;
    private final Map<String, Map<String, Double>> values = new LinkedHashMap<>();
    private final Map<String, Boolean> frozenGroups = new LinkedHashMap<>();
    private final Map<String, Slot> slots = new LinkedHashMap<>();
    private final Backend backend;
    private final DirectionSource.Bound direction;

    private static final class Slot {
        final Map<String, Tensor> state = new LinkedHashMap<>();
        final Map<String, Tensor> derivatives = new LinkedHashMap<>();
        KernelArgs stepArgs;
        KernelArgs hypergradientArgs;
        KernelArgs checkArgs;
        RulePasses.Bound passes;
        long steps;
        final Map<String, Double> scalars = new LinkedHashMap<>();
    }

    /** The sums over one step's parameters. */
    record Hypergradients(double[] values, String nonFiniteParameter, long nonFiniteCount) {}

    Level(int index, LevelSpec spec, List<String> learnable, Backend backend, ParameterSet parameters) {
        this.index = index;
        this.spec = spec;
        this.backend = backend;
        this.parameters = parameters;
        this.learnable = List.copyOf(learnable);
        Map<String, Reparameterization> byName = new LinkedHashMap<>();
        for (String h : learnable) {
            Reparameterization r = spec.hyperparameter(h).reparameterization();
            byName.put(h, r);
            reparams.add(r);
        }
        this.stepKernel = HyperKernels.step(spec.rule(), byName);
        this.step = backend.compile(stepKernel);
        this.hypergradient = backend.compile(HyperKernels.hypergradient(learnable));
        this.parameterCheck = backend.compile(HyperKernels.parameterCheck());
        this.passes = new RulePasses(backend, spec.rule());
        this.direction = spec.direction() == null ? null : spec.direction().bind(backend, parameters);
        for (ParameterGroup g : parameters.groups()) {
            Map<String, Double> v = new LinkedHashMap<>(spec.values());
            for (Map.Entry<String, Double> o : g.overrides().entrySet()) {
                spec.hyperparameter(o.getKey()).require(o.getValue());
                v.put(o.getKey(), o.getValue());
            }
            check(v, g.name());
            values.put(g.name(), v);
            frozenGroups.put(g.name(), g.frozen());
            for (Parameter p : g.parameters()) {
                slots.put(p.name(), slot(p, v));
            }
        }
    }

    private Slot slot(Parameter p, Map<String, Double> hyper) {
        Slot s = new Slot();
        s.stepArgs = step.args().buffer(ElementwiseRule.PARAMETER, p.value());
        if (stepKernel.bufferIndex(ElementwiseRule.GRADIENT) >= 0) {
            s.stepArgs.buffer(ElementwiseRule.GRADIENT, p.gradient());
        }
        s.hypergradientArgs = hypergradient.args().buffer(ElementwiseRule.GRADIENT, p.gradient());
        s.checkArgs = parameterCheck.args().buffer(ElementwiseRule.PARAMETER, p.value());
        for (ElementwiseRule.StateBuffer b : spec.rule().stateBuffers()) {
            if (direction != null && b.name().equals(spec.direction().buffer())) {
                s.stepArgs.buffer(b.name(), direction.direction(p.name()));
                continue;
            }
            Tensor t = b.allocate(backend, p.value(), hyper);
            s.state.put(b.name(), t);
            s.stepArgs.buffer(b.name(), t);
        }
        for (String h : learnable) {
            Tensor t = backend.zeros(p.value().shape());
            s.derivatives.put(h, t);
            s.stepArgs.buffer(HyperKernels.derivativeBuffer(h), t);
            s.hypergradientArgs.buffer(HyperKernels.derivativeBuffer(h), t);
        }
        for (ElementwiseRule.ScalarState st : spec.rule().scalarStates()) {
            s.scalars.put(st.name(), st.initial());
        }
        Map<String, Tensor> buffers = new LinkedHashMap<>(s.state);
        buffers.put(ElementwiseRule.PARAMETER, p.value());
        buffers.put(ElementwiseRule.GRADIENT, p.gradient());
        s.passes = passes.bind(p.name(), buffers);
        return s;
    }

    /** A short name for messages: {@code level 1 (sgd)}. */
    String describe() {
        return "level " + index + " (" + spec.optimizer() + ")";
    }

    /** The fused update kernel this level runs. */
    Kernel stepKernel() {
        return stepKernel;
    }

    int rawSize() {
        return values.size() * learnable.size();
    }

    /** The (group, hyperparameter) of raw index {@code i}, for messages. */
    String describeRaw(int i) {
        String group = new ArrayList<>(values.keySet()).get(i / learnable.size());
        return describe() + " hyperparameter " + learnable.get(i % learnable.size())
                + (values.size() > 1 ? " of group " + group : "");
    }

    /**
     * The raw values of the learnable hyperparameters from their current values.
     *
     * @throws IllegalArgumentException if a value sits where its reparameterization has derivative
     *     0 (e.g. lr = 0 through the square), so that no hypergradient could ever move it
     */
    float[] initialRaw() {
        float[] raw = new float[rawSize()];
        int i = 0;
        for (Map.Entry<String, Map<String, Double>> g : values.entrySet()) {
            for (int j = 0; j < learnable.size(); j++) {
                String h = learnable.get(j);
                double v = g.getValue().get(h);
                raw[i] = (float) reparams.get(j).inverse(v);
                if (!Float.isFinite(raw[i]) || reparams.get(j).derivative(raw[i]) == 0) {
                    throw new IllegalArgumentException(describeRaw(i) + " = " + v + " cannot be learned: its "
                            + reparams.get(j) + " reparameterization has no usable derivative there");
                }
                i++;
            }
        }
        return raw;
    }

    /**
     * Checks raw values proposed by the level above: finite, mapped into each hyperparameter's
     * domain and passing the cross-checks.
     *
     * @throws IllegalArgumentException naming the level, hyperparameter, raw and mapped value
     */
    void requireValid(float[] raw) {
        int i = 0;
        for (Map.Entry<String, Map<String, Double>> g : values.entrySet()) {
            Map<String, Double> v = new LinkedHashMap<>(g.getValue());
            for (int j = 0; j < learnable.size(); j++, i++) {
                String h = learnable.get(j);
                double x = reparams.get(j).forward(raw[i]);
                Hyperparameter def = spec.hyperparameter(h);
                if (!Float.isFinite(raw[i]) || !def.domain().contains(x)) {
                    throw new IllegalArgumentException(describeRaw(i) + " became " + x + " (raw " + raw[i]
                            + "), outside " + def.domain().describe(h));
                }
                v.put(h, x);
            }
            check(v, g.getKey());
        }
    }

    private void check(Map<String, Double> v, String group) {
        try {
            spec.check().check(v);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(describe() + (values.size() > 1 ? " group " + group : "") + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * Runs the hypergradient kernel over every parameter: {@code sum(g*dp.h)} summed over each
     * group's tensors, and the count of non-finite gradient elements.
     */
    Hypergradients hypergradients() {
        double[] out = new double[rawSize()];
        int gi = 0;
        for (ParameterGroup g : parameters.groups()) {
            for (Parameter p : g.parameters()) {
                Reductions r = hypergradient.run(slots.get(p.name()).hypergradientArgs);
                if (NonFinite.seen(r.get(HyperKernels.NON_FINITE)) && !frozenGroups.get(g.name())) {
                    return new Hypergradients(out, p.name(), NonFinite.count(p.gradient()));
                }
                for (int j = 0; j < learnable.size(); j++) {
                    out[gi * learnable.size() + j] += r.get(HyperKernels.hypergradient(learnable.get(j)));
                }
            }
            gi++;
        }
        return new Hypergradients(out, null, 0);
    }

    /**
     * Runs the rule's {@link ElementwiseRule#passes()} over every parameter that the next
     * {@link #step} updates; they read no hyperparameter, so they may run before the levels above
     * change this level's values.
     *
     * @return null, or a one-line description of a non-finite pass result (nothing has changed)
     */
    String prepare() {
        if (spec.rule().passes().isEmpty() || spec.frozen()) {
            return null;
        }
        for (ParameterGroup g : parameters.groups()) {
            if (frozenGroups.get(g.name())) {
                continue;
            }
            for (Parameter p : g.parameters()) {
                String problem = slots.get(p.name()).passes.run();
                if (problem != null) {
                    return describe() + ": " + problem;
                }
            }
        }
        return null;
    }

    /** The root over this level's parameters of each of the rule's {@link ElementwiseRule#norms()}. */
    Map<String, Double> norms() {
        return passes.norms(slots.values().stream().map(s -> s.passes).toList());
    }

    /**
     * One update of every parameter of every group that is not frozen, with the learnable
     * hyperparameters at raw values {@code raw}; writes {@code dp.h}. Frozen groups (and a frozen
     * level) keep their values; their {@code dp.h} become 0.
     *
     * @return the first parameter the update made non-finite (with its count), or null
     */
    String step(float[] raw) {
        String bad = null;
        if (direction != null && !spec.frozen()) {
            direction.compute();
        }
        int gi = 0;
        for (ParameterGroup g : parameters.groups()) {
            Map<String, Double> v = values.get(g.name());
            for (int j = 0; j < learnable.size(); j++) {
                v.put(learnable.get(j), reparams.get(j).forward(raw[gi * learnable.size() + j]));
            }
            boolean skip = spec.frozen() || frozenGroups.get(g.name());
            for (Parameter p : g.parameters()) {
                Slot s = slots.get(p.name());
                if (skip) {
                    s.derivatives.values().forEach(t -> backend.fillInPlace(t, 0f));
                    continue;
                }
                Map<String, Double> env = new LinkedHashMap<>(v);
                env.put(ElementwiseRule.STEP, (double) (s.steps + 1));
                env.putAll(s.scalars);
                env.putAll(s.passes.results());
                for (int j = 0; j < learnable.size(); j++) {
                    env.put(HyperKernels.rawScalar(learnable.get(j)), (double) raw[gi * learnable.size() + j]);
                }
                for (String name : stepKernel.scalars()) {
                    s.stepArgs.scalar(name, env.get(name));
                }
                step.run(s.stepArgs);
                if (NonFinite.seen(parameterCheck.run(s.checkArgs).get(HyperKernels.NON_FINITE_PARAMETER))
                        && bad == null) {
                    bad = NonFinite.count(p.value()) + " element(s) of " + p.name();
                }
                s.steps++;
                for (ElementwiseRule.ScalarState st : spec.rule().scalarStates()) {
                    s.scalars.put(st.name(), Uniform.evaluate(st.next(), env));
                }
            }
            gi++;
        }
        return bad;
    }

    /** The current values of group {@code group}'s hyperparameters (learnable ones as last used or set). */
    Map<String, Double> values(String group) {
        Map<String, Double> v = values.get(group);
        if (v == null) {
            throw new IllegalArgumentException("Unknown parameter group '" + group + "'; groups are " + values.keySet());
        }
        return v;
    }

    List<String> groups() {
        return List.copyOf(values.keySet());
    }

    /** Checks that {@code name = value} is valid in group {@code group}, changing nothing. */
    Map<String, Double> requireValue(String group, String name, double value) {
        Map<String, Double> v = new LinkedHashMap<>(values(group));
        spec.hyperparameter(name).require(value);
        v.put(name, value);
        check(v, group);
        return v;
    }

    /** Sets a hyperparameter that is not learnable, validated; or the value a learnable one reports until the next step. */
    void setValue(String group, String name, double value) {
        Map<String, Double> v = requireValue(group, name, value);
        if (direction != null) {
            direction.setHyperparameter(group, name, value);
        }
        values.put(group, v);
    }

    boolean isFrozen(String group) {
        values(group);
        return frozenGroups.get(group);
    }

    void setFrozen(String group, boolean frozen) {
        values(group);
        if (direction != null) {
            direction.setFrozen(group, frozen);
        }
        frozenGroups.put(group, frozen);
    }

    /** The state of the direction source's optimizer, or null if the level has none. */
    org.optopt.api.optim.StateDict directionState() {
        return direction == null ? null : direction.state();
    }

    /** Restores {@link #directionState()}. */
    void loadDirectionState(org.optopt.api.optim.StateDict state) {
        direction.loadState(state);
    }

    // ---- state -------------------------------------------------------------------------------

    /** Every state tensor by (parameter, buffer): state buffers and {@code dp.h} buffers. */
    Map<String, Map<String, Tensor>> tensors() {
        Map<String, Map<String, Tensor>> out = new LinkedHashMap<>();
        slots.forEach((p, s) -> {
            Map<String, Tensor> m = new LinkedHashMap<>(s.state);
            s.derivatives.forEach((h, t) -> m.put(HyperKernels.derivativeBuffer(h), t));
            out.put(p, m);
        });
        return out;
    }

    /** Step counts and scalar states by parameter, and the values of the hyperparameters by group. */
    Map<String, Double> scalars() {
        Map<String, Double> out = new LinkedHashMap<>();
        slots.forEach((p, s) -> {
            out.put("param/" + p + "/" + ElementwiseRule.STEP, (double) s.steps);
            s.scalars.forEach((k, v) -> out.put("param/" + p + "/" + k, v));
        });
        values.forEach((g, v) -> v.forEach((h, x) -> out.put("hyper/" + g + "/" + h, x)));
        return out;
    }

    /**
     * Restores what {@link #scalars()} returned (the tensors are restored by the caller).
     *
     * @throws IllegalArgumentException naming a missing key or invalid value; nothing changes then
     */
    void loadScalars(Map<String, Double> in) {
        Map<String, Map<String, Double>> newValues = new LinkedHashMap<>();
        for (String g : values.keySet()) {
            Map<String, Double> v = new LinkedHashMap<>();
            for (Hyperparameter h : spec.hyperparameters()) {
                Double x = in.get("hyper/" + g + "/" + h.name());
                if (x == null) {
                    throw new IllegalArgumentException("State lacks " + describe() + " hyperparameter " + h.name()
                            + " of group " + g);
                }
                h.require(x);
                v.put(h.name(), x);
            }
            check(v, g);
            newValues.put(g, v);
        }
        for (String key : scalars().keySet()) {
            if (!in.containsKey(key)) {
                throw new IllegalArgumentException("State lacks " + describe() + " scalar " + key);
            }
        }
        values.putAll(newValues);
        slots.forEach((p, s) -> {
            s.steps = in.get("param/" + p + "/" + ElementwiseRule.STEP).longValue();
            s.scalars.replaceAll((k, old) -> in.get("param/" + p + "/" + k));
        });
    }

    @Override
    public void close() {
        if (direction != null) {
            direction.close();
        }
        for (Slot s : slots.values()) {
            s.state.values().forEach(Tensor::close);
            s.derivatives.values().forEach(Tensor::close);
        }
    }
}
