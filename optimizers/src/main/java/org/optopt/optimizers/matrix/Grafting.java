package org.optopt.optimizers.matrix;

import static org.optopt.api.kernel.Expr.buffer;
import static org.optopt.api.kernel.Expr.scalar;

import java.util.List;
import org.optopt.api.backend.Backend;
import org.optopt.api.backend.CompiledKernel;
import org.optopt.api.backend.KernelArgs;
import org.optopt.api.kernel.Kernel;
import org.optopt.api.tensor.Tensor;

/**
 * Grafting (Agarwal et al. 2020) of a {@link MatrixOptimizer}: the step takes its direction from
 * the preconditioner and its norm, per parameter, from a simpler optimizer's step:
 * {@code graft = |S|/|P|} (0 if {@code |P| = 0}), which the elementwise tail multiplies into P.
 * <pre>
 * none:    graft = 1
 * sgd:     S = G
 * adagrad: A = A + G*G (A starts at 0);  S = G/(sqrt(A) + eps)
 * </pre>
 */
final class Grafting {
    /** The option's values. */
    static final List<String> KINDS = List.of("none", "sgd", "adagrad");

    private static final Kernel ADAGRAD = Kernel.builder("adagrad_graft")
            .store("A", buffer("A").plus(buffer("G").times(buffer("G"))))
            .sum("norm2", buffer("G").div(buffer("A").sqrt().plus(scalar("eps"))).square())
            .build();

    private final String kind;
    private final Backend backend;
    private final CompiledKernel adagrad;

    /** Grafting of kind {@code kind}, one of {@link #KINDS}. */
    Grafting(String kind, Backend backend) {
        this.kind = kind;
        this.backend = backend;
        this.adagrad = kind.equals("adagrad") ? backend.compile(ADAGRAD) : null;
    }

    /** The kernel arguments of one parameter with gradient {@code g}, allocating its state; null if there are none. */
    KernelArgs bind(Tensor g, Preconditioner.Tensors tensors) {
        return adagrad == null ? null
                : adagrad.args().buffer("G", g).buffer("A", tensors.state("A", backend.zeros(g.shape())));
    }

    /** {@code graft} for gradient {@code g} and direction {@code p}. */
    double scale(Tensor g, Tensor p, KernelArgs args, double eps) {
        if (kind.equals("none")) {
            return 1;
        }
        double target = adagrad == null ? backend.norm2(g) : Math.sqrt(adagrad.run(args.scalar("eps", eps)).get(0));
        double norm = backend.norm2(p);
        return norm > 0 ? target / norm : 0;
    }
}
