package org.optopt.optimizers.probe;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.optopt.api.backend.Backend;
import org.optopt.api.optim.Parameter;
import org.optopt.api.optim.ParameterSet;
import org.optopt.api.optim.StateDict;
import org.optopt.api.probe.Probe;
import org.optopt.api.tensor.Tensor;

/**
 * What every probe here shares: the parameter set it was created for (checked at each observation)
 * and exponential moving averages with Adam's bias correction: an estimate m_t = beta m_(t-1) +
 * (1 - beta) x_t, reported as m_t / (1 - beta^t), which is the plain mean of x_1..x_t when beta -&gt;
 * 1 and unbiased for a stationary x from the first observation on. Its {@linkplain #state() state}
 * is the observation count and what each probe {@linkplain #save saves}: host estimates as scalars
 * and state tensors as buffers, restored exactly.
 */
abstract class StreamingProbe implements Probe {
    /** The default EMA factor of every probe: {@value}. */
    static final double DEFAULT_BETA = 0.99;

    protected final Backend backend;
    protected final List<Parameter> parameters;
    protected final double beta;
    private long observations;

    StreamingProbe(Backend backend, ParameterSet parameters, double beta) {
        if (!(beta >= 0 && beta < 1)) {
            throw new IllegalArgumentException("a probe's EMA factor beta must be in [0, 1), got " + beta);
        }
        this.backend = backend;
        this.parameters = parameters.parameters();
        this.beta = beta;
    }

    @Override
    public final void observe(ParameterSet set) {
        accumulate(begin(set));
    }

    /**
     * Starts an observation of {@code set}: checks it against the set the probe was created for and
     * counts the observation.
     *
     * @return the set's parameters
     * @throws IllegalArgumentException if the set differs in names or shapes
     */
    protected final List<Parameter> begin(ParameterSet set) {
        List<Parameter> now = set.parameters();
        if (now.size() != parameters.size()) {
            throw new IllegalArgumentException("probe " + name() + ": created for " + parameters.size()
                    + " parameters, observing " + now.size());
        }
        for (int i = 0; i < now.size(); i++) {
            if (!now.get(i).name().equals(parameters.get(i).name())
                    || !now.get(i).gradient().shape().equals(parameters.get(i).gradient().shape())) {
                throw new IllegalArgumentException("probe " + name() + ": parameter " + i + " is " + now.get(i).name()
                        + " " + now.get(i).gradient().shape() + ", expected " + parameters.get(i).name() + " "
                        + parameters.get(i).gradient().shape());
            }
        }
        observations++;
        return now;
    }

    /** Folds the current gradients into the estimates; {@link #observations()} already counts this one. */
    protected abstract void accumulate(List<Parameter> current);

    @Override
    public final long observations() {
        return observations;
    }

    /**
     * Adds the probe's estimates to {@code scalars} and its state tensors to {@code tensors} (as
     * buffers of the parameter they belong to).
     */
    protected abstract void save(Map<String, Double> scalars, List<StateDict.StateTensor> tensors);

    /**
     * Restores what {@link #save} saved; {@link #observations()} is already restored.
     *
     * @throws IllegalArgumentException if an entry is missing or has another shape
     */
    protected abstract void restore(StateDict state);

    @Override
    public final StateDict state() {
        Map<String, Double> scalars = new LinkedHashMap<>();
        List<StateDict.StateTensor> tensors = new ArrayList<>();
        save(scalars, tensors);
        return new StateDict(name(), parameters.stream().map(p -> new StateDict.ParameterShape(p.name(),
                p.gradient().shape())).toList(), observations, 0, Map.of(), scalars, tensors);
    }

    @Override
    public final void loadState(StateDict state) {
        List<StateDict.ParameterShape> mine = state().parameters();
        if (!state.optimizer().equals(name()) || !state.parameters().equals(mine)) {
            throw new IllegalArgumentException("probe " + name() + " over " + mine + " cannot load the state of "
                    + state.optimizer() + " over " + state.parameters());
        }
        observations = state.stepCount();
        restore(state);
    }

    /** The state buffer {@code buffer} of {@code parameter}: a copy of {@code t}. */
    protected static StateDict.StateTensor stateBuffer(String parameter, String buffer, Tensor t) {
        return new StateDict.StateTensor(parameter, buffer, t.shape(), t.toArray());
    }

    /**
     * Copies the saved buffer {@code buffer} of {@code parameter} into {@code t}.
     *
     * @throws IllegalArgumentException if it is missing or has another shape
     */
    protected static void restore(StateDict state, String parameter, String buffer, Tensor t) {
        StateDict.StateTensor saved = state.tensor(parameter, buffer);
        if (saved == null || !saved.shape().equals(t.shape())) {
            throw new IllegalArgumentException("probe state " + state.optimizer() + ": buffer " + parameter + "/" + buffer
                    + (saved == null ? " is missing" : " has shape " + saved.shape() + ", expected " + t.shape()));
        }
        t.copyFrom(saved.data());
    }

    /**
     * The saved scalar {@code key}.
     *
     * @throws IllegalArgumentException if it is missing
     */
    protected static double savedScalar(StateDict state, String key) {
        Double v = state.scalars().get(key);
        if (v == null) {
            throw new IllegalArgumentException("probe state " + state.optimizer() + ": scalar " + key + " is missing");
        }
        return v;
    }

    /** m = beta m + (1 - beta) x. */
    protected final double ema(double m, double x) {
        return beta * m + (1 - beta) * x;
    }

    /** The square matrix {@code t} (n x n, row-major) in double, times {@code scale}. */
    protected static double[][] square(Tensor t, double scale) {
        int n = t.shape().dim(0);
        float[] v = t.toArray();
        double[][] m = new double[n][n];
        for (int r = 0; r < n; r++) {
            for (int q = 0; q < n; q++) {
                m[r][q] = v[r * n + q] * scale;
            }
        }
        return m;
    }

    /** The bias correction 1/(1 - beta^n) of an EMA over n observations. */
    protected final double correction(long n) {
        return 1 / (1 - Math.pow(beta, n));
    }
}
