package org.optopt.optimizers.adaptive;

import static org.optopt.api.kernel.Expr.buffer;
import static org.optopt.api.kernel.Expr.scalar;
import static org.optopt.optimizers.Rules.biasCorrection;
import static org.optopt.optimizers.Rules.ema;
import static org.optopt.optimizers.Rules.emaSquare;
import static org.optopt.optimizers.Rules.g;
import static org.optopt.optimizers.Rules.p;

import java.util.List;
import java.util.Map;
import org.optopt.api.backend.Backend;
import org.optopt.api.backend.CompiledKernel;
import org.optopt.api.backend.KernelArgs;
import org.optopt.api.kernel.Expr;
import org.optopt.api.kernel.Kernel;
import org.optopt.api.kernel.Reductions;
import org.optopt.api.optim.Parameter;
import org.optopt.api.optim.ParameterGroup;
import org.optopt.api.optim.ParameterSet;
import org.optopt.optimizers.Hyperparameters;
import org.optopt.optimizers.OptimizerDefinition;
import org.optopt.optimizers.SlotOptimizer;

/**
 * LAMB (You et al. 2020, "Large Batch Optimization for Deep Learning: Training BERT in 76 minutes",
 * Algorithm 2), Adam's direction with a layer-wise (per-tensor) trust ratio:
 * <pre>
 * m = beta1*m + (1 - beta1)*g ;  v = beta2*v + (1 - beta2)*g*g            (both start at 0)
 * u = (m/(1 - beta1^t))/(sqrt(v/(1 - beta2^t)) + eps) + weight_decay*p
 * trust = ||p||/||u||, or 1 where either norm is 0                          (phi = identity)
 * p = p - lr*trust*u
 * </pre>
 * Defaults lr 1e-3, betas (0.9, 0.999), eps 1e-6 and weight_decay 0.01 (the paper's experiments).
 * Two fused kernels per tensor: the moments with both squared norms, then the update (u recomputed
 * from the same expression). Not a tower level: the trust ratio is a reduction over the tensor,
 * which the elementwise kernel derivative does not cover.
 */
public final class Lamb extends OptimizerDefinition {
    private static final Expr U = buffer("m").div(biasCorrection("beta1"))
            .div(buffer("v").div(biasCorrection("beta2")).sqrt().plus(scalar("eps")))
            .plus(scalar("weight_decay").times(p()));
    private static final Kernel MOMENTS = Kernel.builder("lamb_moments")
            .store("m", ema("m", "beta1", g()))
            .store("v", emaSquare("v", "beta2", g()))
            .sum("p2", p().square())
            .sum("u2", U.square())
            .build();
    private static final Kernel APPLY = Kernel.builder("lamb_apply")
            .store("p", p().minus(scalar("lr").times(scalar("trust")).times(U)))
            .build();

    /** Creates the provider. */
    public Lamb() {
        super("lamb", "LAMB: Adam with a layer-wise trust ratio ||p||/||u|| (You et al. 2020)",
                List.of(Hyperparameters.lr(1e-3), Hyperparameters.beta1(0.9), Hyperparameters.beta2(0.999),
                        Hyperparameters.eps(1e-6),
                        Hyperparameters.weightDecay(0.01, "added to the Adam direction: u += weight_decay*p")),
                List.of());
    }

    @Override
    public String updateRule(Map<String, String> choices) {
        resolveChoices(choices);
        return MOMENTS + "\n" + "  trust = sqrt(p2)/sqrt(u2), or 1 where either is 0\n" + APPLY;
    }

    @Override
    public SlotOptimizer create(Backend backend, ParameterSet parameters, Map<String, ?> config) {
        return new Run(this, backend, parameters, resolve(config));
    }

    /** Runs the two kernels per tensor. State: {@code m}, {@code v}, and the step count {@code t}. */
    private static final class Run extends SlotOptimizer {
        private final CompiledKernel moments;
        private final CompiledKernel apply;

        private final class LambSlot extends Slot {
            final KernelArgs momentArgs;
            final KernelArgs applyArgs;

            LambSlot(Parameter p) {
                momentArgs = moments.args().buffer("p", p.value()).buffer("g", p.gradient())
                        .buffer("m", state("m", backend.zeros(p.value().shape())))
                        .buffer("v", state("v", backend.zeros(p.value().shape())));
                applyArgs = apply.args().buffer("p", p.value()).buffer("m", state.get("m")).buffer("v", state.get("v"));
            }
        }

        Run(Lamb definition, Backend backend, ParameterSet parameters, OptimizerDefinition.Config config) {
            super(definition, backend, parameters, config);
            moments = backend.compile(MOMENTS);
            apply = backend.compile(APPLY);
            parameters.parameters().forEach(p -> addSlot(p, new LambSlot(p)));
        }

        @Override
        protected void update(ParameterGroup group, Map<String, Double> hyper) {
            for (Parameter p : group.parameters()) {
                LambSlot s = (LambSlot) slot(p.name());
                Map<String, Double> values = withStep(hyper, s);
                Reductions r = moments.run(bind(s.momentArgs, values));
                double pNorm = Math.sqrt(r.get("p2"));
                double uNorm = Math.sqrt(r.get("u2"));
                values.put("trust", pNorm > 0 && uNorm > 0 ? pNorm / uNorm : 1);
                apply.run(bind(s.applyArgs, values));
                advance(s);
            }
        }
    }
}
