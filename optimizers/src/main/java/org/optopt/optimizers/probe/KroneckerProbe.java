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
 * Streaming Kronecker factors of every matrix parameter G (m x n): L = E[G G^T] (m x m) and
 * R = E[G^T G] (n x n), Shampoo's and the kronecker budget's statistics, updated with the
 * backend's matrix product (L = b L + (1-b) G G^T in one gemm, likewise R). Parameters that are
 * not matrices, or with a side longer than {@code maxSide}, are skipped (their factors would cost
 * more than the step). Statistics: {@code <parameter>.L_trace} and {@code <parameter>.R_trace}
 * (both E|G|_F^2, bias-corrected); {@link #left} and {@link #right} give the factors.
 */
public final class KroneckerProbe extends StreamingProbe {
    /** The probe's name. */
    public static final String NAME = "kronecker";
    /** The default longest side that gets factors: {@value}. */
    public static final int DEFAULT_MAX_SIDE = 1024;

    private final List<Integer> matrices = new ArrayList<>();
    private final List<Tensor> left = new ArrayList<>();
    private final List<Tensor> right = new ArrayList<>();

    /**
     * A probe over the matrix parameters of {@code parameters} with sides up to {@code maxSide}.
     *
     * @throws IllegalArgumentException unless 0 &lt;= beta &lt; 1 and maxSide &gt;= 1
     */
    public KroneckerProbe(Backend backend, ParameterSet parameters, double beta, int maxSide) {
        super(backend, parameters, beta);
        if (maxSide < 1) {
            throw new IllegalArgumentException("maxSide must be positive, got " + maxSide);
        }
        for (int i = 0; i < this.parameters.size(); i++) {
            Shape s = this.parameters.get(i).gradient().shape();
            if (s.rank() == 2 && s.dim(0) <= maxSide && s.dim(1) <= maxSide) {
                matrices.add(i);
                left.add(backend.zeros(Shape.matrix(s.dim(0), s.dim(0))));
                right.add(backend.zeros(Shape.matrix(s.dim(1), s.dim(1))));
            }
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    /** The names of the parameters that get factors. */
    public List<String> factored() {
        return matrices.stream().map(i -> parameters.get(i).name()).toList();
    }

    @Override
    protected void accumulate(List<Parameter> current) {
        float a = (float) (1 - beta);
        float b = (float) beta;
        for (int j = 0; j < matrices.size(); j++) {
            Tensor g = current.get(matrices.get(j)).gradient();
            backend.gemmInPlace(a, g, false, g, true, b, left.get(j));
            backend.gemmInPlace(a, g, true, g, false, b, right.get(j));
        }
    }

    @Override
    protected void save(Map<String, Double> scalars, List<StateDict.StateTensor> tensors) {
        for (int j = 0; j < matrices.size(); j++) {
            String name = parameters.get(matrices.get(j)).name();
            tensors.add(stateBuffer(name, "L", left.get(j)));
            tensors.add(stateBuffer(name, "R", right.get(j)));
        }
    }

    @Override
    protected void restore(StateDict state) {
        for (int j = 0; j < matrices.size(); j++) {
            String name = parameters.get(matrices.get(j)).name();
            restore(state, name, "L", left.get(j));
            restore(state, name, "R", right.get(j));
        }
    }

    @Override
    public Map<String, Double> statistics() {
        Map<String, Double> s = new LinkedHashMap<>();
        if (observations() == 0) {
            return s;
        }
        for (int j = 0; j < matrices.size(); j++) {
            String name = parameters.get(matrices.get(j)).name();
            s.put(name + ".L_trace", trace(left(name)));
            s.put(name + ".R_trace", trace(right(name)));
        }
        return s;
    }

    /** The bias-corrected L = E[G G^T] of {@code parameter}. */
    public double[][] left(String parameter) {
        return factor(left, parameter);
    }

    /** The bias-corrected R = E[G^T G] of {@code parameter}. */
    public double[][] right(String parameter) {
        return factor(right, parameter);
    }

    private double[][] factor(List<Tensor> factors, String parameter) {
        int i = SecondMomentProbe.index(parameters, parameter);
        int j = matrices.indexOf(i);
        if (j < 0) {
            throw new IllegalArgumentException("parameter " + parameter + " has no Kronecker factors (not a matrix, or a"
                    + " side longer than the probe's limit)");
        }
        if (observations() == 0) {
            throw new IllegalArgumentException("probe " + NAME + ": nothing observed yet");
        }
        Tensor t = factors.get(j);
        int n = t.shape().dim(0);
        float[] v = t.toArray();
        double c = correction(observations());
        double[][] m = new double[n][n];
        for (int r = 0; r < n; r++) {
            for (int q = 0; q < n; q++) {
                m[r][q] = v[r * n + q] * c;
            }
        }
        return m;
    }

    private static double trace(double[][] m) {
        double t = 0;
        for (int i = 0; i < m.length; i++) {
            t += m[i][i];
        }
        return t;
    }

    @Override
    public void close() {
        left.forEach(Tensor::close);
        right.forEach(Tensor::close);
    }
}
