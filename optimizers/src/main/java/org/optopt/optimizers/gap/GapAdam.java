package org.optopt.optimizers.gap;

import static org.optopt.api.kernel.Expr.buffer;
import static org.optopt.api.kernel.Expr.scalar;
import static org.optopt.optimizers.Rules.biasCorrection;
import static org.optopt.optimizers.Rules.ema;
import static org.optopt.optimizers.Rules.emaSquare;
import static org.optopt.optimizers.Rules.g;
import static org.optopt.optimizers.transform.Transforms.decayParameters;
import static org.optopt.optimizers.transform.Transforms.scaleByLearningRate;

import java.util.List;
import org.optopt.api.kernel.Expr;
import org.optopt.api.kernel.Kernel;
import org.optopt.api.kernel.Reductions;
import org.optopt.api.optim.Domain;
import org.optopt.api.optim.HyperparameterList;
import org.optopt.optimizers.ElementwiseRule;
import org.optopt.optimizers.Hyperparameters;
import org.optopt.optimizers.transform.Chain;
import org.optopt.optimizers.transform.Update;

/**
 * {@code gap-adam}: Adam (AdamW with weight decay) with beta1 chosen every step among candidates by
 * gradient alignment (GAP, paper A; issue 19 part 2). Per tensor and candidate b1_j:
 * <pre>
 * m_j = b1_j*m_j + (1 - b1_j)*g ;  v = beta2*v + (1 - beta2)*g^2      (one v for all candidates)
 * u_j = (m_j/(1 - b1_j^t)) / (sqrt(v/(1 - beta2^t)) + eps)
 * W   = mean(1/(sqrt(v) + eps))                       (over the tensor, raw v)
 * J_j = (g . u_j) * sqrt((1 - b1_j^2)/W)              (sums accumulated in double)
 * p   = p*(1 - lr*weight_decay) - lr*u_{j*}           (decoupled decay, as torch AdamW; j* as in {@link GapDefinition})
 * </pre>
 */
public final class GapAdam extends GapDefinition {
    private static final String METRIC = "metric";

    /** Creates the provider. */
    public GapAdam() {
        super("gap-adam", "Adam/AdamW with beta1 chosen each step among candidates by gradient alignment (GAP, paper A)",
                List.of(Hyperparameters.lr(1e-3), Hyperparameters.beta2(0.999), Hyperparameters.eps(1e-8),
                        Hyperparameters.weightDecay(0, "decoupled decay: p *= 1 - lr*weight_decay")),
                new HyperparameterList("beta1s", DEFAULT_CANDIDATES, Domain.closedOpen(0, 1), "candidate beta1s"),
                "beta1", "m");
    }

    /** Adam's direction {@code (m/(1 - beta1^t)) / (sqrt(v/(1 - beta2^t)) + eps)}, reading the local {@code denom}. */
    private static Expr direction(String m, String beta1) {
        return buffer(m).div(biasCorrection(beta1)).div(Expr.local("denom"));
    }

    private static Expr denominator() {
        return buffer("v").div(biasCorrection("beta2")).sqrt().plus(scalar("eps"));
    }

    @Override
    public Kernel accumulate(int candidates) {
        Kernel.Builder k = Kernel.builder("gap_adam_accumulate")
                .store("v", emaSquare("v", "beta2", g()))
                .let("denom", denominator());
        for (int j = 0; j < candidates; j++) {
            k.store(candidateBuffer(j), ema(candidateBuffer(j), candidateScalar(j), g()));
            k.sum(alignment(j), g().times(direction(candidateBuffer(j), candidateScalar(j))));
        }
        return k.sum(METRIC, Expr.one().div(buffer("v").sqrt().plus(scalar("eps")))).build();
    }

    @Override
    public Kernel apply() {
        return Chain.from("gap_adam_apply", chosenBuffer(), decayParameters(),
                (u, rule) -> Update.of(u.value().div(biasCorrection(candidate())).div(rule.let("denom", denominator()))),
                scaleByLearningRate("lr")).kernel();
    }

    @Override
    public List<ElementwiseRule.StateBuffer> sharedState() {
        return List.of(new ElementwiseRule.StateBuffer("v", Expr.zero()));
    }

    @Override
    public double score(double candidate, int j, Reductions reductions, int size) {
        double w = reductions.get(METRIC) / size;
        return reductions.get(alignment(j)) * Math.sqrt((1 - candidate * candidate) / w);
    }

    @Override
    protected String scoreRule() {
        return "W = metric/size; J_j = alignment_j*sqrt((1 - beta1_j^2)/W)\n";
    }
}
