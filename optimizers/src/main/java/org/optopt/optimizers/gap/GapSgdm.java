package org.optopt.optimizers.gap;

import static org.optopt.api.kernel.Expr.buffer;
import static org.optopt.api.kernel.Expr.scalar;
import static org.optopt.optimizers.Rules.coupledDecay;
import static org.optopt.optimizers.Rules.t;
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

/**
 * {@code gap-sgdm}: SGD with heavy-ball momentum chosen every step among candidate momenta by
 * gradient alignment (GAP, paper A; issue 19 part 1). Per tensor and candidate m_j:
 * <pre>
 * d     = g + weight_decay*p                        (coupled decay, as torch SGD)
 * buf_j = d  at t = 1,  else  m_j*buf_j + d
 * J_j   = (d . buf_j) * sqrt(1 - m_j^2)             (dot product accumulated in double)
 * p     = p - lr*buf_{j*}                           (j* chosen as in {@link GapDefinition})
 * </pre>
 * With weight decay the decayed gradient d takes g's place everywhere, in the score too (it is
 * the gradient of the penalized loss).
 */
public final class GapSgdm extends GapDefinition {
    /** Creates the provider. */
    public GapSgdm() {
        super("gap-sgdm", "SGD with the momentum chosen each step among candidates by gradient alignment (GAP, paper A)",
                List.of(Hyperparameters.lr(1e-3), Hyperparameters.weightDecay(0, "L2 penalty added to the gradient")),
                new HyperparameterList("momenta", DEFAULT_CANDIDATES, Domain.closedOpen(0, 1), "candidate momenta"),
                "momentum", "buf");
    }

    @Override
    public Kernel accumulate(int candidates) {
        Expr d = Expr.local("d");
        Kernel.Builder k = Kernel.builder("gap_sgdm_accumulate").let("d", coupledDecay());
        for (int j = 0; j < candidates; j++) {
            Expr buf = buffer(candidateBuffer(j));
            k.store(candidateBuffer(j), Expr.select(t().gt(Expr.one()), scalar(candidateScalar(j)).times(buf).plus(d), d));
            k.sum(alignment(j), d.times(buf));
        }
        return k.build();
    }

    @Override
    public Kernel apply() {
        return Chain.from("gap_sgdm_apply", chosenBuffer(), scaleByLearningRate("lr")).kernel();
    }

    @Override
    public List<ElementwiseRule.StateBuffer> sharedState() {
        return List.of();
    }

    @Override
    public double score(double candidate, int j, Reductions reductions, int size) {
        return reductions.get(alignment(j)) * Math.sqrt(1 - candidate * candidate);
    }

    @Override
    protected String scoreRule() {
        return "J_j = alignment_j*sqrt(1 - momentum_j^2)\n";
    }
}
