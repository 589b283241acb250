package org.optopt.optimizers.probe;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.optopt.api.backend.Backend;
import org.optopt.api.optim.Parameter;
import org.optopt.api.optim.ParameterSet;
import org.optopt.api.optim.StateDict;
import org.optopt.api.tensor.Shape;
import org.optopt.api.tensor.Tensor;

/**
 * The full uncentred second moment Sigma = E[g g^T] of every parameter of at most {@code maxElements}
 * elements (flattened in row-major order): the design problem's own Sigma, off-diagonal entries
 * included, updated with one backend gemm per parameter (Sigma = b Sigma + (1-b) g g^T).
 * Larger parameters are skipped (Sigma has d^2 entries). Statistics: {@code <parameter>.trace}
 * (E|g|^2, bias-corrected); {@link #sigma} gives the matrix.
 */
public final class CovarianceProbe extends StreamingProbe {
    /** The probe's name. */
    public static final String NAME = "covariance";
    /** The default largest parameter that gets a Sigma: {@value}. */
    public static final int DEFAULT_MAX_ELEMENTS = 512;

    private final List<Integer> covered = new ArrayList<>();
    private final List<Tensor> columns = new ArrayList<>();
    private final List<Tensor> sigmas = new ArrayList<>();

    /**
     * A probe over the parameters of {@code parameters} with at most {@code maxElements} elements.
     *
     * @throws IllegalArgumentException unless 0 &lt;= beta &lt; 1 and maxElements &gt;= 1
     */
    public CovarianceProbe(Backend backend, ParameterSet parameters, double beta, int maxElements) {
        super(backend, parameters, beta);
        if (maxElements < 1) {
            throw new IllegalArgumentException("maxElements must be positive, got " + maxElements);
        }
        for (int i = 0; i < this.parameters.size(); i++) {
            Tensor g = this.parameters.get(i).gradient();
            int d = g.shape().size();
            if (d <= maxElements) {
                covered.add(i);
                columns.add(backend.reshape(g, Shape.matrix(d, 1)));
                sigmas.add(backend.zeros(Shape.matrix(d, d)));
            }
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    /** The names of the parameters that get a Sigma. */
    public List<String> covered() {
        return covered.stream().map(i -> parameters.get(i).name()).toList();
    }

    @Override
    protected void accumulate(List<Parameter> current) {
        for (int j = 0; j < covered.size(); j++) {
            Tensor g = columns.get(j);
            backend.gemmInPlace((float) (1 - beta), g, false, g, true, (float) beta, sigmas.get(j));
        }
    }

    @Override
    protected void save(Map<String, Double> scalars, List<StateDict.StateTensor> tensors) {
        for (int j = 0; j < covered.size(); j++) {
            tensors.add(stateBuffer(parameters.get(covered.get(j)).name(), "sigma", sigmas.get(j)));
        }
    }

    @Override
    protected void restore(StateDict state) {
        for (int j = 0; j < covered.size(); j++) {
            restore(state, parameters.get(covered.get(j)).name(), "sigma", sigmas.get(j));
        }
    }

    @Override
    public Map<String, Double> statistics() {
        Map<String, Double> s = new LinkedHashMap<>();
        if (observations() == 0) {
            return s;
        }
        for (int j = 0; j < covered.size(); j++) {
            double[][] m = sigma(parameters.get(covered.get(j)).name());
            double t = 0;
            for (int i = 0; i < m.length; i++) {
                t += m[i][i];
            }
            s.put(parameters.get(covered.get(j)).name() + ".trace", t);
        }
        return s;
    }

    /**
     * The bias-corrected Sigma = E[g g^T] of {@code parameter} (d x d, row-major flattening).
     *
     * @throws IllegalArgumentException if the parameter is not covered or nothing was observed
     */
    public double[][] sigma(String parameter) {
        int j = covered.indexOf(SecondMomentProbe.index(parameters, parameter));
        if (j < 0) {
            throw new IllegalArgumentException("parameter " + parameter + " has no Sigma (more elements than the probe's"
                    + " limit)");
        }
        if (observations() == 0) {
            throw new IllegalArgumentException("probe " + NAME + ": nothing observed yet");
        }
        return square(sigmas.get(j), correction(observations()));
    }

    @Override
    public void close() {
        columns.forEach(Tensor::close);
        sigmas.forEach(Tensor::close);
    }
}
