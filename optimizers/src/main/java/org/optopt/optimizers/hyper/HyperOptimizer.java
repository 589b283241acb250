package org.optopt.optimizers.hyper;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.optopt.api.backend.Backend;
import org.optopt.api.optim.Hyperparameter;
import org.optopt.api.optim.NonFinitePolicy;
import org.optopt.api.optim.Optimizer;
import org.optopt.api.optim.Parameter;
import org.optopt.api.optim.ParameterSet;
import org.optopt.api.optim.StateDict;
import org.optopt.api.tensor.Shape;
import org.optopt.api.tensor.Tensor;

/**
 * A hypergradient tower ("Gradient Descent: The Ultimate Optimizer", Chandra et al. 2022): level 0
 * updates the model's parameters; level k &gt; 0 is an optimizer whose parameters are the raw
 * (unconstrained) values of level k-1's learnable hyperparameters, a small vector, and whose
 * gradient is their hypergradient. The top level's hyperparameters are fixed.
 *
 * <p><b>One step</b>, given the model gradients {@code g_t}:
 * <ol>
 *   <li>Bottom-up, every level's hypergradients: for level k's learnable hyperparameter h,
 *       {@code d^(k+1)_h = sum over level k's parameters of grad_k · dp_k/d raw.h}, where
 *       {@code dp_k/d raw.h} was written by level k's previous update ({@link HyperKernels}) and
 *       {@code grad_k} is {@code g_t} for k = 0, else {@code d^(k)}. Per parameter group, the sum
 *       runs over that group's tensors. This is {@code d loss(p_t) / d raw.h} with all state from
 *       earlier steps detached: {@code d^(l+1)_t = d^(l)_t · d(level-l parameters)/d(h_{l+1})}
 *       from the step before.</li>
 *   <li>Top-down, as gdtuo: the top level updates level top-1's raw hyperparameters first, then
 *       each level below updates its parameters using the new values, writing fresh
 *       {@code dp/d raw.h}; level 0 last.</li>
 * </ol>
 * At the first step every {@code dp} buffer is 0, so the hypergradients are 0.
 *
 * <p><b>Memory</b>: per learnable hyperparameter of a level, one extra buffer of each of that
 * level's parameter tensors ({@code dp.h}); the levels above the model hold vectors of a few elements.
 * <b>Time</b>: per model tensor and step, one fused update pass (reading and writing the
 * {@code dp.h} buffers too) and one reduction pass reading {@code g} and the {@code dp.h}.
 *
 * <p>Hyperparameters are per parameter group: each group of level 0 has its own raw values, and
 * their hypergradients sum over that group's tensors only (gdtuo's {@code SGDPerParam} is sgd over
 * one group per tensor). The levels above have one group.
 *
 * <p><b>Bad values</b>: a non-finite model gradient or hypergradient, a non-finite result of a
 * rule's reduction passes (e.g. the Trainable Optimizer's residual), or a learned hyperparameter
 * that leaves its domain (e.g. a beta that rounds to 1), is caught before the model's parameters
 * change: under {@link NonFinitePolicy#FAIL} the step throws an {@link IllegalStateException}
 * naming the level and hyperparameter and every level is restored; under
 * {@link NonFinitePolicy#SKIP_NON_FINITE} the step is skipped (restored) and counted. Should
 * finite hyperparameters still make a model parameter non-finite (e.g. a learned lr grown huge),
 * the fused update counts it and the step throws an {@link IllegalStateException} naming the
 * parameter and every level's hyperparameters (the update is applied then; never silently).
 *
 * <p>As an {@link Optimizer}, the tower shows level 0: {@link #hyperparameters(String)} are level
 * 0's current values (learned ones included). {@link #levelHyperparameters(int, String)} and
 * {@link #trace()} expose every level for per-step traces.
 */
public final class HyperOptimizer implements Optimizer {
    private final String name;
    private final Backend backend;
    private final ParameterSet parameters;
    private final List<Level> levels = new ArrayList<>();
    /** raw.get(k): level k's learnable raw values, level k+1's parameter; for k below the top. */
    private final List<Tensor> raw = new ArrayList<>();
    private final List<Tensor> rawGradients = new ArrayList<>();
    private final List<double[]> lastHypergradients = new ArrayList<>();
    private NonFinitePolicy policy = NonFinitePolicy.FAIL;
    private long steps;
    private long skipped;
    private boolean closed;

    /**
     * Builds the tower {@code specs} (level 0 first) over {@code parameters}.
     *
     * @throws IllegalArgumentException if a level above level 0 has a non-positive step size and is
     *     not frozen, the top level is asked to learn, a level below the top learns nothing, or a
     *     learnable hyperparameter cannot be learned at its value (e.g. lr = 0 through the square)
     */
    public HyperOptimizer(List<LevelSpec> specs, Backend backend, ParameterSet parameters) {
        if (specs.isEmpty()) {
            throw new IllegalArgumentException("A tower needs at least one level");
        }
        this.backend = Objects.requireNonNull(backend, "backend");
        this.parameters = Objects.requireNonNull(parameters, "parameters");
        this.name = String.join("/", specs.stream().map(LevelSpec::optimizer).toList());
        int top = specs.size() - 1;
        for (int k = 0; k <= top; k++) {
            LevelSpec s = specs.get(k);
            String where = "level " + k + " (" + s.optimizer() + ") of " + name;
            if (k > 0 && !s.frozen() && !(s.values().get(s.stepSize()) > 0)) {
                throw new IllegalArgumentException(where + " has " + s.stepSize() + " = " + s.values().get(s.stepSize())
                        + ": a hyper-level must learn, so its step size must be > 0 (mark it frozen to keep the level"
                        + " below fixed)");
            }
            if (k == top && s.learnableGiven() && !s.learnable().isEmpty()) {
                throw new IllegalArgumentException(where + " is the top of the stack: nothing learns its hyperparameters "
                        + s.learnable() + "; add a level above it or drop learn=");
            }
            if (k < top && s.learnable().isEmpty()) {
                throw new IllegalArgumentException("level " + (k + 1) + " (" + specs.get(k + 1).optimizer() + ") of " + name
                        + " has nothing to learn: " + where + " has no learnable hyperparameters");
            }
        }
        try {
            ParameterSet current = parameters;
            for (int k = 0; k <= top; k++) {
                LevelSpec s = specs.get(k);
                Level level = new Level(k, s, k < top ? s.learnable() : List.of(), backend, current);
                levels.add(level);
                if (k < top) {
                    float[] r = level.initialRaw();
                    Tensor value = backend.fromArray(r, Shape.vector(r.length));
                    Tensor gradient = backend.zeros(Shape.vector(r.length));
                    raw.add(value);
                    rawGradients.add(gradient);
                    lastHypergradients.add(new double[r.length]);
                    current = ParameterSet.of(List.of(new Parameter(rawName(k), value, gradient)));
                }
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private static String rawName(int level) {
        return "L" + level + ".raw";
    }

    /** The number of levels (1 = a plain optimizer run through the tower machinery). */
    public int height() {
        return levels.size();
    }

    /** The optimizer name of level {@code level}. */
    public String levelOptimizer(int level) {
        return level(level).spec.optimizer();
    }

    /** The hyperparameters level {@code level + 1} learns for level {@code level} (empty at the top). */
    public List<String> learnable(int level) {
        return level(level).learnable;
    }

    /** The definition of hyperparameter {@code hyperparameter} of level {@code level} (its domain and reparameterization). */
    public Hyperparameter levelHyperparameterDefinition(int level, String hyperparameter) {
        return level(level).spec.hyperparameter(hyperparameter);
    }

    /** The fused update kernel of level {@code level} (its update and every {@code dp/d raw.h}). */
    public org.optopt.api.kernel.Kernel levelKernel(int level) {
        return level(level).stepKernel();
    }

    /**
     * The current values of level {@code level}'s hyperparameters in group {@code group} (level 0
     * has the model's groups, the levels above one group {@value ParameterSet#DEFAULT_GROUP}).
     */
    public Map<String, Double> levelHyperparameters(int level, String group) {
        requireOpen();
        Level l = level(level);
        Map<String, Double> v = new LinkedHashMap<>(l.values(group));
        if (level < raw.size()) {
            float[] r = raw.get(level).toArray();
            int gi = l.groups().indexOf(group);
            for (int j = 0; j < l.learnable.size(); j++) {
                String h = l.learnable.get(j);
                v.put(h, l.spec.hyperparameter(h).reparameterization().forward(r[gi * l.learnable.size() + j]));
            }
        }
        return v;
    }

    /**
     * Level {@code level}'s hyperparameters as stored: the raw value {@code x} with {@code h = f(x)}
     * of each one's reparameterization (gdtuo's convention; e.g. a beta as atanh(2 beta - 1)).
     */
    public Map<String, Double> storedHyperparameters(int level, String group) {
        Level l = level(level);
        Map<String, Double> out = new LinkedHashMap<>(levelHyperparameters(level, group));
        if (level < raw.size()) {
            float[] r = raw.get(level).toArray();
            int gi = l.groups().indexOf(group);
            for (int j = 0; j < l.learnable.size(); j++) {
                out.put(l.learnable.get(j), (double) r[gi * l.learnable.size() + j]);
            }
        }
        for (Map.Entry<String, Double> e : out.entrySet()) {
            if (!l.learnable.contains(e.getKey()) || level >= raw.size()) {
                e.setValue(l.spec.hyperparameter(e.getKey()).reparameterization().inverse(e.getValue()));
            }
        }
        return out;
    }

    /**
     * The hypergradients of level {@code level}'s learnable hyperparameters in group {@code group}
     * computed by the last step: {@code d loss / d raw.h}.
     */
    public Map<String, Double> hypergradients(int level, String group) {
        Level l = level(level);
        Map<String, Double> out = new LinkedHashMap<>();
        if (level < raw.size()) {
            int gi = l.groups().indexOf(group);
            if (gi < 0) {
                throw new IllegalArgumentException("Unknown group '" + group + "' of " + l.describe());
            }
            for (int j = 0; j < l.learnable.size(); j++) {
                out.put(l.learnable.get(j), lastHypergradients.get(level)[gi * l.learnable.size() + j]);
            }
        }
        return out;
    }

    /**
     * Every level's current hyperparameter values, keyed {@code L<level>.<group>.<name>} (the group
     * part only where a level has more than one group), and the norms its rule reports
     * ({@code L<level>.<norm>}, see {@link org.optopt.optimizers.ElementwiseRule#norms()}), for per-step traces.
     */
    @Override
    public Map<String, Double> trace() {
        Map<String, Double> out = new LinkedHashMap<>();
        for (Level l : levels) {
            for (String g : l.groups()) {
                String prefix = "L" + l.index + "." + (l.groups().size() > 1 ? g + "." : "");
                levelHyperparameters(l.index, g).forEach((h, v) -> out.put(prefix + h, v));
            }
            l.norms().forEach((n, v) -> out.put("L" + l.index + "." + n, v));
        }
        return out;
    }

    private Level level(int level) {
        if (level < 0 || level >= levels.size()) {
            throw new IllegalArgumentException("No level " + level + " in tower " + name + " of height " + levels.size());
        }
        return levels.get(level);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public ParameterSet parameters() {
        return parameters;
    }

    @Override
    public List<Hyperparameter> hyperparameterDefinitions() {
        return levels.get(0).spec.hyperparameters();
    }

    @Override
    public Map<String, String> choices() {
        Map<String, String> out = new LinkedHashMap<>();
        for (Level l : levels) {
            l.spec.choices().forEach((k, v) -> out.put("L" + l.index + "." + k, v));
            out.put("L" + l.index + ".learn", String.join("+", l.learnable));
            out.put("L" + l.index + ".frozen", Boolean.toString(l.spec.frozen()));
        }
        return out;
    }

    @Override
    public Map<String, Double> hyperparameters(String group) {
        return levelHyperparameters(0, group);
    }

    @Override
    public void setHyperparameter(String group, String hyperparameter, double value) {
        setLevelHyperparameter(0, group, hyperparameter, value);
    }

    @Override
    public void setHyperparameter(String hyperparameter, double value) {
        requireOpen();
        Level l = levels.get(0);
        for (String g : l.groups()) {
            l.requireValue(g, hyperparameter, value);
        }
        for (String g : l.groups()) {
            setLevelHyperparameter(0, g, hyperparameter, value);
        }
    }

    /**
     * Sets hyperparameter {@code hyperparameter} of level {@code level}, group {@code group}; a
     * learnable one restarts from this value (its raw value is set), a fixed one is replaced.
     *
     * @throws IllegalArgumentException on an unknown level, group or name, or an invalid value
     */
    public void setLevelHyperparameter(int level, String group, String hyperparameter, double value) {
        requireOpen();
        Level l = level(level);
        l.setValue(group, hyperparameter, value);
        int j = l.learnable.indexOf(hyperparameter);
        if (j >= 0 && level < raw.size()) {
            float[] r = raw.get(level).toArray();
            int i = l.groups().indexOf(group) * l.learnable.size() + j;
            var rep = l.spec.hyperparameter(hyperparameter).reparameterization();
            float x = (float) rep.inverse(value);
            if (!Float.isFinite(x) || rep.derivative(x) == 0) {
                throw new IllegalArgumentException(l.describeRaw(i) + " = " + value + " cannot be learned: its " + rep
                        + " reparameterization has no usable derivative there");
            }
            r[i] = x;
            raw.get(level).copyFrom(r);
        }
    }

    @Override
    public boolean isFrozen(String group) {
        return levels.get(0).isFrozen(group);
    }

    @Override
    public void setFrozen(String group, boolean frozen) {
        levels.get(0).setFrozen(group, frozen);
    }

    @Override
    public NonFinitePolicy nonFinitePolicy() {
        return policy;
    }

    @Override
    public void setNonFinitePolicy(NonFinitePolicy policy) {
        this.policy = Objects.requireNonNull(policy, "policy");
    }

    @Override
    public void step() {
        requireOpen();
        int top = levels.size() - 1;
        List<double[]> found = new ArrayList<>();
        for (int k = 0; k <= top; k++) {
            Level l = levels.get(k);
            Level.Hypergradients h = l.hypergradients();
            if (h.nonFiniteParameter() != null) {
                if (refuse("Gradient of parameter " + h.nonFiniteParameter() + " has " + h.nonFiniteCount()
                        + " non-finite element(s) (NaN or infinite)")) {
                    return;
                }
            }
            if (k < top) {
                float[] f = new float[h.values().length];
                for (int i = 0; i < f.length; i++) {
                    f[i] = (float) h.values()[i];
                    if (!Float.isFinite(f[i])) {
                        if (refuse("Hypergradient of " + l.describeRaw(i) + " is " + h.values()[i])) {
                            return;
                        }
                    }
                }
                rawGradients.get(k).copyFrom(f);
                found.add(h.values());
            }
            String problem = l.prepare();
            if (problem != null && refuse(problem)) {
                return;
            }
        }
        List<Snapshot> snapshots = new ArrayList<>();
        for (int k = 1; k <= top; k++) {
            snapshots.add(new Snapshot(levels.get(k)));
        }
        for (int k = top; k >= 1; k--) {
            levels.get(k).step(k < top ? raw.get(k).toArray() : new float[0]);
            try {
                levels.get(k - 1).requireValid(raw.get(k - 1).toArray());
            } catch (IllegalArgumentException e) {
                snapshots.forEach(Snapshot::restore);
                if (refuse(e.getMessage())) {
                    return;
                }
            }
        }
        String bad = levels.get(0).step(top > 0 ? raw.get(0).toArray() : new float[0]);
        for (int k = 0; k < found.size(); k++) {
            lastHypergradients.set(k, found.get(k));
        }
        steps++;
        if (bad != null) {
            throw new IllegalStateException("Step " + steps + " of tower " + name + " made " + bad
                    + " non-finite with level 0 hyperparameters " + trace() + "; lower the hyper-step sizes");
        }
    }

    /** Applies the policy to a bad step: true if skipped (counted), else throws. */
    private boolean refuse(String problem) {
        if (policy == NonFinitePolicy.SKIP_NON_FINITE) {
            skipped++;
            return true;
        }
        throw new IllegalStateException(problem + "; step " + (steps + 1) + " of tower " + name
                + " not applied, parameters and state unchanged");
    }

    /** A host copy of a hyper-level's tensors (its parameters included) and scalars. */
    private static final class Snapshot {
        private final Level level;
        private final Map<Tensor, float[]> tensors = new LinkedHashMap<>();
        private final Map<String, Double> scalars;

        Snapshot(Level level) {
            this.level = level;
            for (Parameter p : level.parameters.parameters()) {
                tensors.put(p.value(), p.value().toArray());
            }
            level.tensors().values().forEach(m -> m.values().forEach(t -> tensors.put(t, t.toArray())));
            scalars = level.scalars();
        }

        void restore() {
            tensors.forEach(Tensor::copyFrom);
            level.loadScalars(scalars);
        }
    }

    @Override
    public long stepCount() {
        return steps;
    }

    @Override
    public long skippedSteps() {
        return skipped;
    }

    // ---- state -------------------------------------------------------------------------------

    /**
     * {@inheritDoc}
     *
     * <p>Keys: options {@code L<k>/optimizer}, {@code L<k>/<choice>}, {@code L<k>/learn},
     * {@code L<k>/frozen}, {@code frozen/<group>}; scalars {@code L<k>/param/<parameter>/<name>}
     * (step counts, scalar states) and {@code L<k>/hyper/<group>/<name>}; tensors
     * ({@code <parameter>}, {@code L<k>/<buffer>}) for state and {@code dp.h} buffers, and
     * ({@code L<k>.raw}, {@code value}) for the raw hyperparameters the level above learns.
     */
    @Override
    public StateDict state() {
        requireOpen();
        List<StateDict.ParameterShape> shapes = new ArrayList<>();
        parameters.parameters().forEach(p -> shapes.add(new StateDict.ParameterShape(p.name(), p.value().shape())));
        List<StateDict.StateTensor> tensors = new ArrayList<>();
        Map<String, Double> scalars = new LinkedHashMap<>();
        stateTensors().forEach((key, t) -> tensors.add(new StateDict.StateTensor(key.get(0), key.get(1), t.shape(),
                t.toArray())));
        for (Level l : levels) {
            l.scalars().forEach((k, v) -> scalars.put("L" + l.index + "/" + k, v));
        }
        Map<String, String> options = options();
        for (Level l : levels) {
            StateDict inner = l.directionState();
            if (inner != null) {
                String prefix = "L" + l.index + "/" + DIRECTION + "/";
                inner.tensors().forEach(t -> tensors.add(new StateDict.StateTensor(t.parameter(), prefix + t.buffer(),
                        t.shape(), t.data())));
                inner.scalars().forEach((k, v) -> scalars.put(prefix + k, v));
                scalars.put(prefix + STEPS, (double) inner.stepCount());
                scalars.put(prefix + SKIPPED, (double) inner.skippedSteps());
                inner.options().forEach((k, v) -> options.put(prefix + k, v));
                options.put(prefix + OPTIMIZER, inner.optimizer());
            }
        }
        return new StateDict(name, shapes, steps, skipped, options, scalars, tensors);
    }

    private static final String DIRECTION = "direction";
    private static final String STEPS = "#steps";
    private static final String SKIPPED = "#skipped";
    private static final String OPTIMIZER = "#optimizer";

    /** The state of level {@code l}'s direction optimizer within {@code state}, or null if it has none. */
    private StateDict directionState(Level l, StateDict state) {
        if (l.directionState() == null) {
            return null;
        }
        String prefix = "L" + l.index + "/" + DIRECTION + "/";
        List<StateDict.StateTensor> tensors = new ArrayList<>();
        state.tensors().stream().filter(t -> t.buffer().startsWith(prefix)).forEach(t -> tensors.add(
                new StateDict.StateTensor(t.parameter(), t.buffer().substring(prefix.length()), t.shape(), t.data())));
        Map<String, Double> scalars = new LinkedHashMap<>();
        state.scalars().forEach((k, v) -> {
            if (k.startsWith(prefix) && !k.equals(prefix + STEPS) && !k.equals(prefix + SKIPPED)) {
                scalars.put(k.substring(prefix.length()), v);
            }
        });
        Map<String, String> options = new LinkedHashMap<>();
        state.options().forEach((k, v) -> {
            if (k.startsWith(prefix) && !k.equals(prefix + OPTIMIZER)) {
                options.put(k.substring(prefix.length()), v);
            }
        });
        Double steps = state.scalars().get(prefix + STEPS);
        Double skippedSteps = state.scalars().get(prefix + SKIPPED);
        String optimizer = state.options().get(prefix + OPTIMIZER);
        if (steps == null || skippedSteps == null || optimizer == null) {
            throw new IllegalArgumentException("State lacks the direction optimizer of " + l.describe());
        }
        return new StateDict(optimizer, state.parameters(), steps.longValue(), skippedSteps.longValue(), options,
                scalars, tensors);
    }

    private static boolean isDirectionKey(String key) {
        return key.matches("L[0-9]+/" + DIRECTION + "/.*");
    }

    private Map<List<String>, Tensor> stateTensors() {
        Map<List<String>, Tensor> out = new LinkedHashMap<>();
        for (Level l : levels) {
            l.tensors().forEach((p, m) -> m.forEach((b, t) -> out.put(List.of(p, "L" + l.index + "/" + b), t)));
        }
        for (int k = 0; k < raw.size(); k++) {
            out.put(List.of(rawName(k), "value"), raw.get(k));
        }
        return out;
    }

    private Map<String, String> options() {
        Map<String, String> out = new LinkedHashMap<>();
        for (Level l : levels) {
            String p = "L" + l.index + "/";
            out.put(p + "optimizer", l.spec.optimizer());
            l.spec.choices().forEach((k, v) -> out.put(p + k, v));
            out.put(p + "learn", String.join("+", l.learnable));
            out.put(p + "frozen", Boolean.toString(l.spec.frozen()));
        }
        Level base = levels.get(0);
        base.groups().forEach(g -> out.put("frozen/" + g, Boolean.toString(base.isFrozen(g))));
        return out;
    }

    @Override
    public void loadState(StateDict state) {
        requireOpen();
        if (!state.optimizer().equals(name)) {
            throw new IllegalArgumentException("State is of optimizer '" + state.optimizer() + "', not '" + name + "'");
        }
        List<String> mine = parameters.parameters().stream().map(p -> p.name() + p.value().shape()).toList();
        List<String> theirs = state.parameters().stream().map(StateDict.ParameterShape::toString).toList();
        if (!mine.equals(theirs)) {
            throw new IllegalArgumentException("State has parameters " + theirs + " but this tower has " + mine);
        }
        Map<String, String> expected = options();
        expected.keySet().removeIf(k -> k.startsWith("frozen/"));
        Map<String, String> given = new LinkedHashMap<>(state.options());
        given.keySet().removeIf(k -> k.startsWith("frozen/") || isDirectionKey(k));
        if (!expected.equals(given)) {
            throw new IllegalArgumentException("State has levels and options " + given + " but this tower has " + expected);
        }
        Level base = levels.get(0);
        Map<String, Boolean> frozen = new LinkedHashMap<>();
        for (String g : base.groups()) {
            String f = state.options().get("frozen/" + g);
            if (f == null) {
                throw new IllegalArgumentException("State has no entry for parameter group " + g);
            }
            frozen.put(g, Boolean.parseBoolean(f));
        }
        Map<List<String>, Tensor> tensors = stateTensors();
        for (Map.Entry<List<String>, Tensor> e : tensors.entrySet()) {
            StateDict.StateTensor t = state.tensor(e.getKey().get(0), e.getKey().get(1));
            if (t == null) {
                throw new IllegalArgumentException("State lacks buffer " + e.getKey().get(1) + " of " + e.getKey().get(0));
            }
            if (!t.shape().equals(e.getValue().shape())) {
                throw new IllegalArgumentException("State buffer " + e.getKey().get(0) + "/" + e.getKey().get(1)
                        + " has shape " + t.shape() + ", expected " + e.getValue().shape());
            }
        }
        long ownTensors = state.tensors().stream().filter(t -> !isDirectionKey(t.buffer())).count();
        if (ownTensors != tensors.size()) {
            throw new IllegalArgumentException("State has " + state.tensors().size() + " buffers, expected "
                    + tensors.size());
        }
        List<Map<String, Double>> perLevel = new ArrayList<>();
        int expectedScalars = 0;
        for (Level l : levels) {
            Map<String, Double> s = new LinkedHashMap<>();
            String prefix = "L" + l.index + "/";
            state.scalars().forEach((k, v) -> {
                if (k.startsWith(prefix) && !isDirectionKey(k)) {
                    s.put(k.substring(prefix.length()), v);
                }
            });
            perLevel.add(s);
            expectedScalars += l.scalars().size();
        }
        if (state.scalars().keySet().stream().filter(k -> !isDirectionKey(k)).count() != expectedScalars) {
            throw new IllegalArgumentException("State has " + state.scalars().size() + " scalars, expected "
                    + expectedScalars);
        }
        for (int k = 0; k < raw.size(); k++) {
            levels.get(k).requireValid(state.tensor(rawName(k), "value").data());
        }
        List<Snapshot> undo = new ArrayList<>();
        for (int k = 1; k < levels.size(); k++) {
            undo.add(new Snapshot(levels.get(k)));
        }
        Map<String, Double> baseScalars = base.scalars();
        List<StateDict> inner = new ArrayList<>();
        for (Level l : levels) {
            inner.add(directionState(l, state));
        }
        try {
            for (int k = 0; k < levels.size(); k++) {
                levels.get(k).loadScalars(perLevel.get(k));
            }
            for (int k = 0; k < levels.size(); k++) {
                if (inner.get(k) != null) {
                    levels.get(k).loadDirectionState(inner.get(k));
                }
            }
        } catch (IllegalArgumentException e) {
            base.loadScalars(baseScalars);
            undo.forEach(Snapshot::restore);
            throw e;
        }
        tensors.forEach((key, t) -> t.copyFrom(state.tensor(key.get(0), key.get(1)).data()));
        frozen.forEach(base::setFrozen);
        steps = state.stepCount();
        skipped = state.skippedSteps();
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            levels.forEach(Level::close);
            raw.forEach(Tensor::close);
            rawGradients.forEach(Tensor::close);
        }
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("Tower " + name + " is closed");
        }
    }

    @Override
    public String toString() {
        return name + trace();
    }
}
