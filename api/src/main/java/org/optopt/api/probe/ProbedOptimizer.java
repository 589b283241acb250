package org.optopt.api.probe;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.optopt.api.optim.Closure;
import org.optopt.api.optim.EvaluationView;
import org.optopt.api.optim.Hyperparameter;
import org.optopt.api.optim.NonFinitePolicy;
import org.optopt.api.optim.Optimizer;
import org.optopt.api.optim.ParameterSet;
import org.optopt.api.optim.StateDict;

/**
 * An optimizer with probes attached: each {@link #step()} lets every probe observe the gradients,
 * then steps the wrapped optimizer (any optimizer, a hypergradient tower included). The probes
 * only read gradients, so the parameters and the optimizer's state evolve exactly as without them.
 * Every other method, the evaluation view of an averaging optimizer included, is the wrapped
 * optimizer's.
 *
 * <p>Sampling: with a period P and a burst B (1 and 1 by default: every step), the probes observe
 * the steps whose index i (from 0) has i mod P &lt; B, i.e. bursts of B consecutive steps every P
 * steps, at a cost of B/P of observing every step; before each burst they are told of the
 * {@linkplain Probe#gap() gap}. Lag-k statistics need bursts of at least k + 1 steps.
 *
 * <p>{@link #trace()} adds the probes' statistics as {@code probe.<probe>.<statistic>} after the
 * first step and then after every {@code every} steps (steps 1, every + 1, 2 every + 1, ...), so a
 * run's {@code steps.csv} gets them as columns, filled every {@code every} rows. Everything else
 * (name, hyperparameters) is the wrapped optimizer's; {@link #close()} closes the probes too.
 *
 * <p>{@link #state()} is the wrapped optimizer's state plus the probes' (each probe's scalars and
 * buffers under {@code probe/<name>/<key>}, its observation count as {@code
 * probe/<name>/observations}) and the sampling position ({@code probe/steps}), so that a
 * checkpointed run resumes with bit-identical probe statistics; {@link #loadState} splits them
 * apart again. The wrapped optimizer's own keys never start with {@code probe/}.
 *
 * <p>Fusion (opt-in, {@link #ProbedOptimizer(Optimizer, List, int, int, int, boolean)}): if the wrapped
 * optimizer is a {@link ProbeFusion} and some probes are {@link FusibleProbe}s, those probes'
 * kernels ({@link ProbePass}) run inside the optimizer's step kernel on the steps they observe, so
 * the gradient is read once (the optimizer fuses each of the pass's fragments once, and each step
 * runs the one the probes' next kernels make up); the other probes observe on their own, and on the
 * steps outside the bursts the optimizer runs its plain kernel. The statistics and the parameters
 * are the same as without fusion (except after a step that throws, e.g. under {@code NonFinitePolicy.FAIL}: fused
 * probes have then not observed it). Whether it is faster depends on the backend (a compiled CPU
 * loop that grows too large may stop vectorizing); {@code optopt bench probes} measures both.
 */
public final class ProbedOptimizer implements Optimizer {
    /** The prefix of the probes' entries in {@link #state()}. */
    private static final String PREFIX = "probe/";

    private final Optimizer optimizer;
    private final List<Probe> probes;
    private final int every;
    private final int period;
    private final int burst;
    /** The probes observed inside the optimizer's step, or null. */
    private final ProbePass pass;
    /** The optimizer's step fused with each of {@link #pass}'s fragments, in their order, or null. */
    private final List<ProbeFusion.FusedStep> fused;
    /** The probes that observe on their own. */
    private final List<Probe> separate;
    private long steps;

    /**
     * Attaches {@code probes} to {@code optimizer}, observing every step.
     *
     * @param every how often the trace carries the statistics, in steps (at least 1)
     * @throws IllegalArgumentException if {@code every} &lt; 1 or two probes share a name
     */
    public ProbedOptimizer(Optimizer optimizer, List<Probe> probes, int every) {
        this(optimizer, probes, every, 1, 1);
    }

    /**
     * Attaches {@code probes} to {@code optimizer}, observing bursts of {@code burst} steps every {@code period} steps.
     *
     * @param every how often the trace carries the statistics, in steps (at least 1)
     * @throws IllegalArgumentException if {@code every} &lt; 1, unless 1 &lt;= burst &lt;= period, or if two
     *     probes share a name
     */
    public ProbedOptimizer(Optimizer optimizer, List<Probe> probes, int every, int period, int burst) {
        this(optimizer, probes, every, period, burst, false);
    }

    /**
     * Attaches {@code probes} to {@code optimizer} as {@link #ProbedOptimizer(Optimizer, List, int, int, int)},
     * with {@code fuse} saying whether the {@link FusibleProbe}s observe inside the optimizer's step
     * where it is a {@link ProbeFusion} that accepts every fragment of their pass ({@link #fused()} tells).
     *
     * @throws IllegalArgumentException as the constructor without {@code fuse}
     */
    public ProbedOptimizer(Optimizer optimizer, List<Probe> probes, int every, int period, int burst, boolean fuse) {
        if (every < 1) {
            throw new IllegalArgumentException("the probe interval must be at least 1 step, got " + every);
        }
        if (burst < 1 || burst > period) {
            throw new IllegalArgumentException("a probe burst must be 1 to the period (" + period + ") steps, got " + burst);
        }
        if (probes.stream().map(Probe::name).distinct().count() != probes.size()) {
            throw new IllegalArgumentException("two probes share a name: " + probes.stream().map(Probe::name).toList());
        }
        this.optimizer = optimizer;
        this.probes = List.copyOf(probes);
        this.every = every;
        this.period = period;
        this.burst = burst;
        List<FusibleProbe> fusible = probes.stream().filter(FusibleProbe.class::isInstance)
                .map(FusibleProbe.class::cast).toList();
        List<ProbeFusion.FusedStep> steps = null;
        ProbePass candidate = null;
        if (fuse && !fusible.isEmpty() && optimizer instanceof ProbeFusion f) {
            candidate = new ProbePass("probes", fusible);
            List<Optional<ProbeFusion.FusedStep>> each = candidate.fragments().stream().map(f::fuse).toList();
            steps = each.stream().allMatch(Optional::isPresent) ? each.stream().map(Optional::get).toList() : null;
        }
        this.fused = steps;
        this.pass = steps == null ? null : candidate;
        this.separate = pass == null ? this.probes
                : this.probes.stream().filter(p -> !pass.probes().contains(p)).toList();
    }

    /** Whether some probes observe inside the optimizer's step (see the class documentation). */
    public boolean fused() {
        return fused != null;
    }

    /** The attached probes. */
    public List<Probe> probes() {
        return probes;
    }

    /** The wrapped optimizer. */
    public Optimizer optimizer() {
        return optimizer;
    }

    @Override
    public void step() {
        advance(null);
    }

    @Override
    public void step(Closure closure) {
        advance(java.util.Objects.requireNonNull(closure, "closure"));
    }

    /** One step (with {@code closure} if not null), the probes observing it within the bursts. */
    private void advance(Closure closure) {
        long phase = steps % period;
        steps++;
        if (phase >= burst) {
            plainStep(closure);
            return;
        }
        if (phase == 0 && steps > 1 && burst < period) {
            probes.forEach(Probe::gap);
        }
        for (Probe p : separate) {
            p.observe(optimizer.parameters());
        }
        if (fused == null) {
            plainStep(closure);
        } else {
            pass.observed(optimizer.parameters(), fused.get(pass.next()).step(closure, pass::bind));
        }
    }

    private void plainStep(Closure closure) {
        if (closure == null) {
            optimizer.step();
        } else {
            optimizer.step(closure);
        }
    }

    @Override
    public Map<String, Double> trace() {
        Map<String, Double> trace = optimizer.trace();
        if (steps == 0 || (steps - 1) % every != 0) {
            return trace;
        }
        Map<String, Double> all = new LinkedHashMap<>(trace);
        for (Probe p : probes) {
            p.statistics().forEach((k, v) -> all.put("probe." + p.name() + "." + k, v));
        }
        return all;
    }

    @Override
    public String name() {
        return optimizer.name();
    }

    @Override
    public ParameterSet parameters() {
        return optimizer.parameters();
    }

    @Override
    public List<Hyperparameter> hyperparameterDefinitions() {
        return optimizer.hyperparameterDefinitions();
    }

    @Override
    public Map<String, String> choices() {
        return optimizer.choices();
    }

    @Override
    public Map<String, List<Double>> hyperparameterLists() {
        return optimizer.hyperparameterLists();
    }

    @Override
    public boolean averagesParameters() {
        return optimizer.averagesParameters();
    }

    @Override
    public EvaluationView evaluationView() {
        return optimizer.evaluationView();
    }

    @Override
    public Map<String, Double> hyperparameters(String group) {
        return optimizer.hyperparameters(group);
    }

    @Override
    public void setHyperparameter(String group, String name, double value) {
        optimizer.setHyperparameter(group, name, value);
    }

    @Override
    public void setHyperparameter(String name, double value) {
        optimizer.setHyperparameter(name, value);
    }

    @Override
    public boolean isFrozen(String group) {
        return optimizer.isFrozen(group);
    }

    @Override
    public void setFrozen(String group, boolean frozen) {
        optimizer.setFrozen(group, frozen);
    }

    @Override
    public NonFinitePolicy nonFinitePolicy() {
        return optimizer.nonFinitePolicy();
    }

    @Override
    public void setNonFinitePolicy(NonFinitePolicy policy) {
        optimizer.setNonFinitePolicy(policy);
    }

    @Override
    public long stepCount() {
        return optimizer.stepCount();
    }

    @Override
    public long skippedSteps() {
        return optimizer.skippedSteps();
    }

    @Override
    public StateDict state() {
        StateDict inner = optimizer.state();
        Map<String, Double> scalars = new LinkedHashMap<>(inner.scalars());
        List<StateDict.StateTensor> tensors = new ArrayList<>(inner.tensors());
        scalars.put(PREFIX + "steps", (double) steps);
        for (Probe p : probes) {
            StateDict s = p.state();
            String prefix = PREFIX + p.name() + "/";
            scalars.put(prefix + "observations", (double) s.stepCount());
            s.scalars().forEach((k, v) -> scalars.put(prefix + k, v));
            for (StateDict.StateTensor t : s.tensors()) {
                tensors.add(new StateDict.StateTensor(t.parameter(), prefix + t.buffer(), t.shape(), t.data()));
            }
        }
        return new StateDict(inner.optimizer(), inner.parameters(), inner.stepCount(), inner.skippedSteps(),
                inner.options(), scalars, tensors);
    }

    /**
     * Restores the wrapped optimizer's state and the probes' from what {@link #state()} returned.
     *
     * @throws IllegalArgumentException if the state lacks a probe's entries (it was saved without
     *     these probes)
     */
    @Override
    public void loadState(StateDict state) {
        Map<String, Double> scalars = new LinkedHashMap<>(state.scalars());
        List<StateDict.StateTensor> tensors = new ArrayList<>(state.tensors());
        Double saved = scalars.remove(PREFIX + "steps");
        if (saved == null) {
            throw new IllegalArgumentException("the state has no probe entries (" + PREFIX + "steps); it was saved"
                    + " without probes " + probes.stream().map(Probe::name).toList());
        }
        for (Probe p : probes) {
            String prefix = PREFIX + p.name() + "/";
            Double observations = scalars.remove(prefix + "observations");
            if (observations == null) {
                throw new IllegalArgumentException("the state has no entries of probe " + p.name());
            }
            Map<String, Double> own = new LinkedHashMap<>();
            scalars.keySet().stream().filter(k -> k.startsWith(prefix)).toList()
                    .forEach(k -> own.put(k.substring(prefix.length()), scalars.remove(k)));
            List<StateDict.StateTensor> buffers = new ArrayList<>();
            for (var it = tensors.iterator(); it.hasNext();) {
                StateDict.StateTensor t = it.next();
                if (t.buffer().startsWith(prefix)) {
                    buffers.add(new StateDict.StateTensor(t.parameter(), t.buffer().substring(prefix.length()),
                            t.shape(), t.data()));
                    it.remove();
                }
            }
            p.loadState(new StateDict(p.name(), state.parameters(), observations.longValue(), 0, Map.of(), own,
                    buffers));
        }
        optimizer.loadState(new StateDict(state.optimizer(), state.parameters(), state.stepCount(),
                state.skippedSteps(), state.options(), scalars, tensors));
        steps = saved.longValue();
    }

    @Override
    public void close() {
        probes.forEach(Probe::close);
        optimizer.close();
    }
}
