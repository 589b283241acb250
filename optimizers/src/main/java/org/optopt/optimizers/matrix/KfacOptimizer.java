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
import org.optopt.optimizers.SlotOptimizer;
import org.optopt.theory.KroneckerMetric;
import org.optopt.theory.SecondMoment;
import org.optopt.theory.StepSize;

/**
 * Runs {@link Kfac}: the factor statistics are backend gemms, the design's inverse factors come
 * from {@link KroneckerMetric#fromGradientStatistics} on the host in double (EJML), the
 * preconditioning is two backend gemms, and g^T P^-1 g a fused reduction. State per parameter:
 * {@code L} and {@code L_inv} (if rows &lt;= max_side), {@code R} and {@code R_inv} (if cols &lt;=
 * max_side), {@code buf}; scalars {@code t}, {@code sq} (the average |G|^2) and {@code gpg} (the
 * average g^T P^-1 g).
 */
public final class KfacOptimizer extends SlotOptimizer {
    /** The default longest side that gets a factor. */
    public static final int DEFAULT_MAX_SIDE = 1024;
    /**
     * Relative rounding of a float statistic per term of its inner sum: the symmetry and PSD
     * tolerance of a factor summed over n terms is this times n (at most 1e-2).
     */
    private static final double ROUNDING = 1e-6;

    private static final Kernel APPLY = Kernel.builder("kfac_apply")
            .store("buf", scalar("momentum").times(Expr.buffer("buf")).plus(Expr.buffer("U")))
            .store("p", Rules.p().minus(scalar("eta").times(Expr.buffer("buf"))))
            .build();

    private static final Kernel METRIC_NORM = Kernel.builder("kfac_metric_norm")
            .sum("gpg", Expr.buffer("g").times(Expr.buffer("U")))
            .build();

    private final CompiledKernel metricNorm;
    private final CompiledKernel apply;

    /** One parameter's factors, inverses, momentum and bound arguments. */
    private final class KfacSlot extends Slot {
        final int rows;
        final int cols;
        final Tensor matrixG;
        final Tensor leftStats;
        final Tensor rightStats;
        final Tensor leftInverse;
        final Tensor rightInverse;
        final Tensor left;
        final Tensor preconditioned;
        final KernelArgs metricNormArgs;
        final KernelArgs applyArgs;
        double sq;
        double gpg;

        KfacSlot(Parameter p, int maxSide) {
            Shape shape = p.value().shape();
            rows = shape.rank() <= 1 ? 1 : shape.dim(0);
            cols = shape.size() / rows;
            Shape matrix = Shape.matrix(rows, cols);
            matrixG = work(backend.reshape(p.gradient(), matrix));
            boolean l = rows <= maxSide;
            boolean r = cols <= maxSide;
            leftStats = l ? state("L", backend.zeros(Shape.matrix(rows, rows))) : null;
            leftInverse = l ? state("L_inv", identity(rows)) : null;
            rightStats = r ? state("R", backend.zeros(Shape.matrix(cols, cols))) : null;
            rightInverse = r ? state("R_inv", identity(cols)) : null;
            Tensor buf = state("buf", backend.zeros(shape));
            left = l && r ? work(backend.zeros(matrix)) : null;
            Tensor u = l || r ? work(backend.zeros(shape)) : null;
            preconditioned = u == null ? null : work(backend.reshape(u, matrix));
            Tensor direction = u == null ? p.gradient() : u;
            // Without factors U = G, and <G, U> = |G|^2 (a kernel may not bind one tensor twice).
            metricNormArgs = u == null ? null : metricNorm.args().buffer("g", p.gradient()).buffer("U", u);
            applyArgs = apply.args().buffer("buf", buf).buffer("U", direction).buffer("p", p.value());
        }

        /** The bias correction 1 - beta^t of this step's averages. */
        double correction(double beta) {
            return 1 - Math.pow(beta, step + 1);
        }

        /** Whether the design is due: every {@code every} steps from the first. */
        boolean designDue(long every) {
            return step % every == 0;
        }

        @Override
        protected Map<String, Double> scalars() {
            Map<String, Double> out = super.scalars();
            out.put("sq", sq);
            out.put("gpg", gpg);
            return out;
        }

        @Override
        protected void restore(Map<String, Double> scalars) {
            super.restore(scalars);
            sq = scalars.get("sq");
            gpg = scalars.get("gpg");
        }
    }

    KfacOptimizer(Kfac definition, Backend backend, ParameterSet parameters, OptimizerDefinition.Config config) {
        super(definition, backend, parameters, config);
        this.metricNorm = backend.compile(METRIC_NORM);
        this.apply = backend.compile(APPLY);
        for (ParameterGroup g : parameters.groups()) {
            int maxSide = (int) Math.min(Integer.MAX_VALUE, Math.round(groupValues(g.name()).get("max_side")));
            for (Parameter p : g.parameters()) {
                addSlot(p, new KfacSlot(p, maxSide));
            }
        }
    }

    @Override
    protected void update(ParameterGroup group, Map<String, Double> hyper) {
        double beta = hyper.get("beta");
        long every = Math.round(hyper.get("update_every"));
        for (Parameter p : group.parameters()) {
            KfacSlot s = (KfacSlot) slot(p.name());
            Tensor g = s.matrixG;
            if (s.leftStats != null) {
                backend.gemmInPlace((float) (1 - beta), g, false, g, true, (float) beta, s.leftStats);
            }
            if (s.rightStats != null) {
                backend.gemmInPlace((float) (1 - beta), g, true, g, false, (float) beta, s.rightStats);
            }
            double norm = backend.norm2(g);
            s.sq = beta * s.sq + (1 - beta) * norm * norm;
            double correction = s.correction(beta);
            if (s.designDue(every) && s.sq > 0) {
                redesign(s, p.name(), correction, hyper.get("damping"));
            }
            if (s.leftInverse != null && s.rightInverse != null) {
                backend.gemmInPlace(1f, s.leftInverse, false, g, false, 0f, s.left);
                backend.gemmInPlace(1f, s.left, false, s.rightInverse, false, 0f, s.preconditioned);
            } else if (s.leftInverse != null) {
                backend.gemmInPlace(1f, s.leftInverse, false, g, false, 0f, s.preconditioned);
            } else if (s.rightInverse != null) {
                backend.gemmInPlace(1f, g, false, s.rightInverse, false, 0f, s.preconditioned);
            }
            double gu = s.metricNormArgs == null ? norm * norm : metricNorm.run(s.metricNormArgs).get(0);
            s.gpg = beta * s.gpg + (1 - beta) * gu;
            double radius = hyper.get("lr") * Math.sqrt((double) s.rows * s.cols);
            double eta = s.gpg > 0 && radius > 0 ? StepSize.fromRadius(radius, s.gpg / correction).eta() : 0;
            apply.run(s.applyArgs.scalar("momentum", hyper.get("momentum")).scalar("eta", eta));
            advance(s);
        }
    }

    /**
     * Solves the K-FAC design from the bias-corrected statistics (divided by {@code correction}) and
     * installs its inverse factors (the direction; the length comes from the measured
     * E[g^T P^-1 g]). A side without a factor keeps the identity, which is what the design's
     * normalized damped factor of a 1 x 1 statistic is.
     */
    private static void redesign(KfacSlot s, String name, double correction, double damping) {
        SecondMoment l = statistic(s.leftStats, s.sq, correction, s.cols, name + " factor L");
        SecondMoment r = statistic(s.rightStats, s.sq, correction, s.rows, name + " factor R");
        KroneckerMetric.Factored f = KroneckerMetric.fromGradientStatistics(1, l, r, damping);
        if (s.leftInverse != null) {
            s.leftInverse.copyFrom(toFloats(s.rows, f::leftInverse));
        }
        if (s.rightInverse != null) {
            s.rightInverse.copyFrom(toFloats(s.cols, f::rightInverse));
        }
    }

    /** A factor statistic in double, or the 1 x 1 statistic |G|^2 for a side without a factor. */
    private static SecondMoment statistic(Tensor stats, double sq, double correction, int inner, String what) {
        if (stats == null) {
            return SecondMoment.of(what, new double[][] {{sq / correction}});
        }
        int n = stats.shape().dim(0);
        float[] f = stats.toArray();
        double[][] a = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                a[i][j] = f[i * n + j] / correction;
            }
        }
        return SecondMoment.of(what, a, Math.min(1e-2, ROUNDING * inner));
    }

    /** The n x n matrix with entries {@code entry(i, j)}, row-major, in float. */
    private static float[] toFloats(int n, java.util.function.BiFunction<Integer, Integer, Double> entry) {
        float[] out = new float[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                out[i * n + j] = entry.apply(i, j).floatValue();
            }
        }
        return out;
    }
}
