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
import org.optopt.api.optim.Parameter;
import org.optopt.api.optim.ParameterSet;
import org.optopt.api.optim.StateDict;
import org.optopt.api.tensor.Tensor;

/**
 * Streaming second moments: per coordinate s_i = E[g_i^2] (an EMA buffer per parameter, Adam's v)
 * and E|g|^2 over all parameters, from one fused kernel pass per parameter:
 * <pre>
 * sq = sum(g*g)                      (reduction)
 * v  = b*v + (1-b)*g*g               (store)
 * </pre>
 * Statistics: {@code sq_norm} (E|g|^2, bias-corrected) and {@code <parameter>.mean_sq} (the mean
 * over its coordinates of E[g_i^2]); {@link #secondMoment} gives the bias-corrected s per coordinate.
 */
public final class SecondMomentProbe extends StreamingProbe {
    /** The probe's name. */
    public static final String NAME = "second-moment";

    static final Kernel KERNEL = Kernel.builder("probe_second_moment")
            .sum("sq", buffer("g").times(buffer("g")))
            .store("v", scalar("b").times(buffer("v")).plus(scalar("b").oneMinus().times(buffer("g")).times(buffer("g"))))
            .build();

    private final CompiledKernel kernel;
    private final List<Tensor> moments = new ArrayList<>();
    private final List<KernelArgs> args = new ArrayList<>();
    private final double[] meanSq;
    private double sqNorm;

    /**
     * A probe over {@code parameters} on {@code backend} with EMA factor {@code beta}.
     *
     * @throws IllegalArgumentException unless 0 &lt;= beta &lt; 1
     */
    public SecondMomentProbe(Backend backend, ParameterSet parameters, double beta) {
        super(backend, parameters, beta);
        kernel = backend.compile(KERNEL);
        for (Parameter p : this.parameters) {
            Tensor v = backend.zeros(p.gradient().shape());
            moments.add(v);
            args.add(kernel.args().buffer("g", p.gradient()).buffer("v", v).scalar("b", beta));
        }
        meanSq = new double[this.parameters.size()];
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    protected void accumulate(List<Parameter> current) {
        double total = 0;
        for (int i = 0; i < current.size(); i++) {
            double sq = kernel.run(args.get(i)).get("sq");
            total += sq;
            meanSq[i] = ema(meanSq[i], sq / current.get(i).gradient().shape().size());
        }
        sqNorm = ema(sqNorm, total);
    }

    @Override
    protected void save(Map<String, Double> scalars, List<StateDict.StateTensor> tensors) {
        scalars.put("sq_norm", sqNorm);
        for (int i = 0; i < parameters.size(); i++) {
            String name = parameters.get(i).name();
            scalars.put(name + "/mean_sq", meanSq[i]);
            tensors.add(stateBuffer(name, "v", moments.get(i)));
        }
    }

    @Override
    protected void restore(StateDict state) {
        sqNorm = savedScalar(state, "sq_norm");
        for (int i = 0; i < parameters.size(); i++) {
            String name = parameters.get(i).name();
            meanSq[i] = savedScalar(state, name + "/mean_sq");
            restore(state, name, "v", moments.get(i));
        }
    }

    @Override
    public Map<String, Double> statistics() {
        Map<String, Double> s = new LinkedHashMap<>();
        if (observations() == 0) {
            return s;
        }
        double c = correction(observations());
        s.put("sq_norm", sqNorm * c);
        for (int i = 0; i < parameters.size(); i++) {
            s.put(parameters.get(i).name() + ".mean_sq", meanSq[i] * c);
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
