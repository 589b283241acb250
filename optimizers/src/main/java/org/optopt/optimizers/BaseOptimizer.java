package org.optopt.optimizers;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.optopt.api.backend.Backend;
import org.optopt.api.backend.CompiledKernel;
import org.optopt.api.backend.KernelArgs;
import org.optopt.api.kernel.Kernel;
import org.optopt.api.optim.Closure;
import org.optopt.api.optim.EvaluationView;
import org.optopt.api.optim.Hyperparameter;
import org.optopt.api.optim.HyperparameterList;
import org.optopt.api.optim.NonFinitePolicy;
import org.optopt.api.optim.Optimizer;
import org.optopt.api.optim.Parameter;
import org.optopt.api.optim.ParameterGroup;
import org.optopt.api.optim.ParameterSet;
import org.optopt.api.optim.StateDict;
import org.optopt.api.tensor.Shape;
import org.optopt.api.tensor.Tensor;
import org.optopt.optimizers.schedule.Schedule;

/**
 * What every optimizer here shares: per-group hyperparameters validated on write, frozen groups,
 * schedules and their positions, the non-finite gradient policy, step counting, and the complete
 * {@link #state()} / {@link #loadState(StateDict)} round trip. Subclasses supply the update
 * ({@link #update}) and expose their per-parameter state ({@link #buffers}, {@link #scalarState}).
 *
 * <p>State keys: options {@code choice/<name>}, {@code list/<name>}, {@code frozen/<group>}, {@code schedule/<hyperparameter>}
 * (the schedule's description); scalars {@code hyper/<group>/<name>}, {@code position/<hyperparameter>},
 * {@code param/<parameter>/<scalar>}, {@code optimizer/<scalar>}; one tensor per parameter and state buffer.
 */
public abstract class BaseOptimizer implements Optimizer {
    private static final String NAN_IF_ANY = "nan_if_any";
    private static final Kernel ANY_NON_FINITE = NonFinite.check(ElementwiseRule.GRADIENT, NAN_IF_ANY);

    /** The backend that owns the parameters and the state. */
    protected final Backend backend;
    private final OptimizerDefinition definition;
    private final ParameterSet parameters;
    private final Map<String, String> choices;
    private final Map<String, List<Double>> lists;
    private final Map<String, Map<String, Double>> values = new LinkedHashMap<>();
    private final Map<String, Boolean> frozen = new LinkedHashMap<>();
    private final Map<String, Schedule> schedules = new LinkedHashMap<>();
    private final Map<String, Long> positions = new LinkedHashMap<>();
    private final CompiledKernel anyNonFinite;
    private final Map<String, KernelArgs> anyNonFiniteArgs = new LinkedHashMap<>();
    private NonFinitePolicy policy = NonFinitePolicy.FAIL;
    private long steps;
    private long skipped;
    private boolean closed;
    private boolean evaluating;
    private Closure closure;

    /**
     * Sets up the shared part.
     *
     * @param config the resolved optimizer-wide configuration; group overrides are applied on top
     *     and validated per group
     */
    protected BaseOptimizer(OptimizerDefinition definition, Backend backend, ParameterSet parameters,
                            OptimizerDefinition.Config config) {
        this.definition = Objects.requireNonNull(definition, "definition");
        this.backend = Objects.requireNonNull(backend, "backend");
        this.parameters = Objects.requireNonNull(parameters, "parameters");
        this.choices = config.choices();
        this.lists = config.lists();
        for (ParameterGroup g : parameters.groups()) {
            Map<String, Double> v = new LinkedHashMap<>(config.hyperparameters());
            for (Map.Entry<String, Double> o : g.overrides().entrySet()) {
                definition.hyperparameter(o.getKey());
                v.put(o.getKey(), o.getValue());
            }
            try {
                definition.validate(v, choices);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("Parameter group " + g.name() + ": " + e.getMessage(), e);
            }
            values.put(g.name(), v);
            frozen.put(g.name(), g.frozen());
        }
        this.anyNonFinite = backend.compile(ANY_NON_FINITE);
        for (Parameter p : parameters.parameters()) {
            anyNonFiniteArgs.put(p.name(), anyNonFinite.args().buffer(ElementwiseRule.GRADIENT, p.gradient()));
        }
    }

    /** The definition this optimizer was created from. */
    public OptimizerDefinition definition() {
        return definition;
    }

    @Override
    public final String name() {
        return definition.name();
    }

    @Override
    public final ParameterSet parameters() {
        return parameters;
    }

    @Override
    public final List<Hyperparameter> hyperparameterDefinitions() {
        return definition.hyperparameters();
    }

    @Override
    public final Map<String, String> choices() {
        return choices;
    }

    @Override
    public final Map<String, List<Double>> hyperparameterLists() {
        return lists;
    }

    @Override
    public final Map<String, Double> hyperparameters(String group) {
        return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(groupValues(group)));
    }

    /** The hyperparameters of group {@code group} as the next step will use them (schedules applied). */
    public final Map<String, Double> effectiveHyperparameters(String group) {
        Map<String, Double> out = new LinkedHashMap<>(groupValues(group));
        for (Map.Entry<String, Schedule> s : schedules.entrySet()) {
            String h = s.getKey();
            long pos = positions.get(h);
            double v = s.getValue().value(pos, out.get(h));
            if (!definition.hyperparameter(h).domain().contains(v)) {
                throw new IllegalStateException("Schedule " + s.getValue().describe() + " gives " + h + " = " + v
                        + " at position " + pos + " in group " + group + ", outside "
                        + definition.hyperparameter(h).domain().describe(h));
            }
            out.put(h, v);
        }
        return out;
    }

    @Override
    public final void setHyperparameter(String group, String name, double value) {
        requireOpen();
        Map<String, Double> v = new LinkedHashMap<>(groupValues(group));
        definition.hyperparameter(name);
        v.put(name, value);
        definition.validate(v, choices);
        values.put(group, v);
    }

    @Override
    public final void setHyperparameter(String name, double value) {
        requireOpen();
        definition.hyperparameter(name);
        Map<String, Map<String, Double>> next = new LinkedHashMap<>();
        for (String g : values.keySet()) {
            Map<String, Double> v = new LinkedHashMap<>(values.get(g));
            v.put(name, value);
            definition.validate(v, choices);
            next.put(g, v);
        }
        values.putAll(next);
    }

    @Override
    public final boolean isFrozen(String group) {
        groupValues(group);
        return frozen.get(group);
    }

    @Override
    public final void setFrozen(String group, boolean freeze) {
        groupValues(group);
        frozen.put(group, freeze);
    }

    @Override
    public final NonFinitePolicy nonFinitePolicy() {
        return policy;
    }

    @Override
    public final void setNonFinitePolicy(NonFinitePolicy policy) {
        this.policy = Objects.requireNonNull(policy, "policy");
    }

    /**
     * Lets {@code schedule} drive hyperparameter {@code hyperparameter} from position 0, replacing
     * any schedule it had. The base values stay as set; each step uses {@code schedule.value(position, base)}.
     *
     * @throws IllegalArgumentException if there is no such hyperparameter
     */
    public final void schedule(String hyperparameter, Schedule schedule) {
        definition.hyperparameter(hyperparameter);
        schedules.put(hyperparameter, Objects.requireNonNull(schedule, "schedule"));
        positions.put(hyperparameter, 0L);
    }

    /** The position of the schedule of {@code hyperparameter}, or -1 if none drives it. */
    public final long schedulePosition(String hyperparameter) {
        return positions.getOrDefault(hyperparameter, -1L);
    }

    /** Runs {@link #step()} with {@code closure} available to the update through {@link #closure()}. */
    @Override
    public final void step(Closure closure) {
        this.closure = Objects.requireNonNull(closure, "closure");
        try {
            step();
        } finally {
            this.closure = null;
        }
    }

    /**
     * The closure of the step in progress, for updates that re-evaluate or bound the loss.
     *
     * @throws IllegalStateException if the step was called without one
     */
    protected final Closure closure() {
        if (closure == null) {
            throw new IllegalStateException(name() + " needs the loss as a function of the step: call step(closure)");
        }
        return closure;
    }

    @Override
    public final void step() {
        requireOpen();
        if (evaluating) {
            throw new IllegalStateException("Optimizer " + name() + " cannot step while an evaluation view is open");
        }
        List<ParameterGroup> active = new ArrayList<>();
        for (ParameterGroup g : parameters.groups()) {
            if (!frozen.get(g.name())) {
                active.add(g);
            }
        }
        for (ParameterGroup g : active) {
            for (Parameter p : g.parameters()) {
                if (!NonFinite.seen(anyNonFinite.run(anyNonFiniteArgs.get(p.name())).get(NAN_IF_ANY))) {
                    continue;
                }
                if (policy == NonFinitePolicy.SKIP_NON_FINITE) {
                    skipped++;
                    return;
                }
                long bad = NonFinite.count(p.gradient());
                throw new IllegalStateException("Gradient of parameter " + p.name() + " has " + bad
                        + " non-finite element(s) (NaN or infinite); step " + (steps + 1)
                        + " of " + name() + " not applied, parameters and state unchanged");
            }
        }
        for (ParameterGroup g : active) {
            String problem = prepare(g);
            if (problem == null) {
                continue;
            }
            if (policy == NonFinitePolicy.SKIP_NON_FINITE) {
                skipped++;
                return;
            }
            throw new IllegalStateException(problem + "; step " + (steps + 1) + " of " + name()
                    + " not applied, parameters and state unchanged");
        }
        Map<ParameterGroup, Map<String, Double>> effective = new LinkedHashMap<>();
        for (ParameterGroup g : active) {
            effective.put(g, effectiveHyperparameters(g.name()));
        }
        update(effective);
        steps++;
        positions.replaceAll((h, pos) -> pos + 1);
    }

    /**
     * Opens the evaluation view: for an optimizer that {@link #averagesParameters() averages},
     * {@link #toEvaluationValues()} now and {@link #toTrainingValues()} when the view closes.
     */
    @Override
    public final EvaluationView evaluationView() {
        requireOpen();
        if (!averagesParameters()) {
            return EvaluationView.IDENTITY;
        }
        if (evaluating) {
            throw new IllegalStateException("An evaluation view of optimizer " + name() + " is already open");
        }
        toEvaluationValues();
        evaluating = true;
        return EvaluationView.restoring(() -> {
            toTrainingValues();
            evaluating = false;
        });
    }

    /** Writes the evaluation values into the parameters; only called if {@link #averagesParameters()}. */
    protected void toEvaluationValues() {
        throw new UnsupportedOperationException(name() + " does not average its parameters");
    }

    /** Writes the training values back into the parameters; only called after {@link #toEvaluationValues()}. */
    protected void toTrainingValues() {
        throw new UnsupportedOperationException(name() + " does not average its parameters");
    }

    /**
     * Computes what the update of group {@code group} needs from every parameter before any
     * parameter changes (e.g. per-tensor reductions), for every active group before the first
     * {@link #update}; the default needs nothing.
     *
     * @return null, or a one-line description of a non-finite value that must keep the step from
     *     being applied (the non-finite policy then fails or skips the step; nothing has changed)
     */
    protected String prepare(ParameterGroup group) {
        return null;
    }

    /** Applies one update to every parameter of group {@code group} with hyperparameter values {@code hyper}. */
    protected abstract void update(ParameterGroup group, Map<String, Double> hyper);

    /**
     * Applies one step to the groups that are not frozen, each with the hyperparameter values it
     * uses, in group order; by default group by group ({@link #update(ParameterGroup, Map)}).
     * Optimizers whose step couples the groups (one decision for the whole model) override this.
     */
    protected void update(Map<ParameterGroup, Map<String, Double>> active) {
        active.forEach(this::update);
    }

    /**
     * State that belongs to the optimizer as a whole rather than to one parameter, by name, with
     * fixed keys (saved as {@code optimizer/<name>}); none by default.
     */
    protected Map<String, Double> optimizerState() {
        return Map.of();
    }

    /**
     * Checks the scalar state of a state being loaded, before anything is applied; the default
     * accepts any values.
     *
     * @param perParameter the {@link #scalarState} of every parameter
     * @param optimizerWide the {@link #optimizerState()}
     * @throws IllegalArgumentException naming an invalid value
     */
    protected void checkState(Map<Parameter, Map<String, Double>> perParameter, Map<String, Double> optimizerWide) {
    }

    /** Replaces the optimizer-wide state; the keys are those of {@link #optimizerState()}. */
    protected void restoreOptimizerState(Map<String, Double> state) {
    }

    /** The live state tensors of parameter {@code p}, by buffer name, in a fixed order. */
    protected abstract Map<String, Tensor> buffers(Parameter p);

    /** The scalar state of parameter {@code p} (e.g. its step count), by name, in a fixed order. */
    protected abstract Map<String, Double> scalarState(Parameter p);

    /** Replaces the scalar state of {@code p}; the keys are those of {@link #scalarState}. */
    protected abstract void restoreScalarState(Parameter p, Map<String, Double> state);

    @Override
    public final long stepCount() {
        return steps;
    }

    @Override
    public final long skippedSteps() {
        return skipped;
    }

    @Override
    public final StateDict state() {
        requireOpen();
        List<StateDict.ParameterShape> shapes = new ArrayList<>();
        List<StateDict.StateTensor> tensors = new ArrayList<>();
        Map<String, Double> scalars = new LinkedHashMap<>();
        for (Parameter p : parameters.parameters()) {
            shapes.add(new StateDict.ParameterShape(p.name(), p.value().shape()));
            for (Map.Entry<String, Tensor> b : buffers(p).entrySet()) {
                tensors.add(new StateDict.StateTensor(p.name(), b.getKey(), b.getValue().shape(), b.getValue().toArray()));
            }
            scalarState(p).forEach((k, v) -> scalars.put("param/" + p.name() + "/" + k, v));
        }
        values.forEach((g, v) -> v.forEach((h, x) -> scalars.put("hyper/" + g + "/" + h, x)));
        optimizerState().forEach((k, v) -> scalars.put("optimizer/" + k, v));
        positions.forEach((h, pos) -> scalars.put("position/" + h, (double) pos));
        return new StateDict(name(), shapes, steps, skipped, options(), scalars, tensors);
    }

    private Map<String, String> options() {
        Map<String, String> options = new LinkedHashMap<>();
        choices.forEach((k, v) -> options.put("choice/" + k, v));
        lists.forEach((k, v) -> options.put("list/" + k, HyperparameterList.format(v)));
        frozen.forEach((g, f) -> options.put("frozen/" + g, f.toString()));
        schedules.forEach((h, s) -> options.put("schedule/" + h, s.describe()));
        return options;
    }

    @Override
    public final void loadState(StateDict state) {
        requireOpen();
        if (!state.optimizer().equals(name())) {
            throw new IllegalArgumentException("State is of optimizer '" + state.optimizer() + "', not '" + name() + "'");
        }
        List<Parameter> params = parameters.parameters();
        List<String> mine = params.stream().map(p -> p.name() + p.value().shape()).toList();
        List<String> theirs = state.parameters().stream().map(StateDict.ParameterShape::toString).toList();
        if (!mine.equals(theirs)) {
            throw new IllegalArgumentException("State has parameters " + theirs + " but this optimizer has " + mine);
        }
        Map<String, String> expectedOptions = options();
        Map<String, String> expectedNoFrozen = withoutPrefix(expectedOptions, "frozen/");
        Map<String, String> theirNoFrozen = withoutPrefix(state.options(), "frozen/");
        if (!expectedNoFrozen.equals(theirNoFrozen)) {
            throw new IllegalArgumentException("State has options and schedules " + theirNoFrozen
                    + " but this optimizer has " + expectedNoFrozen);
        }
        Map<String, Boolean> newFrozen = new LinkedHashMap<>();
        for (String g : frozen.keySet()) {
            String f = state.options().get("frozen/" + g);
            if (f == null) {
                throw new IllegalArgumentException("State has no entry for parameter group " + g);
            }
            newFrozen.put(g, Boolean.parseBoolean(f));
        }
        Map<String, Map<String, Double>> newValues = new LinkedHashMap<>();
        for (String g : values.keySet()) {
            Map<String, Double> v = new LinkedHashMap<>();
            for (Hyperparameter h : definition.hyperparameters()) {
                Double x = state.scalars().get("hyper/" + g + "/" + h.name());
                if (x == null) {
                    throw new IllegalArgumentException("State lacks hyperparameter " + h.name() + " of group " + g);
                }
                v.put(h.name(), x);
            }
            try {
                definition.validate(v, choices);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("State of group " + g + ": " + e.getMessage(), e);
            }
            newValues.put(g, v);
        }
        Map<String, Long> newPositions = new LinkedHashMap<>();
        for (String h : positions.keySet()) {
            Double pos = state.scalars().get("position/" + h);
            if (pos == null) {
                throw new IllegalArgumentException("State lacks the position of the schedule of " + h);
            }
            newPositions.put(h, pos.longValue());
        }
        Map<Parameter, Map<String, Double>> newScalars = new LinkedHashMap<>();
        int expectedTensors = 0;
        Map<String, Double> newOptimizerState = new LinkedHashMap<>();
        for (String k : optimizerState().keySet()) {
            Double x = state.scalars().get("optimizer/" + k);
            if (x == null) {
                throw new IllegalArgumentException("State lacks the optimizer-wide scalar " + k);
            }
            newOptimizerState.put(k, x);
        }
        int expectedScalars = newValues.size() * definition.hyperparameters().size() + newPositions.size()
                + newOptimizerState.size();
        for (Parameter p : params) {
            for (Map.Entry<String, Tensor> b : buffers(p).entrySet()) {
                StateDict.StateTensor t = state.tensor(p.name(), b.getKey());
                if (t == null) {
                    throw new IllegalArgumentException("State lacks buffer " + b.getKey() + " of parameter " + p.name());
                }
                if (!t.shape().equals(b.getValue().shape())) {
                    throw new IllegalArgumentException("State buffer " + p.name() + "/" + b.getKey() + " has shape "
                            + t.shape() + ", expected " + b.getValue().shape());
                }
                expectedTensors++;
            }
            Map<String, Double> s = new LinkedHashMap<>();
            for (String k : scalarState(p).keySet()) {
                Double x = state.scalars().get("param/" + p.name() + "/" + k);
                if (x == null) {
                    throw new IllegalArgumentException("State lacks scalar " + k + " of parameter " + p.name());
                }
                s.put(k, x);
            }
            expectedScalars += s.size();
            newScalars.put(p, s);
        }
        if (state.tensors().size() != expectedTensors) {
            throw new IllegalArgumentException("State has " + state.tensors().size() + " buffers, expected "
                    + expectedTensors + ": it holds buffers this optimizer does not have");
        }
        if (state.scalars().size() != expectedScalars) {
            throw new IllegalArgumentException("State has " + state.scalars().size() + " scalars, expected "
                    + expectedScalars + ": it holds groups, schedules or scalars this optimizer does not have");
        }
        checkState(newScalars, newOptimizerState);
        // Everything checked: apply.
        for (Parameter p : params) {
            for (Map.Entry<String, Tensor> b : buffers(p).entrySet()) {
                b.getValue().copyFrom(state.tensor(p.name(), b.getKey()).data());
            }
            restoreScalarState(p, newScalars.get(p));
        }
        restoreOptimizerState(newOptimizerState);
        values.putAll(newValues);
        frozen.putAll(newFrozen);
        positions.putAll(newPositions);
        steps = state.stepCount();
        skipped = state.skippedSteps();
    }

    private static Map<String, String> withoutPrefix(Map<String, String> m, String prefix) {
        Map<String, String> out = new LinkedHashMap<>(m);
        out.keySet().removeIf(k -> k.startsWith(prefix));
        return out;
    }

    /** The name of the group holding parameter {@code p}. */
    protected final String groupOf(Parameter p) {
        for (ParameterGroup g : parameters.groups()) {
            if (g.parameters().contains(p)) {
                return g.name();
            }
        }
        throw new IllegalArgumentException("Parameter " + p.name() + " is not in this optimizer");
    }

    /** The current base values of group {@code group}. */
    protected final Map<String, Double> groupValues(String group) {
        Map<String, Double> v = values.get(group);
        if (v == null) {
            throw new IllegalArgumentException("Unknown parameter group '" + group + "'; groups are " + values.keySet());
        }
        return v;
    }

    @Override
    public final void close() {
        if (!closed) {
            closed = true;
            for (Parameter p : parameters.parameters()) {
                buffers(p).values().forEach(Tensor::close);
            }
            releaseWorkspace();
        }
    }

    /** A new {@code n x n} identity matrix on the backend (the caller owns it). */
    protected final Tensor identity(int n) {
        float[] d = new float[n * n];
        for (int i = 0; i < n; i++) {
            d[i * n + i] = 1f;
        }
        return backend.fromArray(d, Shape.matrix(n, n));
    }

    /** Releases tensors a subclass holds besides its state buffers; called once by {@link #close()}. */
    protected void releaseWorkspace() {
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("Optimizer " + name() + " is closed");
        }
    }

    @Override
    public String toString() {
        return name() + choices + (lists.isEmpty() ? "" : lists.toString()) + values;
    }
}
