package org.optopt.optimizers.probe;

import java.util.List;
import org.optopt.api.backend.Backend;
import org.optopt.api.optim.Parameter;
import org.optopt.api.optim.ParameterSet;
import org.optopt.api.probe.Probe;
import org.optopt.api.tensor.Tensor;

/**
 * What every probe here shares: the parameter set it was created for (checked at each observation)
 * and exponential moving averages with Adam's bias correction: an estimate m_t = beta m_(t-1) +
 * (1 - beta) x_t, reported as m_t / (1 - beta^t), which is the plain mean of x_1..x_t when beta -&gt;
 * 1 and unbiased for a stationary x from the first observation on.
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
        accumulate(now);
    }

    /** Folds the current gradients into the estimates; {@link #observations()} already counts this one. */
    protected abstract void accumulate(List<Parameter> current);

    @Override
    public final long observations() {
        return observations;
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
