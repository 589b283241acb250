package org.optopt.optimizers;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.optopt.api.backend.Backend;
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
import org.optopt.optimizers.runtime.GroupSettings;
import org.optopt.optimizers.runtime.SlotState;
import org.optopt.optimizers.runtime.StateReader;
import org.optopt.optimizers.runtime.StateWriter;
import org.optopt.optimizers.runtime.StepLedger;
import org.optopt.optimizers.schedule.Schedule;

/**
 * What every optimizer here shares: per-group hyperparameters validated on write, frozen groups,
 * schedules and their positions (all three held by {@link GroupSettings}, the same code a tower
 * level uses), the non-finite gradient policy, step counting, and the complete {@link #state()} /
 * {@link #loadState(StateDict)} round trip. Subclasses supply the update ({@link #update}) and
 * expose their per-parameter state ({@link #buffers}, {@link #scalarState}).
 *
 * <p>State layout (see {@link StateWriter}; version 1 files, written before the {@code layout} key
 * existed, have the same keys and load): options {@code choice/<name>}, {@code list/<name>} (which
 * must match) and those of {@link GroupSettings}; scalars {@code param/<parameter>/<scalar>}
 * ({@link SlotState}), {@code optimizer/<scalar>} and those of {@link GroupSettings}; one tensor
 * per parameter and state buffer.
 */
public abstract class BaseOptimizer implements Optimizer {
    /** The backend that owns the parameters and the state. */
    protected final Backend backend;
    private final OptimizerDefinition definition;
    private final ParameterSet parameters;
    private final Map<String, String> choices;
    private final Map<String, List<Double>> lists;
    private final GroupSettings settings;
    private final NonFinite.Detector nonFiniteGradient;
    private final StepLedger ledger;
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
        this.settings = new GroupSettings(parameters, config.hyperparameters(),
                definition.hyperparameters().stream().map(Hyperparameter::name).toList(),
                GroupSettings.Validation.of(definition::hyperparameter, v -> definition.validate(v, choices)),
                g -> "Parameter group " + g);
        this.nonFiniteGradient = new NonFinite.Detector(backend, parameters, Parameter::gradient);
        this.ledger = new StepLedger(definition.name());
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
        return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(settings.values(group)));
    }

    /** The hyperparameters of group {@code group} as the next step will use them (schedules applied). */
    public final Map<String, Double> effectiveHyperparameters(String group) {
        return settings.effective(group);
    }

    @Override
    public final void setHyperparameter(String group, String name, double value) {
        requireOpen();
        settings.set(group, name, value);
    }

    @Override
    public final void setHyperparameter(String name, double value) {
        requireOpen();
        settings.setAll(name, value);
    }

    @Override
    public final boolean isFrozen(String group) {
        return settings.isFrozen(group);
    }

    @Override
    public final void setFrozen(String group, boolean freeze) {
        settings.setFrozen(group, freeze);
    }

    @Override
    public final NonFinitePolicy nonFinitePolicy() {
        return ledger.policy();
    }

    @Override
    public final void setNonFinitePolicy(NonFinitePolicy policy) {
        ledger.setPolicy(policy);
    }

    /**
     * Lets {@code schedule} drive hyperparameter {@code hyperparameter} from position 0, replacing
     * any schedule it had. The base values stay as set; each step uses {@code schedule.value(position, base)}.
     *
     * @throws IllegalArgumentException if there is no such hyperparameter
     */
    public final void schedule(String hyperparameter, Schedule schedule) {
        settings.schedule(hyperparameter, schedule);
    }

    /** The position of the schedule of {@code hyperparameter}, or -1 if none drives it. */
    public final long schedulePosition(String hyperparameter) {
        return settings.position(hyperparameter);
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
            if (!settings.isFrozen(g.name())) {
                active.add(g);
            }
        }
        for (ParameterGroup g : active) {
            for (Parameter p : g.parameters()) {
                if (nonFiniteGradient.seen(p) && ledger.refuse(NonFinite.gradientMessage(p))) {
                    return;
                }
            }
        }
        for (ParameterGroup g : active) {
            String problem = prepare(g);
            if (problem != null && ledger.refuse(problem)) {
                return;
            }
        }
        Map<ParameterGroup, Map<String, Double>> effective = new LinkedHashMap<>();
        for (ParameterGroup g : active) {
            effective.put(g, effectiveHyperparameters(g.name()));
        }
        update(effective);
        ledger.applied();
        settings.advance();
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
        return ledger.steps();
    }

    @Override
    public final long skippedSteps() {
        return ledger.skipped();
    }

    @Override
    public final StateDict state() {
        requireOpen();
        StateWriter w = StateWriter.root();
        choices.forEach((k, v) -> w.option("choice/" + k, v));
        lists.forEach((k, v) -> w.option("list/" + k, HyperparameterList.format(v)));
        settings.write(w);
        for (Parameter p : parameters.parameters()) {
            SlotState.write(w, p.name(), buffers(p), scalarState(p));
        }
        optimizerState().forEach((k, v) -> w.scalar("optimizer/" + k, v));
        return w.build(name(), parameters, ledger.steps(), ledger.skipped());
    }

    @Override
    public final void loadState(StateDict state) {
        requireOpen();
        StateReader r = StateReader.of(state, name(), parameters);
        choices.forEach((k, v) -> r.expect("choice/" + k, v));
        lists.forEach((k, v) -> r.expect("list/" + k, HyperparameterList.format(v)));
        GroupSettings.Snapshot loaded = settings.read(r);
        Map<Parameter, SlotState> slots = new LinkedHashMap<>();
        for (Parameter p : parameters.parameters()) {
            slots.put(p, SlotState.read(r, p.name(), buffers(p), scalarState(p).keySet()));
        }
        Map<String, Double> optimizerWide = new LinkedHashMap<>();
        for (String k : optimizerState().keySet()) {
            optimizerWide.put(k, r.scalar("optimizer/" + k, "the optimizer-wide scalar " + k));
        }
        r.requireEverythingRead();
        Map<Parameter, Map<String, Double>> perParameter = new LinkedHashMap<>();
        slots.forEach((p, s) -> perParameter.put(p, s.scalars()));
        checkState(perParameter, optimizerWide);
        // Everything checked: apply.
        slots.forEach((p, s) -> {
            s.restoreBuffers(buffers(p));
            restoreScalarState(p, s.scalars());
        });
        restoreOptimizerState(optimizerWide);
        settings.restore(loaded);
        ledger.restore(state.stepCount(), state.skippedSteps());
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
        return settings.values(group);
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
        return name() + choices + (lists.isEmpty() ? "" : lists.toString()) + settings.snapshot().values();
    }
}
