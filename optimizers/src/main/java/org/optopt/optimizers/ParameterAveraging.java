package org.optopt.optimizers;

import static org.optopt.api.kernel.Expr.buffer;
import static org.optopt.api.kernel.Expr.scalar;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.optopt.api.backend.Backend;
import org.optopt.api.backend.CompiledKernel;
import org.optopt.api.backend.KernelArgs;
import org.optopt.api.kernel.Kernel;
import org.optopt.api.optim.Closure;
import org.optopt.api.optim.EvaluationView;
import org.optopt.api.optim.Hyperparameter;
import org.optopt.api.optim.NonFinitePolicy;
import org.optopt.api.optim.Optimizer;
import org.optopt.api.optim.Parameter;
import org.optopt.api.optim.ParameterSet;
import org.optopt.api.optim.StateDict;
import org.optopt.api.tensor.Tensor;

/**
 * Any optimizer with an averaged copy of its parameters for evaluation (Polyak-style averaging):
 * after every applied step, {@code avg = avg + w*(p - avg)}, and {@link #evaluationView()} puts
 * {@code avg} into the parameters. Two kinds, written as the runner's {@code --set average=...}:
 * <ul>
 *   <li>{@code ema:DECAY} (0 &lt;= DECAY &lt; 1): an exponential moving average, w = 1 - DECAY,
 *       starting from the initial parameters (as torch.optim.swa_utils's EMA);</li>
 *   <li>{@code swa:START} (an integer &gt;= 0): stochastic weight averaging, the plain mean of the
 *       iterates after steps START+1, START+2, ... (w = 1/n for the n-th); until then avg follows p.</li>
 * </ul>
 * Everything else is the wrapped optimizer's. The state adds the buffer {@code average} per
 * parameter, the option {@code average} and the scalar {@code average/count}.
 */
public final class ParameterAveraging implements Optimizer {
    private static final String BUFFER = "average";
    private static final Kernel AVERAGE = Kernel.builder("average")
            .store("avg", buffer("avg").plus(scalar("w").times(buffer("p").minus(buffer("avg")))))
            .build();
    private static final Kernel TO_AVERAGE = Kernel.builder("to_average")
            .store("backup", buffer("p"))
            .store("p", buffer("avg"))
            .build();
    private static final Kernel RESTORE = Kernel.builder("restore")
            .store("p", buffer("backup"))
            .build();

    private final Optimizer inner;
    private final String spec;
    private final boolean ema;
    private final double value;
    private final Map<String, Tensor> averages = new LinkedHashMap<>();
    private final List<Tensor> backups = new ArrayList<>();
    private final List<KernelArgs> averageArgs = new ArrayList<>();
    private final List<KernelArgs> toAverageArgs = new ArrayList<>();
    private final List<KernelArgs> restoreArgs = new ArrayList<>();
    private final CompiledKernel average;
    private final CompiledKernel toAverage;
    private final CompiledKernel restore;
    private long count;
    private boolean evaluating;

    /**
     * Wraps {@code inner}, whose parameters live on {@code backend}.
     *
     * @param spec {@code ema:DECAY} or {@code swa:START}
     * @throws IllegalArgumentException naming the spec if it is not one of these
     */
    public ParameterAveraging(Optimizer inner, Backend backend, String spec) {
        this.inner = Objects.requireNonNull(inner, "inner");
        this.spec = spec.strip().toLowerCase(Locale.ROOT);
        Rule rule = parse(this.spec);
        this.ema = rule.ema();
        this.value = rule.value();
        this.average = backend.compile(AVERAGE);
        this.toAverage = backend.compile(TO_AVERAGE);
        this.restore = backend.compile(RESTORE);
        for (Parameter p : inner.parameters().parameters()) {
            Tensor avg = backend.copy(p.value());
            Tensor backup = backend.zeros(p.value().shape());
            averages.put(p.name(), avg);
            backups.add(backup);
            averageArgs.add(average.args().buffer("avg", avg).buffer("p", p.value()));
            toAverageArgs.add(toAverage.args().buffer("avg", avg).buffer("p", p.value()).buffer("backup", backup));
            restoreArgs.add(restore.args().buffer("p", p.value()).buffer("backup", backup));
        }
    }

    /** A parsed spec: EMA with its decay, or SWA with its start step. */
    private record Rule(boolean ema, double value) {}

    /**
     * Checks an averaging spec without wrapping anything.
     *
     * @throws IllegalArgumentException naming the spec if it is not {@code ema:DECAY} or {@code swa:START}
     */
    public static void validate(String spec) {
        parse(spec.strip().toLowerCase(Locale.ROOT));
    }

    private static Rule parse(String spec) {
        String[] kv = spec.split(":", 2);
        double v;
        try {
            v = kv.length == 2 ? Double.parseDouble(kv[1]) : Double.NaN;
        } catch (NumberFormatException e) {
            v = Double.NaN;
        }
        boolean isEma = kv[0].equals("ema") && v >= 0 && v < 1;
        boolean isSwa = kv[0].equals("swa") && v >= 0 && v == Math.rint(v) && !Double.isInfinite(v);
        if (!isEma && !isSwa) {
            throw new IllegalArgumentException("Invalid average '" + spec + "': expected ema:DECAY with 0 <= DECAY < 1 "
                    + "or swa:START with an integer START >= 0");
        }
        return new Rule(isEma, v);
    }

    /** The averaged value of parameter {@code parameter} (live). */
    public Tensor average(String parameter) {
        Tensor t = averages.get(parameter);
        if (t == null) {
            throw new IllegalArgumentException("Unknown parameter " + parameter + "; parameters are " + averages.keySet());
        }
        return t;
    }

    @Override
    public void step() {
        step(null);
    }

    /** Steps the inner optimizer (with {@code closure} unless null), then folds the new values into the average. */
    @Override
    public void step(Closure closure) {
        if (evaluating) {
            throw new IllegalStateException("Optimizer " + name() + " cannot step while an evaluation view is open");
        }
        long before = inner.stepCount();
        if (closure == null) {
            inner.step();
        } else {
            inner.step(closure);
        }
        if (inner.stepCount() == before) {
            return; // skipped for a non-finite gradient
        }
        double w;
        if (ema) {
            w = 1 - value;
        } else if (inner.stepCount() > value) {
            count++;
            w = 1.0 / count;
        } else {
            w = 1;
        }
        averageArgs.forEach(a -> average.run(a.scalar("w", w)));
    }

    @Override
    public boolean averagesParameters() {
        return true;
    }

    @Override
    public EvaluationView evaluationView() {
        if (evaluating) {
            throw new IllegalStateException("An evaluation view of optimizer " + name() + " is already open");
        }
        toAverageArgs.forEach(toAverage::run);
        evaluating = true;
        return EvaluationView.restoring(() -> {
            restoreArgs.forEach(restore::run);
            evaluating = false;
        });
    }

    @Override
    public StateDict state() {
        StateDict s = inner.state();
        Map<String, String> options = new LinkedHashMap<>(s.options());
        options.put(BUFFER, spec);
        Map<String, Double> scalars = new LinkedHashMap<>(s.scalars());
        scalars.put(BUFFER + "/count", (double) count);
        List<StateDict.StateTensor> tensors = new ArrayList<>(s.tensors());
        averages.forEach((name, t) -> tensors.add(new StateDict.StateTensor(name, BUFFER, t.shape(), t.toArray())));
        return new StateDict(s.optimizer(), s.parameters(), s.stepCount(), s.skippedSteps(), options, scalars, tensors);
    }

    @Override
    public void loadState(StateDict state) {
        if (!spec.equals(state.options().get(BUFFER)) || !state.scalars().containsKey(BUFFER + "/count")) {
            throw new IllegalArgumentException("State has average " + state.options().get(BUFFER)
                    + " but this optimizer averages " + spec);
        }
        Map<String, float[]> loaded = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> a : averages.entrySet()) {
            StateDict.StateTensor t = state.tensor(a.getKey(), BUFFER);
            if (t == null || !t.shape().equals(a.getValue().shape())) {
                throw new IllegalArgumentException("State lacks the average of parameter " + a.getKey()
                        + " of shape " + a.getValue().shape());
            }
            loaded.put(a.getKey(), t.data());
        }
        Map<String, String> options = new LinkedHashMap<>(state.options());
        options.remove(BUFFER);
        Map<String, Double> scalars = new LinkedHashMap<>(state.scalars());
        long loadedCount = scalars.remove(BUFFER + "/count").longValue();
        List<StateDict.StateTensor> tensors = state.tensors().stream().filter(t -> !t.buffer().equals(BUFFER)).toList();
        inner.loadState(new StateDict(state.optimizer(), state.parameters(), state.stepCount(), state.skippedSteps(),
                options, scalars, tensors));
        loaded.forEach((name, data) -> averages.get(name).copyFrom(data));
        count = loadedCount;
    }

    @Override
    public String name() {
        return inner.name();
    }

    @Override
    public ParameterSet parameters() {
        return inner.parameters();
    }

    @Override
    public List<Hyperparameter> hyperparameterDefinitions() {
        return inner.hyperparameterDefinitions();
    }

    @Override
    public Map<String, String> choices() {
        return inner.choices();
    }

    @Override
    public Map<String, List<Double>> hyperparameterLists() {
        return inner.hyperparameterLists();
    }

    @Override
    public Map<String, Double> hyperparameters(String group) {
        return inner.hyperparameters(group);
    }

    @Override
    public Map<String, Double> trace() {
        return inner.trace();
    }

    @Override
    public void setHyperparameter(String group, String name, double value) {
        inner.setHyperparameter(group, name, value);
    }

    @Override
    public void setHyperparameter(String name, double value) {
        inner.setHyperparameter(name, value);
    }

    @Override
    public boolean isFrozen(String group) {
        return inner.isFrozen(group);
    }

    @Override
    public void setFrozen(String group, boolean frozen) {
        inner.setFrozen(group, frozen);
    }

    @Override
    public NonFinitePolicy nonFinitePolicy() {
        return inner.nonFinitePolicy();
    }

    @Override
    public void setNonFinitePolicy(NonFinitePolicy policy) {
        inner.setNonFinitePolicy(policy);
    }

    @Override
    public long stepCount() {
        return inner.stepCount();
    }

    @Override
    public long skippedSteps() {
        return inner.skippedSteps();
    }

    @Override
    public void close() {
        inner.close();
        averages.values().forEach(Tensor::close);
        backups.forEach(Tensor::close);
    }
}
