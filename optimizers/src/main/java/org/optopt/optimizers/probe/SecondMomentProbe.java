package org.optopt.optimizers.probe;

import static org.optopt.api.kernel.Expr.buffer;
import static org.optopt.api.kernel.Expr.scalar;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.optopt.api.backend.Backend;
import org.optopt.api.backend.CompiledKernel;
import org.optopt.api.backend.KernelArgs;
import org.optopt.api.kernel.Kernel;
import org.optopt.api.kernel.Reductions;
import org.optopt.api.optim.Parameter;
import org.optopt.api.optim.ParameterSet;
import org.optopt.api.optim.StateDict;
import org.optopt.api.tensor.Tensor;

/**
 * Streaming second moments: per coordinate s_i = E[g_i^2] (an EMA buffer per parameter, Adam's v)
 * and E|g|^2 over all parameters. An observation is one elementwise store per parameter and no
 * reduction:
 * <pre>
 * v  = b*v + (1-b)*g*g
 * </pre>
 * E|g|^2 needs no sum per step: the EMA of |g_t|^2 = sum_i g_(t,i)^2 is, term by term, the sum over
 * i of the per-coordinate EMAs v_i, so {@link #statistics()} sums v (once per observation count,
 * in double) when it is asked. Keeping the step free of reductions is what makes it cheap on a
 * compiled CPU backend: a loop without sums vectorizes, a double-precision sum does not (measured
 * in {@code optopt bench probes}; docs/theory.md).
 * Statistics: {@code sq_norm} (E|g|^2, bias-corrected) and {@code <parameter>.mean_sq} (the mean
 * over its coordinates of E[g_i^2]); {@link #secondMoment} gives the bias-corrected s per coordinate.
 */
public final class SecondMomentProbe extends KernelProbe {
    /** The probe's name. */
    public static final String NAME = "second-moment";

    static final Kernel KERNEL = Kernel.builder("probe_second_moment")
            .store("v", scalar("b").times(buffer("v")).plus(scalar("b").oneMinus().times(buffer("g")).times(buffer("g"))))
            .build();
    /** The sum of v over one parameter, for the statistics. */
    private static final Kernel SUM = Kernel.builder("probe_second_moment_sum").sum("s", buffer("v")).build();

    private final CompiledKernel sum;
    private final List<Tensor> moments = new ArrayList<>();
    private final List<KernelArgs> sumArgs = new ArrayList<>();
    /** Per parameter, the sum of v at observation {@link #summedAt}. */
    private final double[] sums;
    private long summedAt = -1;

    /**
     * A probe over {@code parameters} on {@code backend} with EMA factor {@code beta}.
     *
     * @throws IllegalArgumentException unless 0 &lt;= beta &lt; 1
     */
    public SecondMomentProbe(Backend backend, ParameterSet parameters, double beta) {
        super(backend, parameters, beta, List.of(KERNEL));
        sum = backend.compile(SUM);
        for (Parameter p : this.parameters) {
            Tensor v = backend.zeros(p.gradient().shape());
            moments.add(v);
            sumArgs.add(sum.args().buffer("v", v));
        }
        sums = new double[this.parameters.size()];
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, Tensor> buffers(int parameter) {
        return Map.of("v", moments.get(parameter));
    }

    @Override
    public Map<String, Double> scalars() {
        return Map.of("b", beta);
    }

    /** Nothing to fold: the kernel has no reductions, and the statistics are sums of v taken when asked. */
    @Override
    protected void fold(List<Reductions> reductions) {
    }

    @Override
    protected void save(Map<String, Double> scalars, List<StateDict.StateTensor> tensors) {
        for (int i = 0; i < parameters.size(); i++) {
            tensors.add(stateBuffer(parameters.get(i).name(), "v", moments.get(i)));
        }
    }

    @Override
    protected void restore(StateDict state) {
        for (int i = 0; i < parameters.size(); i++) {
            restore(state, parameters.get(i).name(), "v", moments.get(i));
        }
        summedAt = -1;
    }

    @Override
    public Map<String, Double> statistics() {
        Map<String, Double> s = new LinkedHashMap<>();
        if (observations() == 0) {
            return s;
        }
        if (summedAt != observations()) {
            for (int i = 0; i < sums.length; i++) {
                sums[i] = sum.run(sumArgs.get(i)).get(0);
            }
            summedAt = observations();
        }
        double c = correction(observations());
        s.put("sq_norm", java.util.Arrays.stream(sums).sum() * c);
        for (int i = 0; i < parameters.size(); i++) {
            s.put(parameters.get(i).name() + ".mean_sq", sums[i] / parameters.get(i).gradient().shape().size() * c);
        }
        return s;
    }

    /**
     * The bias-corrected E[g_i^2] of every coordinate of {@code parameter} (row-major).
     *
     * @throws IllegalArgumentException if there is no such parameter or nothing was observed yet
     */
    public double[] secondMoment(String parameter) {
        if (observations() == 0) {
            throw new IllegalArgumentException("probe " + NAME + ": nothing observed yet");
        }
        float[] v = moments.get(index(parameters, parameter)).toArray();
        double c = correction(observations());
        double[] s = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            s[i] = v[i] * c;
        }
        return s;
    }

    static int index(List<Parameter> parameters, String name) {
        for (int i = 0; i < parameters.size(); i++) {
            if (parameters.get(i).name().equals(name)) {
                return i;
            }
        }
        throw new IllegalArgumentException("no parameter named " + name + "; known: "
                + parameters.stream().map(Parameter::name).toList());
    }

    @Override
    public void close() {
        moments.forEach(Tensor::close);
    }
}
