package org.optopt.optimizers.linesearch;

import java.util.LinkedHashMap;
import java.util.Map;
import org.optopt.api.backend.Backend;
import org.optopt.api.optim.LineBound;
import org.optopt.api.optim.Parameter;
import org.optopt.api.optim.ParameterGroup;
import org.optopt.api.optim.ParameterSet;
import org.optopt.api.tensor.Tensor;
import org.optopt.optimizers.BaseOptimizer;
import org.optopt.optimizers.OptimizerDefinition;

/**
 * Runs {@link SafeRate}: one step size for the whole model (every group that is not frozen moves
 * along its negative gradient; frozen groups are absent from the direction). The direction and the
 * update are on the host; the bound comes from the closure. Optimizer-wide state: the trust region
 * {@code eta_max} (NaN before the first step, which starts it at the first active group's
 * {@code lr}) and the last step size {@code eta}, both traced in {@code steps.csv}.
 */
public final class SafeRateOptimizer extends BaseOptimizer {
    private static final String ETA_MAX = "eta_max";
    private static final String ETA = "eta";

    private double etaMax = Double.NaN;
    private double eta = Double.NaN;

    SafeRateOptimizer(SafeRate definition, Backend backend, ParameterSet parameters, OptimizerDefinition.Config config) {
        super(definition, backend, parameters, config);
    }

    @Override
    protected void update(ParameterGroup group, Map<String, Double> hyper) {
        update(Map.of(group, hyper));
    }

    @Override
    protected void update(Map<ParameterGroup, Map<String, Double>> active) {
        if (active.isEmpty()) {
            return;
        }
        double region = Double.isNaN(etaMax) ? active.values().iterator().next().get("lr") : etaMax;
        Map<String, float[]> direction = new LinkedHashMap<>();
        for (ParameterGroup g : active.keySet()) {
            for (Parameter p : g.parameters()) {
                float[] d = p.gradient().toArray();
                for (int i = 0; i < d.length; i++) {
                    d[i] = -d[i];
                }
                direction.put(p.name(), d);
            }
        }
        LineBound bound;
        try {
            bound = closure().lineBound(direction, region);
        } catch (UnsupportedOperationException e) {
            throw new IllegalStateException("saferate is for full-batch problems: " + e.getMessage(), e);
        }
        double step = bound.minimizingStep();
        if (Double.isFinite(step) && step > 0) {
            for (ParameterGroup g : active.keySet()) {
                for (Parameter p : g.parameters()) {
                    float[] x = p.value().toArray();
                    float[] d = direction.get(p.name());
                    for (int i = 0; i < x.length; i++) {
                        x[i] = (float) (x[i] + step * d[i]);
                    }
                    p.value().copyFrom(x);
                }
            }
        }
        eta = Double.isFinite(step) ? step : 0;
        etaMax = Double.isFinite(step) && step >= region / 2 ? 2 * region : region / 2;
    }

    /** The first group's {@code lr}, the last step size {@code eta} and the next trust region {@code eta_max}. */
    @Override
    public Map<String, Double> trace() {
        Map<String, Double> out = super.trace();
        out.put(ETA, eta);
        out.put(ETA_MAX, Double.isNaN(etaMax) ? hyperparameters().get("lr") : etaMax);
        return out;
    }

    @Override
    protected Map<String, Double> optimizerState() {
        Map<String, Double> out = new LinkedHashMap<>();
        out.put(ETA_MAX, etaMax);
        out.put(ETA, eta);
        return out;
    }

    @Override
    protected void checkState(Map<Parameter, Map<String, Double>> perParameter, Map<String, Double> optimizerWide) {
        double region = optimizerWide.get(ETA_MAX);
        if (!Double.isNaN(region) && !(region > 0 && region < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException("State holds eta_max = " + region + ", not a positive finite number");
        }
    }

    @Override
    protected void restoreOptimizerState(Map<String, Double> state) {
        etaMax = state.get(ETA_MAX);
        eta = state.get(ETA);
    }

    @Override
    protected Map<String, Tensor> buffers(Parameter p) {
        return Map.of();
    }

    @Override
    protected Map<String, Double> scalarState(Parameter p) {
        return Map.of();
    }

    @Override
    protected void restoreScalarState(Parameter p, Map<String, Double> state) {
    }
}
