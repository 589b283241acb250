package org.optopt.optimizers.hyper;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
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
import org.optopt.api.optim.StateDict;
import org.optopt.api.tensor.Shape;
import org.optopt.api.tensor.Tensor;
import org.optopt.optimizers.ElementwiseRule;
import org.optopt.optimizers.NonFinite;
import org.optopt.optimizers.runtime.BoundRule;
import org.optopt.optimizers.runtime.GroupSettings;
import org.optopt.optimizers.runtime.SlotState;
import org.optopt.optimizers.runtime.StateReader;
import org.optopt.optimizers.runtime.StateWriter;
import org.optopt.optimizers.schedule.Schedule;

/**
 * One level of a tower bound to its parameters (the model's, or the raw hyperparameters of the
 * level below): a thin layer over the runtime a plain optimizer uses — its {@link GroupSettings}
 * (values, frozen groups, schedules) and its {@link BoundRule} running the fused kernel of
 * {@link HyperKernels#step} with one {@code dp.h} buffer per learnable hyperparameter — plus the
 * hypergradient and parameter-check kernels and the raw values of its learnable hyperparameters,
 * the parameter of the level above.
 *
 * <p>Raw values are laid out group by group: index {@code groupIndex * learnable.size() + j} for
 * the j-th learnable hyperparameter. State layout (under the level's node {@code L<k>/}): options
 * {@code optimizer}, the choices, {@code learn} and {@code frozen} (which must match), the
 * settings' and slots' entries, tensor ({@code L<k>.raw}, {@code raw}), scalars
 * {@code hypergradient/<group>/<name>} and, for a direction source, its state under
 * {@code direction/}.
 */
final class Level implements AutoCloseable {
    final int index;
    final LevelSpec spec;
    final ParameterSet parameters;
    final List<String> learnable;
    private final List<Reparameterization> reparams = new ArrayList<>();
    private final GroupSettings settings;
    private final BoundRule rule;
    private final CompiledKernel hypergradient;
    private final CompiledKernel parameterCheck;
    private final Map<String, KernelArgs> hypergradientArgs = new LinkedHashMap<>();
    private final Map<String, KernelArgs> checkArgs = new LinkedHashMap<>();
    private final Backend backend;
    private final DirectionSource.Bound direction;
    /** The raw values of the learnable hyperparameters and their gradient; null if nothing is learned. */
    private final Parameter raw;
    private double[] lastHypergradients;

    /** The sums over one step's parameters. */
    record Hypergradients(double[] values, String nonFiniteParameter, long nonFiniteCount) {}

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
        Map<String, Reparameterization> byName = new LinkedHashMap<>();
        for (String h : learnable) {
            Reparameterization r = spec.hyperparameter(h).reparameterization();
            byName.put(h, r);
            reparams.add(r);
        }
        boolean severalGroups = parameters.groups().size() > 1;
        this.settings = new GroupSettings(parameters, spec.values(),
                spec.hyperparameters().stream().map(Hyperparameter::name).toList(), new GroupSettings.Validation() {
                    @Override
                    public Hyperparameter definition(String name) {
                        return spec.hyperparameter(name);
                    }

                    @Override
                    public void check(Map<String, Double> values) {
                        spec.hyperparameters().forEach(h -> h.require(values.get(h.name())));
                        spec.check().check(values);
                    }
                }, g -> describe() + (severalGroups ? " group " + g : ""));
        this.raw = learnable.isEmpty() ? null : rawParameter(backend);
        this.direction = spec.direction() == null ? null : spec.direction().bind(backend, parameters);
        this.rule = new BoundRule(backend, spec.rule(), HyperKernels.step(spec.rule(), byName), parameters,
                settings::values, learnable.stream().map(HyperKernels::derivativeBuffer).toList(),
                (buffer, parameter) -> direction != null && buffer.equals(spec.direction().buffer())
                        ? direction.direction(parameter) : null);
        this.hypergradient = backend.compile(HyperKernels.hypergradient(learnable));
        this.parameterCheck = backend.compile(HyperKernels.parameterCheck());
        for (Parameter p : parameters.parameters()) {
            KernelArgs a = hypergradient.args().buffer(ElementwiseRule.GRADIENT, p.gradient());
            rule.buffers(p.name()).forEach((name, t) -> {
                if (hypergradient.kernel().bufferIndex(name) >= 0) {
                    a.buffer(name, t);
                }
            });
            hypergradientArgs.put(p.name(), a);
            checkArgs.put(p.name(), parameterCheck.args().buffer(ElementwiseRule.PARAMETER, p.value()));
        }
        this.lastHypergradients = new double[rawSize()];
    }

    private Parameter rawParameter(Backend backend) {
        float[] r = new float[rawSize()];
        for (int i = 0; i < r.length; i++) {
            r[i] = learnableRaw(i, settings.values(group(i)).get(learnable.get(i % learnable.size())));
        }
        return new Parameter("L" + index + ".raw", backend.fromArray(r, Shape.vector(r.length)),
                backend.zeros(Shape.vector(r.length)));
    }

    /** The raw value of raw index {@code i} for value {@code v}, checked to be learnable. */
    private float learnableRaw(int i, double v) {
        Reparameterization rep = reparams.get(i % learnable.size());
        float x = (float) rep.inverse(v);
        if (!Float.isFinite(x) || rep.derivative(x) == 0) {
            throw new IllegalArgumentException(describeRaw(i) + " = " + v + " cannot be learned: its " + rep
                    + " reparameterization has no usable derivative there");
        }
        return x;
    }

    /** A short name for messages: {@code level 1 (sgd)}. */
    String describe() {
        return "level " + index + " (" + spec.optimizer() + ")";
    }

    /** The fused update kernel this level runs. */
    Kernel stepKernel() {
        return rule.kernel();
    }

    /** The raw values of the learnable hyperparameters with their gradient: the parameter of the level above. */
    Parameter raw() {
        return raw;
    }

    private int rawSize() {
        return settings.groups().size() * learnable.size();
    }

    private String group(int rawIndex) {
        return settings.groups().get(rawIndex / learnable.size());
    }

    /** The (group, hyperparameter) of raw index {@code i}, for messages. */
    String describeRaw(int i) {
        return describe() + " hyperparameter " + learnable.get(i % learnable.size())
                + (settings.groups().size() > 1 ? " of group " + group(i) : "");
    }

    /**
     * Checks the current raw values (as the level above proposes them): finite, mapped into each
     * hyperparameter's domain and passing the cross-checks.
     *
     * @throws IllegalArgumentException naming the level, hyperparameter, raw and mapped value
     */
    void requireValid() {
        requireValid(raw.value().toArray(), settings::values);
    }

    private void requireValid(float[] r, Function<String, Map<String, Double>> values) {
        int i = 0;
        for (String g : settings.groups()) {
            Map<String, Double> v = new LinkedHashMap<>(values.apply(g));
            for (int j = 0; j < learnable.size(); j++, i++) {
                String h = learnable.get(j);
                double x = reparams.get(j).forward(r[i]);
                Hyperparameter def = spec.hyperparameter(h);
                if (!Float.isFinite(r[i]) || !def.domain().contains(x)) {
                    throw new IllegalArgumentException(describeRaw(i) + " became " + x + " (raw " + r[i]
                            + "), outside " + def.domain().describe(h));
                }
                v.put(h, x);
            }
            try {
                spec.check().check(v);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(describe() + (settings.groups().size() > 1 ? " group " + g : "")
                        + ": " + e.getMessage(), e);
            }
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
                Reductions r = hypergradient.run(hypergradientArgs.get(p.name()));
                if (NonFinite.seen(r.get(HyperKernels.NON_FINITE)) && !settings.isFrozen(g.name())) {
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
     * Sets the gradient of the raw values to {@code hypergradients}, rounded to float.
     *
     * @return null, or a one-line description of a non-finite one (nothing has changed then)
     */
    String setRawGradient(double[] hypergradients) {
        float[] f = new float[hypergradients.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) hypergradients[i];
            if (!Float.isFinite(f[i])) {
                return "Hypergradient of " + describeRaw(i) + " is " + hypergradients[i];
            }
        }
        raw.gradient().copyFrom(f);
        return null;
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
            if (!settings.isFrozen(g.name())) {
                String problem = rule.prepare(g);
                if (problem != null) {
                    return describe() + ": " + problem;
                }
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
        float[] r = raw == null ? new float[0] : raw.value().toArray();
        String bad = null;
        if (direction != null && !spec.frozen()) {
            direction.compute();
        }
        int gi = 0;
        for (ParameterGroup g : parameters.groups()) {
            Map<String, Double> v = settings.values(g.name());
            Map<String, Double> rawScalars = new LinkedHashMap<>();
            for (int j = 0; j < learnable.size(); j++) {
                String h = learnable.get(j);
                float x = r[gi * learnable.size() + j];
                v.put(h, reparams.get(j).forward(x));
                rawScalars.put(HyperKernels.rawScalar(h), (double) x);
            }
            boolean skip = spec.frozen() || settings.isFrozen(g.name());
            Map<String, Double> effective = settings.effective(g.name());
            for (Parameter p : g.parameters()) {
                if (skip) {
                    learnable.forEach(h -> backend.fillInPlace(rule.buffer(p.name(), HyperKernels.derivativeBuffer(h)), 0f));
                    continue;
                }
                rule.update(p.name(), effective, rawScalars);
                if (NonFinite.seen(parameterCheck.run(checkArgs.get(p.name())).get(HyperKernels.NON_FINITE_PARAMETER))
                        && bad == null) {
                    bad = NonFinite.count(p.value()) + " element(s) of " + p.name();
                }
            }
            gi++;
        }
        return bad;
    }

    /** Completes an applied step: keeps its hypergradients for {@link #hypergradients(String)} and moves the schedules on. */
    void commit(double[] hypergradients) {
        lastHypergradients = hypergradients;
        settings.advance();
    }

    List<String> groups() {
        return settings.groups();
    }

    /**
     * The current values of group {@code group}'s hyperparameters: learnable ones from their raw
     * values, the others as set (schedules not applied).
     */
    Map<String, Double> values(String group) {
        Map<String, Double> v = new LinkedHashMap<>(settings.values(group));
        if (raw != null) {
            float[] r = raw.value().toArray();
            int gi = settings.groups().indexOf(group);
            for (int j = 0; j < learnable.size(); j++) {
                v.put(learnable.get(j), reparams.get(j).forward(r[gi * learnable.size() + j]));
            }
        }
        return v;
    }

    /** The values of group {@code group} as stored: the raw value {@code x} with {@code h = f(x)} of each one's reparameterization. */
    Map<String, Double> storedValues(String group) {
        Map<String, Double> out = new LinkedHashMap<>();
        float[] r = raw == null ? null : raw.value().toArray();
        int gi = settings.groups().indexOf(group);
        values(group).forEach((h, v) -> {
            int j = learnable.indexOf(h);
            out.put(h, r != null && j >= 0 ? r[gi * learnable.size() + j]
                    : spec.hyperparameter(h).reparameterization().inverse(v));
        });
        return out;
    }

    /** The hypergradients of group {@code group}'s learnable hyperparameters computed by the last step. */
    Map<String, Double> hypergradients(String group) {
        int gi = settings.groups().indexOf(group);
        if (gi < 0) {
            throw new IllegalArgumentException("Unknown group '" + group + "' of " + describe());
        }
        Map<String, Double> out = new LinkedHashMap<>();
        for (int j = 0; j < learnable.size(); j++) {
            out.put(learnable.get(j), lastHypergradients[gi * learnable.size() + j]);
        }
        return out;
    }

    /**
     * Sets {@code name = value} in group {@code group}, validated: a learnable hyperparameter
     * restarts from this value (its raw value is set), a fixed one is replaced.
     *
     * @throws IllegalArgumentException on an unknown group or name, or an invalid or unlearnable value
     */
    void set(String group, String name, double value) {
        float x = rawOf(group, name, value);
        if (direction != null) {
            direction.setHyperparameter(group, name, value);
        }
        settings.set(group, name, value);
        int j = learnable.indexOf(name);
        if (j >= 0) {
            float[] r = raw.value().toArray();
            r[settings.groups().indexOf(group) * learnable.size() + j] = x;
            raw.value().copyFrom(r);
        }
    }

    /** Sets {@code name = value} in every group, validated in all before any changes. */
    void setAll(String name, double value) {
        settings.groups().forEach(g -> rawOf(g, name, value));
        settings.groups().forEach(g -> set(g, name, value));
    }

    /** Validates {@code name = value} in {@code group}; the raw value if {@code name} is learnable, else 0. */
    private float rawOf(String group, String name, double value) {
        settings.validated(group, name, value);
        int j = learnable.indexOf(name);
        return j < 0 ? 0 : learnableRaw(settings.groups().indexOf(group) * learnable.size() + j, value);
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
        parameters.parameters().forEach(p -> values.put(p.value(), p.value().toArray()));
        Map<String, SlotState> slots = new LinkedHashMap<>();
        parameters.parameters().forEach(p -> slots.put(p.name(), rule.state(p.name())));
        GroupSettings.Snapshot s = settings.snapshot();
        return () -> {
            values.forEach(Tensor::copyFrom);
            slots.forEach(rule::restore);
            settings.restore(s);
        };
    }

    // ---- state -------------------------------------------------------------------------------

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
        if (raw != null) {
            w.tensor(raw.name(), "raw", raw.value());
        }
        for (String g : settings.groups()) {
            hypergradients(g).forEach((h, v) -> w.scalar("hypergradient/" + g + "/" + h, v));
        }
        if (direction != null) {
            w.child("direction").embed(direction.state());
        }
    }

    /** Reads and checks what {@link #write} wrote; changes nothing. */
    Loaded read(StateReader r) {
        structure().forEach(r::expect);
        GroupSettings.Snapshot s = settings.read(r);
        Map<String, SlotState> slots = rule.read(r);
        float[] rawValues = raw == null ? null : r.tensor(raw.name(), "raw", raw.value().shape());
        if (rawValues != null) {
            requireValid(rawValues, s.values()::get);
        }
        double[] hg = new double[rawSize()];
        for (int i = 0; i < hg.length; i++) {
            hg[i] = r.scalar("hypergradient/" + group(i) + "/" + learnable.get(i % learnable.size()),
                    "hypergradient of " + describeRaw(i));
        }
        StateDict inner = direction == null ? null : r.child("direction", describe() + "'s direction").embedded(parameters);
        return new Loaded(() -> {
            if (inner != null) {
                direction.loadState(inner);
            }
        }, () -> {
            settings.restore(s);
            slots.forEach(rule::restore);
            if (rawValues != null) {
                raw.value().copyFrom(rawValues);
            }
            lastHypergradients = hg;
        });
    }

    @Override
    public void close() {
        if (direction != null) {
            direction.close();
        }
        rule.close();
        if (raw != null) {
            raw.value().close();
            raw.gradient().close();
        }
    }
}
