package org.optopt.optimizers.hyper;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.optopt.api.backend.Backend;
import org.optopt.api.kernel.Kernel;
import org.optopt.api.optim.Hyperparameter;
import org.optopt.api.optim.NonFinitePolicy;
import org.optopt.api.optim.Optimizer;
import org.optopt.api.optim.ParameterSet;
import org.optopt.api.optim.StateDict;
import org.optopt.optimizers.runtime.StateReader;
import org.optopt.optimizers.runtime.StateWriter;
import org.optopt.optimizers.runtime.StepLedger;
import org.optopt.optimizers.schedule.Schedule;

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
 * <p>Every level runs on the runtime a plain optimizer uses (see {@link Level}): per level and
 * group, hyperparameters can be set ({@link #setLevelHyperparameter}), frozen ({@link #setFrozen(int,
 * String, boolean)}) and scheduled ({@link #schedule(int, String, Schedule)}) as on a plain
 * optimizer. This class orchestrates the levels' step and rolls them back on a refused step.
 *
 * <p>As an {@link Optimizer}, the tower shows level 0: {@link #hyperparameters(String)} are level
 * 0's current values (learned ones included). {@link #levelHyperparameters(int, String)} and
 * {@link #trace()} expose every level for per-step traces.
 *
 * <p>State layout (see {@link StateWriter}, version 2): level k under the node {@code L<k>/}
 * (see {@link Level}); the step and skipped-step counts. States written before version 2 are refused.
 */
public final class HyperOptimizer implements Optimizer {
    private final String name;
    private final ParameterSet parameters;
    private final List<Level> levels = new ArrayList<>();
    private final StepLedger ledger;
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
        Objects.requireNonNull(backend, "backend");
        this.parameters = Objects.requireNonNull(parameters, "parameters");
        this.name = String.join("/", specs.stream().map(LevelSpec::optimizer).toList());
        this.ledger = new StepLedger("tower " + name);
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
                    current = ParameterSet.of(List.of(level.learned().parameter()));
                }
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
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
    public Kernel levelKernel(int level) {
        return level(level).stepKernel();
    }

    /**
     * The current values of level {@code level}'s hyperparameters in group {@code group} (level 0
     * has the model's groups, the levels above one group {@value ParameterSet#DEFAULT_GROUP}).
     */
    public Map<String, Double> levelHyperparameters(int level, String group) {
        requireOpen();
        return level(level).values(group);
    }

    /**
     * Level {@code level}'s hyperparameters as stored: the raw value {@code x} with {@code h = f(x)}
     * of each one's reparameterization (gdtuo's convention; e.g. a beta as atanh(2 beta - 1)).
     */
    public Map<String, Double> storedHyperparameters(int level, String group) {
        requireOpen();
        return level(level).storedValues(group);
    }

    /**
     * The hypergradients of level {@code level}'s learnable hyperparameters in group {@code group}
     * computed by the last step: {@code d loss / d raw.h}.
     */
    public Map<String, Double> hypergradients(int level, String group) {
        return level(level).learned().hypergradients(group);
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
                l.values(g).forEach((h, v) -> out.put(prefix + h, v));
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
        levels.get(0).setAll(hyperparameter, value);
    }

    /**
     * Sets hyperparameter {@code hyperparameter} of level {@code level}, group {@code group}; a
     * learnable one restarts from this value (its raw value is set), a fixed one is replaced.
     *
     * @throws IllegalArgumentException on an unknown level, group or name, or an invalid value
     */
    public void setLevelHyperparameter(int level, String group, String hyperparameter, double value) {
        requireOpen();
        level(level).set(group, hyperparameter, value);
    }

    /**
     * Lets {@code schedule} drive hyperparameter {@code hyperparameter} of level {@code level} from
     * position 0, in every group, as {@code BaseOptimizer#schedule} does on a plain optimizer: the
     * values set stay the base values; step k uses {@code schedule.value(k - 1, base)}.
     *
     * @throws IllegalArgumentException on an unknown level or name, or a hyperparameter the level
     *     above learns (its value is what is learned)
     */
    public void schedule(int level, String hyperparameter, Schedule schedule) {
        requireOpen();
        level(level).schedule(hyperparameter, schedule);
    }

    /** The position of the schedule of {@code hyperparameter} of level {@code level}, or -1 if none drives it. */
    public long schedulePosition(int level, String hyperparameter) {
        return level(level).schedulePosition(hyperparameter);
    }

    /** Whether group {@code group} of level {@code level} is frozen. */
    public boolean isFrozen(int level, String group) {
        return level(level).isFrozen(group);
    }

    /**
     * Freezes or unfreezes group {@code group} of level {@code level}: a frozen group keeps its
     * parameters (for a level above 0, the hyperparameters of the level below) fixed.
     */
    public void setFrozen(int level, String group, boolean frozen) {
        requireOpen();
        level(level).setFrozen(group, frozen);
    }

    @Override
    public boolean isFrozen(String group) {
        return isFrozen(0, group);
    }

    @Override
    public void setFrozen(String group, boolean frozen) {
        setFrozen(0, group, frozen);
    }

    @Override
    public NonFinitePolicy nonFinitePolicy() {
        return ledger.policy();
    }

    @Override
    public void setNonFinitePolicy(NonFinitePolicy policy) {
        ledger.setPolicy(policy);
    }

    @Override
    public void step() {
        requireOpen();
        int top = levels.size() - 1;
        List<double[]> found = new ArrayList<>();
        for (Level l : levels) {
            Level.Hypergradients h = l.hypergradients();
            if (h.nonFinite() != null && ledger.refuse(h.nonFinite())) {
                return;
            }
            if (l.index < top) {
                String problem = l.learned().setGradient(h.values());
                if (problem != null && ledger.refuse(problem)) {
                    return;
                }
            }
            found.add(h.values());
            String problem = l.prepare();
            if (problem != null && ledger.refuse(problem)) {
                return;
            }
        }
        levels.forEach(Level::requireSchedules);
        List<Runnable> undo = new ArrayList<>();
        for (int k = 1; k <= top; k++) {
            undo.add(levels.get(k).snapshot());
        }
        for (int k = top; k >= 1; k--) {
            levels.get(k).step();
            try {
                levels.get(k - 1).requireValid();
            } catch (IllegalArgumentException e) {
                undo.forEach(Runnable::run);
                if (ledger.refuse(e.getMessage())) {
                    return;
                }
            }
        }
        String bad = levels.get(0).step();
        for (Level l : levels) {
            l.commit(found.get(l.index));
        }
        ledger.applied();
        if (bad != null) {
            throw new IllegalStateException("Step " + ledger.steps() + " of tower " + name + " made " + bad
                    + " non-finite with level 0 hyperparameters " + trace() + "; lower the hyper-step sizes");
        }
    }

    @Override
    public long stepCount() {
        return ledger.steps();
    }

    @Override
    public long skippedSteps() {
        return ledger.skipped();
    }

    @Override
    public StateDict state() {
        requireOpen();
        StateWriter w = StateWriter.root();
        levels.forEach(l -> l.write(w.child("L" + l.index)));
        return w.build(name, parameters, ledger.steps(), ledger.skipped());
    }

    @Override
    public void loadState(StateDict state) {
        requireOpen();
        StateReader r = StateReader.of(state, name, parameters);
        if (r.version() < StateWriter.VERSION) {
            throw new IllegalArgumentException("State of tower " + name + " has layout version " + r.version()
                    + ", written before towers had one layout; this build reads version " + StateWriter.VERSION);
        }
        List<Level.Loaded> loaded = levels.stream().map(l -> l.read(r.child("L" + l.index, l.describe()))).toList();
        r.requireEverythingRead();
        loaded.forEach(l -> l.loadDirection().run());
        loaded.forEach(l -> l.apply().run());
        ledger.restore(state.stepCount(), state.skippedSteps());
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            levels.forEach(Level::close);
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
