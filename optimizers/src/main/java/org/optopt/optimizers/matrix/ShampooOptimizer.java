package org.optopt.optimizers.matrix;

import static org.optopt.api.kernel.Expr.scalar;

import java.util.Map;
import org.optopt.api.backend.Backend;
import org.optopt.api.backend.CompiledKernel;
import org.optopt.api.backend.KernelArgs;
import org.optopt.api.kernel.Expr;
import org.optopt.api.kernel.Kernel;
import org.optopt.api.optim.Parameter;
import org.optopt.api.optim.ParameterGroup;
import org.optopt.api.optim.ParameterSet;
import org.optopt.api.tensor.Shape;
import org.optopt.api.tensor.Tensor;
import org.optopt.optimizers.OptimizerDefinition;
import org.optopt.optimizers.Rules;
import org.optopt.theory.SymmetricFunction;
import org.optopt.optimizers.SlotOptimizer;

/**
 * Runs {@link Shampoo} with backend primitives: gemm for the factor statistics and the two-sided
 * preconditioning, small fused kernels for the elementwise parts, and the inverse roots on the
 * host ({@link SymmetricFunction}, EJML). State per parameter: {@code L}, {@code R}, {@code L_root},
 * {@code R_root}, {@code buf}, and {@code A} with Adagrad grafting.
 */
public final class ShampooOptimizer extends SlotOptimizer {
    /** Sides longer than this are not preconditioned. */
    public static final int MAX_SIDE = 1024;
    /** Relative size (per row) of the float32 rounding of the statistics. */
    private static final double ROUNDING = 1e-6;

    private static final Kernel DECAYED = Kernel.builder("shampoo_gradient")
            .store("G", Rules.coupledDecay())
            .build();
    private static final Kernel ADAGRAD_GRAFT = Kernel.builder("shampoo_adagrad_graft")
            .store("A", Expr.buffer("A").plus(Expr.buffer("G").times(Expr.buffer("G"))))
            .sum("norm2", Expr.buffer("G").div(Expr.buffer("A").sqrt().plus(scalar("eps"))).square())
            .build();
    private static final Kernel APPLY = Kernel.builder("shampoo_apply")
            .store("buf", scalar("momentum").times(Expr.buffer("buf")).plus(scalar("scale").times(Expr.buffer("P"))))
            .store("p", Rules.p().minus(scalar("lr").times(Expr.buffer("buf"))))
            .build();

    private final String grafting;
    private final CompiledKernel decayed;
    private final CompiledKernel adagradGraft;
    private final CompiledKernel apply;

    /** One parameter's state, workspace and bound kernel arguments. */
    private final class ShampooSlot extends Slot {
        final Tensor matrixG;
        final Tensor leftStats;
        final Tensor rightStats;
        final Tensor leftRoot;
        final Tensor rightRoot;
        final Tensor left;
        final Tensor preconditioned;
        final KernelArgs decayArgs;
        final KernelArgs graftArgs;
        final KernelArgs applyArgs;

        ShampooSlot(Parameter p) {
            Shape shape = p.value().shape();
            int rows = shape.rank() == 0 ? 1 : shape.rank() == 1 ? 1 : shape.dim(0);
            int cols = shape.size() / Math.max(rows, 1);
            Shape matrix = Shape.matrix(rows, cols);
            Tensor g = work(backend.zeros(shape));
            matrixG = work(backend.reshape(g, matrix));
            leftStats = state("L", backend.zeros(Shape.matrix(rows, rows)));
            rightStats = state("R", backend.zeros(Shape.matrix(cols, cols)));
            leftRoot = state("L_root", identity(rows));
            rightRoot = state("R_root", identity(cols));
            Tensor buf = state("buf", backend.zeros(shape));
            left = work(backend.zeros(matrix));
            Tensor pre = work(backend.zeros(shape));
            preconditioned = work(backend.reshape(pre, matrix));
            decayArgs = decayed.args().buffer("G", g).buffer("g", p.gradient()).buffer("p", p.value());
            graftArgs = adagradGraft.args().buffer("G", g);
            if (grafting.equals("adagrad")) {
                graftArgs.buffer("A", state("A", backend.zeros(shape)));
            }
            applyArgs = apply.args().buffer("buf", buf).buffer("P", pre).buffer("p", p.value());
        }

        /** Whether the inverse roots are recomputed this step: every {@code every} steps from the first. */
        boolean rootsDue(long every) {
            return step % every == 0;
        }
    }

    ShampooOptimizer(Shampoo definition, Backend backend, ParameterSet parameters, OptimizerDefinition.Config config) {
        super(definition, backend, parameters, config);
        this.grafting = config.choices().get("grafting");
        this.decayed = backend.compile(DECAYED);
        this.adagradGraft = backend.compile(ADAGRAD_GRAFT);
        this.apply = backend.compile(APPLY);
        for (Parameter p : parameters.parameters()) {
            addSlot(p, new ShampooSlot(p));
        }
    }

    @Override
    protected void update(ParameterGroup group, Map<String, Double> hyper) {
        for (Parameter p : group.parameters()) {
            ShampooSlot s = (ShampooSlot) slot(p.name());
            Tensor g = s.matrixG;
            s.decayArgs.scalar("weight_decay", hyper.get("weight_decay"));
            decayed.run(s.decayArgs);
            Tensor l = s.leftStats;
            Tensor r = s.rightStats;
            backend.gemmInPlace(1f, g, false, g, true, 1f, l);
            backend.gemmInPlace(1f, g, true, g, false, 1f, r);
            long every = Math.round(hyper.get("update_every"));
            if (s.rootsDue(every)) {
                inverseFourthRoot(l, hyper.get("eps"), s.leftRoot, p.name() + "/L");
                inverseFourthRoot(r, hyper.get("eps"), s.rightRoot, p.name() + "/R");
            }
            backend.gemmInPlace(1f, s.leftRoot, false, g, false, 0f, s.left);
            backend.gemmInPlace(1f, s.left, false, s.rightRoot, false, 0f, s.preconditioned);
            double scale = 1;
            if (!grafting.equals("none")) {
                double target = grafting.equals("sgd") ? backend.norm2(g)
                        : Math.sqrt(adagradGraft.run(s.graftArgs.scalar("eps", hyper.get("eps"))).get(0));
                double norm = backend.norm2(s.preconditioned);
                scale = norm > 0 ? target / norm : 0;
            }
            apply.run(s.applyArgs.scalar("momentum", hyper.get("momentum")).scalar("scale", scale)
                    .scalar("lr", hyper.get("lr")));
            advance(s);
        }
    }

    /**
     * {@code root = (S + eps*I)^(-1/4)} of a statistic {@code S = sum G G^T}, via the host
     * eigen-decomposition of S in double. S is positive semi-definite, but its float32 sum can have
     * eigenvalues slightly below 0: those within {@value #ROUNDING} of its largest count as 0;
     * a more negative one fails. Sides above {@link #MAX_SIDE} keep the identity.
     */
    private static void inverseFourthRoot(Tensor statistic, double eps, Tensor root, String what) {
        int n = statistic.shape().dim(0);
        if (n > MAX_SIDE) {
            return;
        }
        float[] f = statistic.toArray();
        double[][] a = new double[n][n];
        double largest = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                a[i][j] = 0.5 * ((double) f[i * n + j] + f[j * n + i]);
            }
            largest = Math.max(largest, Math.abs(a[i][i]));
        }
        double bound = ROUNDING * largest * n;
        double[][] r = SymmetricFunction.apply(a, lambda -> {
            if (lambda < -bound) {
                throw new IllegalStateException("Shampoo statistic " + what + " has eigenvalue " + lambda
                        + ", beyond float rounding of a positive semi-definite sum");
            }
            return Math.pow(Math.max(lambda, 0) + eps, -0.25);
        });
        float[] out = new float[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                out[i * n + j] = (float) r[i][j];
            }
        }
        root.copyFrom(out);
    }
}
