package org.optopt.optimizers.hyper;

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
import org.optopt.api.optim.StateDict;
import org.optopt.api.tensor.Tensor;
import org.optopt.optimizers.BoundRule;
import org.optopt.optimizers.ElementwiseRule;
import org.optopt.optimizers.NonFinite;
import org.optopt.optimizers.runtime.GroupSettings;
import org.optopt.optimizers.runtime.SlotState;
import org.optopt.optimizers.runtime.StateReader;
import org.optopt.optimizers.runtime.StateWriter;
import org.optopt.optimizers.schedule.Schedule;

/**
 * One level of a tower bound to its parameters (the model's, or the raw hyperparameters of the
 * level below): a thin layer over the runtime a plain optimizer uses — {@link GroupSettings}
 * (values, frozen groups, schedules) and a {@link BoundRule} running the fused kernel of
 * {@link HyperKernels#step} with one {@code dp.h} buffer per learnable hyperparameter — plus the
 * hypergradient kernel and the {@link LearnedHyperparameters} the level above trains.
 *
 * <p>State layout (under the level's node {@code L<k>/}): options {@code optimizer}, the choices,
 * {@code learn} and {@code frozen} (which must match); the entries of the settings, the slots
 * ({@link SlotState}) and the learned hyperparameters; for a direction source, its state under
 * {@code direction/}.
 */
final class Level implements AutoCloseable {
    final int index;
    final LevelSpec spec;
    final ParameterSet parameters;
    final List<String> learnable;
    private final GroupSettings settings;
    private final LearnedHyperparameters learned;
    private final BoundRule rule;
    private final CompiledKernel hypergradient;
    private final Map<String, KernelArgs> hypergradientArgs = new LinkedHashMap<>();
    /**
     * Checks the parameters after the update: a kernel of its own, since a reduction inside the
     * update loop would keep compiled backends from vectorizing the update (measured 4x slower).
     */
    private final NonFinite.Detector nonFiniteParameter;
    private final Backend backend;
    private final DirectionSource.Bound direction;

    /**
     * The sums over one step's parameters.
     *
     * @param values by raw index
     * @param nonFinite null, or the description of a non-finite gradient of a group that is not frozen
     */
    record Hypergradients(double[] values, String nonFinite) {}

    /** A state {@link #read} checked: {@link #loadDirection()} (which may still refuse), then {@link #apply()}. */
    record Loaded(Runnable loadDirection, Runnable apply) {}

    /**
     * @throws IllegalArgumentException on invalid values, or if a learnable hyperparameter sits
     *     where its reparameterization has derivative 0 (e.g. lr = 0 through the square)
     */
    Level(int index, LevelSpec spec, List<String> learnable, Backend backend, ParameterSet parameters) {
        this.index = index;
        this.spec = spec;
        this.backend = backend;
        this.parameters = parameters;
        this.learnable = List.copyOf(learnable);
        boolean severalGroups = parameters.groups().size() > 1;
        this.settings = new GroupSettings(parameters, spec.values(),
                spec.hyperparameters().stream().map(Hyperparameter::name).toList(),
                GroupSettings.Validation.of(spec::hyperparameter, v -> {
                    spec.hyperparameters().forEach(h -> h.require(v.get(h.name())));
                    spec.check().check(v);
                }), g -> describe() + (severalGroups ? " group " + g : ""));
        this.learned = new LearnedHyperparameters(index, describe(), spec, learnable, settings.groups(),
                settings::values, backend);
        this.direction = spec.direction() == null ? null : spec.direction().bind(backend, parameters);
        this.rule = new BoundRule(backend, spec.rule(), HyperKernels.step(spec.rule(), learned.reparameterizations()),
                parameters, settings::values, learnable.stream().map(HyperKernels::derivativeBuffer).toList(),
                (buffer, parameter) -> direction != null && buffer.equals(spec.direction().buffer())
                        ? direction.direction(parameter) : null);
        this.hypergradient = backend.compile(HyperKernels.hypergradient(learnable));
        for (Parameter p : parameters.parameters()) {
            KernelArgs a = hypergradient.args().buffer(ElementwiseRule.GRADIENT, p.gradient());
            learnable.forEach(h -> a.buffer(HyperKernels.derivativeBuffer(h),
                    rule.buffer(p.name(), HyperKernels.derivativeBuffer(h))));
            hypergradientArgs.put(p.name(), a);
        }
        this.nonFiniteParameter = new NonFinite.Detector(backend, parameters, Parameter::value);
    }

    /** A short name for messages: {@code level 1 (sgd)}. */
    String describe() {
        return "level " + index + " (" + spec.optimizer() + ")";
    }

    /** The fused update kernel this level runs. */
    Kernel stepKernel() {
        return rule.kernel();
    }

    /** The hyperparameters the level above learns. */
    LearnedHyperparameters learned() {
        return learned;
    }

    /** Checks the current raw values (see {@link LearnedHyperparameters#requireValid}). */
    void requireValid() {
        learned.requireValid(learned.read(), settings::values);
    }

    /**
     * Runs the hypergradient kernel over every parameter: {@code sum(g*dp.h)} summed over each
     * group's tensors, and the count of non-finite gradient elements of groups that are not frozen.
     */
    Hypergradients hypergradients() {
        double[] out = new double[settings.groups().size() * learnable.size()];
        int gi = 0;
        for (ParameterGroup g : parameters.groups()) {
            for (Parameter p : g.parameters()) {
                Reductions r = hypergradient.run(hypergradientArgs.get(p.name()));
                if (NonFinite.seen(r.get(HyperKernels.NON_FINITE)) && !settings.isFrozen(g.name())) {
                    return new Hypergradients(out, NonFinite.gradientMessage(p));
                }
                for (int j = 0; j < learnable.size(); j++) {
                    out[gi * learnable.size() + j] += r.get(HyperKernels.hypergradient(learnable.get(j)));
                }
            }
            gi++;
        }
        return new Hypergradients(out, null);
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
            String problem = settings.isFrozen(g.name()) ? null : rule.prepare(g);
            if (problem != null) {
                return describe() + ": " + problem;
            }
        }
        return null;
    }

    /**
     * Checks that every schedule gives a value in its domain at the next step, changing nothing.
     *
     * @throws IllegalStateException naming the schedule and value otherwise
     */
    void requireSchedules() {
        settings.groups().forEach(settings::effective);
    }

    /** The root over this level's parameters of each of the rule's {@link ElementwiseRule#norms()}. */
    Map<String, Double> norms() {
        return rule.norms();
    }

    /**
     * One update of every parameter of every group that is not frozen, with the learnable
     * hyperparameters at their current raw values and the schedules applied; writes {@code dp.h}.
     * Frozen groups (and a frozen level) keep their values; their {@code dp.h} become 0.
     *
     * @return the first parameter the update made non-finite (with its count), or null
     */
    String step() {
        float[] r = learned.read();
        String bad = null;
        if (direction != null && !spec.frozen()) {
            direction.compute();
        }
        for (ParameterGroup g : parameters.groups()) {
            Map<String, Double> rawScalars = learned.apply(r, g.name(), settings.values(g.name()));
            boolean skip = spec.frozen() || settings.isFrozen(g.name());
            Map<String, Double> effective = settings.effective(g.name());
            for (Parameter p : g.parameters()) {
                if (skip) {
                    learnable.forEach(h -> backend.fillInPlace(rule.buffer(p.name(), HyperKernels.derivativeBuffer(h)), 0f));
                    continue;
                }
                rule.update(p.name(), effective, rawScalars);
                if (nonFiniteParameter.seen(p) && bad == null) {
                    bad = NonFinite.count(p.value()) + " element(s) of " + p.name();
                }
            }
        }
        return bad;
    }

    /** Completes an applied step: keeps its hypergradients and moves the schedules on. */
    void commit(double[] hypergradients) {
        learned.commit(hypergradients);
        settings.advance();
    }

    List<String> groups() {
        return settings.groups();
    }

    /** The current values of group {@code group}: learned ones from their raw values, the others as set. */
    Map<String, Double> values(String group) {
        return learned.current(group, settings.values(group));
    }

    /** {@link #values} as stored (see {@link LearnedHyperparameters#stored}). */
    Map<String, Double> storedValues(String group) {
        return learned.stored(group, settings.values(group));
    }

    /**
     * Sets {@code name = value} in group {@code group}, validated: a learned hyperparameter restarts
     * from this value (its raw value is set), a fixed one is replaced.
     *
     * @throws IllegalArgumentException on an unknown group or name, or an invalid or unlearnable value
     */
    void set(String group, String name, double value) {
        settings.validated(group, name, value);
        learned.requireLearnable(group, name, value);
        if (direction != null) {
            direction.setHyperparameter(group, name, value);
        }
        settings.set(group, name, value);
        learned.set(group, name, value);
    }

    /** Sets {@code name = value} in every group, validated in all before any changes. */
    void setAll(String name, double value) {
        for (String g : settings.groups()) {
            settings.validated(g, name, value);
            learned.requireLearnable(g, name, value);
        }
        settings.groups().forEach(g -> set(g, name, value));
    }

    boolean isFrozen(String group) {
        return settings.isFrozen(group);
    }

    void setFrozen(String group, boolean frozen) {
        settings.values(group);
        if (direction != null) {
            direction.setFrozen(group, frozen);
        }
        settings.setFrozen(group, frozen);
    }

    /**
     * Lets {@code schedule} drive {@code hyperparameter} (see {@link GroupSettings#schedule}).
     *
     * @throws IllegalArgumentException if the level above learns it (its value is what is learned),
     *     or, for a direction source, if it is not the step size (the source does not see schedules)
     */
    void schedule(String hyperparameter, Schedule schedule) {
        spec.hyperparameter(hyperparameter);
        if (learnable.contains(hyperparameter)) {
            throw new IllegalArgumentException(describe() + ": " + hyperparameter + " is learned by level " + (index + 1)
                    + "; a schedule can drive only a hyperparameter that is not learned");
        }
        if (direction != null && !hyperparameter.equals(spec.stepSize())) {
            throw new IllegalArgumentException(describe() + ": only the step size " + spec.stepSize()
                    + " can follow a schedule");
        }
        settings.schedule(hyperparameter, schedule);
    }

    long schedulePosition(String hyperparameter) {
        return settings.position(hyperparameter);
    }

    /** Copies this level's parameters, state and settings to the host; running the result restores them. */
    Runnable snapshot() {
        Map<Tensor, float[]> values = new LinkedHashMap<>();
        Map<String, SlotState> slots = new LinkedHashMap<>();
        for (Parameter p : parameters.parameters()) {
            values.put(p.value(), p.value().toArray());
            slots.put(p.name(), rule.state(p.name()));
        }
        GroupSettings.Snapshot s = settings.snapshot();
        return () -> {
            values.forEach(Tensor::copyFrom);
            slots.forEach(rule::restore);
            settings.restore(s);
        };
    }

    private Map<String, String> structure() {
        Map<String, String> out = new LinkedHashMap<>();
        out.put("optimizer", spec.optimizer());
        out.putAll(spec.choices());
        out.put("learn", String.join("+", learnable));
        out.put("frozen", Boolean.toString(spec.frozen()));
        return out;
    }

    /** Writes the level into its node {@code w}. */
    void write(StateWriter w) {
        structure().forEach(w::option);
        settings.write(w);
        rule.write(w);
        learned.write(w);
        if (direction != null) {
            w.child("direction").embed(direction.state());
        }
    }

    /** Reads and checks what {@link #write} wrote; changes nothing. */
    Loaded read(StateReader r) {
        structure().forEach(r::expect);
        GroupSettings.Snapshot s = settings.read(r);
        Map<String, SlotState> slots = rule.read(r);
        Runnable raw = learned.read(r, s.values()::get);
        StateDict inner = direction == null ? null : r.child("direction", describe() + "'s direction").embedded(parameters);
        return new Loaded(() -> {
            if (inner != null) {
                direction.loadState(inner);
            }
        }, () -> {
            settings.restore(s);
            slots.forEach(rule::restore);
            raw.run();
        });
    }

    @Override
    public void close() {
        if (direction != null) {
            direction.close();
        }
        rule.close();
        learned.close();
    }
}
