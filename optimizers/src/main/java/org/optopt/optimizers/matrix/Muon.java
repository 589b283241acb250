package org.optopt.optimizers.matrix;

import java.util.List;
import java.util.Map;
import org.optopt.api.backend.Backend;
import org.optopt.api.optim.Capabilities;
import org.optopt.api.optim.Choice;
import org.optopt.api.optim.Domain;
import org.optopt.api.optim.Hyperparameter;
import org.optopt.api.optim.ParameterSet;
import org.optopt.optimizers.Hyperparameters;
import org.optopt.optimizers.OptimizerDefinition;

/**
 * Muon (Keller Jordan et al. 2024, the reference {@code muon.py} of KellerJordan/Muon, which
 * torch.optim.Muon follows): momentum orthogonalized by a Newton-Schulz iteration, in float32.
 * A parameter of rank 2 or more is viewed as a matrix of {@code rows = dim0} by the rest:
 * <pre>
 * buf = buf + (1 - momentum)*(g - buf)                       (buf starts at 0)
 * u   = g + momentum*(buf - g)   if nesterov, else   u = buf
 * X   = u, transposed when rows &gt; cols ;  X = X/(||X||_F + 1e-7)
 * ns_steps times:  A = X X^T ;  B = b*A + c*A A ;  X = a*X + B X
 *                  (a, b, c) = (3.4445, -4.7750, 2.0315)
 * X   = X transposed back, times sqrt(max(1, rows/cols))
 * p   = p*(1 - lr*weight_decay) - lr*X
 * </pre>
 * Parameters of rank 0 or 1 (biases, gains) are trained by AdamW (the {@code adamw} kernel) with
 * {@code adam_lr}, {@code adam_beta1}, {@code adam_beta2}, {@code adam_eps} and the same
 * {@code weight_decay}, as in the reference's {@code MuonWithAuxAdam}.
 *
 * <p>The matrix products run through the backend's gemm; the momentum, the scaling and the update
 * are fused kernels. Muon is not a tower level: its update is not one elementwise kernel, so the
 * symbolic derivative of the kernel language does not reach through the Newton-Schulz products.
 */
public final class Muon extends OptimizerDefinition {
    /** The Newton-Schulz coefficients (a, b, c) of the reference. */
    static final float NS_A = 3.4445f;
    static final float NS_B = -4.7750f;
    static final float NS_C = 2.0315f;
    /** Added to the Frobenius norm before the normalization. */
    static final double NORM_EPS = 1e-7;

    /** Creates the provider. */
    public Muon() {
        super("muon", "Muon: Newton-Schulz orthogonalized momentum for matrices, AdamW for rank < 2 (Jordan et al. 2024)",
                List.of(Hyperparameters.lr(0.02),
                        new Hyperparameter("momentum", 0.95, Domain.closedOpen(0, 1), "momentum of the matrix update"),
                        new Hyperparameter("ns_steps", 5, Domain.integerAtLeast(0), "Newton-Schulz iterations"),
                        Hyperparameters.weightDecay(0, "decoupled decay: p *= 1 - lr*weight_decay (adam_lr for rank < 2)"),
                        new Hyperparameter("adam_lr", 3e-4, Domain.atLeast(0), "AdamW learning rate for tensors of rank < 2"),
                        new Hyperparameter("adam_beta1", 0.9, Domain.closedOpen(0, 1), "AdamW beta1 for tensors of rank < 2"),
                        new Hyperparameter("adam_beta2", 0.95, Domain.closedOpen(0, 1), "AdamW beta2 for tensors of rank < 2"),
                        new Hyperparameter("adam_eps", 1e-10, Domain.greaterThan(0), "AdamW eps for tensors of rank < 2")),
                List.of(Choice.flag("nesterov", true, "orthogonalize g + momentum*(buf - g) instead of buf")));
    }

    /** A matrix optimizer (Newton-Schulz orthogonalization); not a tower level. */
    @Override
    public Capabilities capabilities() {
        return Capabilities.matrixOnly();
    }

    @Override
    public String updateRule(Map<String, String> choices) {
        boolean nesterov = Boolean.parseBoolean(resolveChoices(choices).get("nesterov"));
        return "muon(nesterov=" + nesterov + ")\n"
                + "  tensors of rank >= 2, viewed as rows = dim0 x cols = the rest:\n"
                + "  buf = buf + (1 - momentum)*(g - buf)            (buf starts at 0)\n"
                + (nesterov ? "  u = g + momentum*(buf - g)\n" : "  u = buf\n")
                + "  X = u (transposed when rows > cols) ;  X = X/(||X||_F + 1e-7)\n"
                + "  ns_steps times: A = X*X^T ;  B = " + NS_B + "*A + " + NS_C + "*A*A ;  X = " + NS_A + "*X + B*X\n"
                + "  X = X (transposed back)*sqrt(max(1, rows/cols))\n"
                + "  p = p*(1 - lr*weight_decay) - lr*X\n"
                + "  tensors of rank < 2: AdamW (kernel adamw) with lr = adam_lr, beta1 = adam_beta1,\n"
                + "  beta2 = adam_beta2, eps = adam_eps and the same weight_decay\n";
    }

    @Override
    public MuonOptimizer create(Backend backend, ParameterSet parameters, Map<String, ?> config) {
        return new MuonOptimizer(this, backend, parameters, resolve(config));
    }
}
