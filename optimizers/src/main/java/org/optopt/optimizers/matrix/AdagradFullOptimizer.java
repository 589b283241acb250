package org.optopt.optimizers.matrix;

import static org.optopt.optimizers.transform.Transforms.scaleByLearningRate;

import java.util.LinkedHashMap;
import java.util.Map;
import org.optopt.api.backend.Backend;
import org.optopt.api.backend.CompiledKernel;
import org.optopt.api.backend.KernelArgs;
import org.optopt.api.kernel.Kernel;
import org.optopt.api.optim.Parameter;
import org.optopt.api.optim.ParameterGroup;
import org.optopt.api.optim.ParameterSet;
import org.optopt.api.tensor.Shape;
import org.optopt.api.tensor.Tensor;
import org.optopt.optimizers.BaseOptimizer;
import org.optopt.optimizers.OptimizerDefinition;
import org.optopt.optimizers.transform.Chain;
import org.optopt.theory.Design;
import org.optopt.theory.SecondMoment;
import org.optopt.theory.UpdateSecondMoment;

/**
 * Runs {@link AdagradFull}: Sigma accumulates on the host in double (a float sum of many rank-one
 * terms is not PSD to the design's tolerance; each entry is kept as a float pair, about 48 bits),
 * the root comes from
 * {@link UpdateSecondMoment#closedForm}, and {@code root g} is one gemm on the backend. State per
 * parameter: {@code root} (d x d, float, what the steps use) and Sigma saved exactly as the float
 * pair {@code sigma_hi} + {@code sigma_lo}; scalar {@code t}.
 */
public final class AdagradFullOptimizer extends BaseOptimizer {
    private static final Kernel APPLY = Chain.from("adagrad_full_apply", "u", scaleByLearningRate("lr")).kernel();

    private final CompiledKernel apply;
    private final Map<String, Slot> slots = new LinkedHashMap<>();

    private final class Slot {
        final int d;
        final double[] sigma;
        final Map<String, Tensor> state = new LinkedHashMap<>();
        final Tensor gradientColumn;
        final Tensor u;
        final KernelArgs applyArgs;
        long step;

        Slot(Parameter p) {
            d = p.value().shape().size();
            sigma = new double[d * d];
            state.put("root", backend.zeros(Shape.matrix(d, d)));
            state.put("sigma_hi", backend.zeros(Shape.matrix(d, d)));
            state.put("sigma_lo", backend.zeros(Shape.matrix(d, d)));
            gradientColumn = backend.reshape(p.gradient(), Shape.matrix(d, 1));
            u = backend.zeros(Shape.matrix(d, 1));
            applyArgs = apply.args().buffer("u", backend.reshape(u, p.value().shape())).buffer("p", p.value());
        }
    }

    AdagradFullOptimizer(AdagradFull definition, Backend backend, ParameterSet parameters,
            OptimizerDefinition.Config config) {
        super(definition, backend, parameters, config);
        for (ParameterGroup g : parameters.groups()) {
            long limit = Math.round(groupValues(g.name()).get("max_elements"));
            for (Parameter p : g.parameters()) {
                int d = p.value().shape().size();
                if (d > limit) {
                    throw new IllegalArgumentException("adagrad-full keeps a d x d matrix per tensor: parameter "
                            + p.name() + " has " + d + " elements, above max_elements = " + limit
                            + " (use adagrad or shampoo, or raise max_elements)");
                }
            }
        }
        this.apply = backend.compile(APPLY);
        for (Parameter p : parameters.parameters()) {
            slots.put(p.name(), new Slot(p));
        }
    }

    @Override
    protected void update(ParameterGroup group, Map<String, Double> hyper) {
        for (Parameter p : group.parameters()) {
            Slot s = slots.get(p.name());
            float[] g = p.gradient().toArray();
            for (int i = 0; i < s.d; i++) {
                for (int j = 0; j < s.d; j++) {
                    s.sigma[i * s.d + j] = pairRounded(s.sigma[i * s.d + j] + (double) g[i] * g[j]);
                }
            }
            if (s.step % Math.round(hyper.get("update_every")) == 0) {
                s.state.get("root").copyFrom(root(s, hyper.get("eps"), p.name()));
            }
            backend.gemmInPlace(1f, s.state.get("root"), false, s.gradientColumn, false, 0f, s.u);
            apply.run(s.applyArgs.scalar("lr", hyper.get("lr")));
            s.step++;
        }
    }

    /**
     * x rounded to the nearest float pair hi + lo (about 48 significant bits), so that the saved
     * {@code sigma_hi} and {@code sigma_lo} hold Sigma exactly and a loaded state continues bit for bit.
     */
    private static double pairRounded(double x) {
        float hi = (float) x;
        return (double) hi + (float) (x - hi);
    }

    /** (Sigma + eps I)^-1/2, Q* of the update-second-moment budget at radius 1; 0 while Sigma is 0. */
    private static float[] root(Slot s, double eps, String parameter) {
        double[][] rows = new double[s.d][s.d];
        boolean zero = true;
        for (int i = 0; i < s.d; i++) {
            for (int j = 0; j < s.d; j++) {
                rows[i][j] = s.sigma[i * s.d + j] + (i == j ? eps : 0);
                zero &= rows[i][j] == 0;
            }
        }
        float[] out = new float[s.d * s.d];
        if (zero) {
            return out;
        }
        Design design = new UpdateSecondMoment(1).closedForm(SecondMoment.of("Sigma of " + parameter, rows))
                .orElseThrow();
        for (int i = 0; i < s.d; i++) {
            for (int j = 0; j < s.d; j++) {
                out[i * s.d + j] = (float) design.q(i, j);
            }
        }
        return out;
    }

    /** The live state; {@code sigma_hi} and {@code sigma_lo} are brought up to date with Sigma first. */
    @Override
    protected Map<String, Tensor> buffers(Parameter p) {
        Slot s = slots.get(p.name());
        float[] hi = new float[s.sigma.length];
        float[] lo = new float[s.sigma.length];
        for (int i = 0; i < hi.length; i++) {
            hi[i] = (float) s.sigma[i];
            lo[i] = (float) (s.sigma[i] - hi[i]);
        }
        s.state.get("sigma_hi").copyFrom(hi);
        s.state.get("sigma_lo").copyFrom(lo);
        return s.state;
    }

    @Override
    protected Map<String, Double> scalarState(Parameter p) {
        return Map.of("t", (double) slots.get(p.name()).step);
    }

    /** Called after the buffers are loaded: Sigma = sigma_hi + sigma_lo. */
    @Override
    protected void restoreScalarState(Parameter p, Map<String, Double> state) {
        Slot s = slots.get(p.name());
        s.step = state.get("t").longValue();
        float[] hi = s.state.get("sigma_hi").toArray();
        float[] lo = s.state.get("sigma_lo").toArray();
        for (int i = 0; i < hi.length; i++) {
            s.sigma[i] = (double) hi[i] + lo[i];
        }
    }

    @Override
    protected void releaseWorkspace() {
        slots.values().forEach(s -> {
            s.gradientColumn.close();
            s.u.close();
        });
    }
}
