package org.optopt.optimizers.trainable;

import static org.optopt.api.kernel.Expr.scalar;
import static org.optopt.optimizers.Rules.g;
import static org.optopt.optimizers.Rules.p;

import java.util.LinkedHashMap;
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
import org.optopt.api.tensor.Shape;
import org.optopt.api.tensor.Tensor;
import org.optopt.optimizers.OptimizerDefinition;
import org.optopt.optimizers.SlotOptimizer;
import org.optopt.optimizers.Uniform;

/**
 * Runs {@link FullTo}: the matrix-vector products and the rank-one update of A through the
 * backend's gemm, the rest in two small fused kernels. Per tensor and step: {@code Aw = A w}
 * (gemm), the residual {@code r = Aw + b - g} with its norm and ||w||^2 (one kernel; a non-finite
 * residual fails the step before anything changes), {@code A -= gamma_a_t r w^T} (gemm),
 * {@code Aw = A w} (gemm), then {@code b -= gamma_b_t r; w -= lr (Aw + b)} (one kernel).
 * State per parameter: {@code A} (d x d) and {@code b}.
 */
public final class FullToOptimizer extends SlotOptimizer {
    private static final Kernel RESIDUAL = Kernel.builder("to_full_residual")
            .store("r", Expr.buffer("Aw").plus(Expr.buffer("b")).minus(g()))
            .sum(Estimators.RESIDUAL_NORM, Expr.buffer("r").square())
            .sum(Estimators.B_NORM, Expr.buffer("b").square())
            .sum(Estimators.W_SQUARED, p().square())
            .build();
    private static final Kernel APPLY = Kernel.builder("to_full_apply")
            .store("b", Expr.buffer("b").minus(scalar("gamma_b_t").times(Expr.buffer("r"))))
            .store("p", p().minus(scalar("lr").times(Expr.buffer("Aw").plus(Expr.buffer("b")))))
            .build();

    private final boolean normalized;
    private final CompiledKernel residual;
    private final CompiledKernel apply;

    /** One parameter's state, workspace and bound kernel arguments. */
    private final class FullSlot extends Slot {
        final Tensor matrix;
        final Tensor bias;
        final Tensor column;
        final Tensor product;
        final Tensor residualColumn;
        final KernelArgs residualArgs;
        final KernelArgs applyArgs;
        Reductions last;

        FullSlot(Parameter p) {
            int d = p.value().shape().size();
            matrix = state("A", backend.zeros(Shape.matrix(d, d)));
            bias = state("b", backend.zeros(p.value().shape()));
            column = work(backend.reshape(p.value(), Shape.matrix(d, 1)));
            Tensor aw = work(backend.zeros(p.value().shape()));
            product = work(backend.reshape(aw, Shape.matrix(d, 1)));
            Tensor r = work(backend.zeros(p.value().shape()));
            residualColumn = work(backend.reshape(r, Shape.matrix(d, 1)));
            residualArgs = residual.args().buffer("r", r).buffer("Aw", aw).buffer("b", bias)
                    .buffer("g", p.gradient()).buffer("p", p.value());
            applyArgs = apply.args().buffer("b", bias).buffer("r", r).buffer("p", p.value()).buffer("Aw", aw);
        }
    }

    FullToOptimizer(FullTo definition, Backend backend, ParameterSet parameters, OptimizerDefinition.Config config) {
        super(definition, backend, parameters, config);
        this.normalized = Estimators.normalized(config.choices());
        this.residual = backend.compile(RESIDUAL);
        this.apply = backend.compile(APPLY);
        for (ParameterGroup g : parameters.groups()) {
            long limit = Math.round(groupValues(g.name()).get("max_elements"));
            for (Parameter p : g.parameters()) {
                int d = p.value().shape().size();
                if (d > limit) {
                    throw new IllegalArgumentException("to-full keeps a d x d matrix per tensor: parameter " + p.name()
                            + " has " + d + " elements, above max_elements = " + limit
                            + " (use to-diag or to-rank1, or raise max_elements)");
                }
            }
        }
        for (Parameter p : parameters.parameters()) {
            addSlot(p, new FullSlot(p));
        }
    }

    @Override
    protected String prepare(ParameterGroup group) {
        for (Parameter p : group.parameters()) {
            FullSlot s = (FullSlot) slot(p.name());
            backend.gemmInPlace(1f, s.matrix, false, s.column, false, 0f, s.product);
            s.last = residual.run(s.residualArgs);
            double norm = s.last.get(Estimators.RESIDUAL_NORM);
            if (!Double.isFinite(norm)) {
                return "Residual of parameter " + p.name() + " is non-finite (||r||^2 = " + norm + ")";
            }
        }
        return null;
    }

    @Override
    protected void update(ParameterGroup group, Map<String, Double> hyper) {
        for (Parameter p : group.parameters()) {
            FullSlot s = (FullSlot) slot(p.name());
            Map<String, Double> env = withStep(hyper, s);
            env.put(Estimators.W_SQUARED, s.last.get(Estimators.W_SQUARED));
            double gammaA = Uniform.evaluate(Estimators.stepSize("gamma_a", normalized), env);
            double gammaB = Uniform.evaluate(Estimators.stepSize("gamma_b", normalized), env);
            backend.gemmInPlace((float) -gammaA, s.residualColumn, false, s.column, true, 1f, s.matrix);
            backend.gemmInPlace(1f, s.matrix, false, s.column, false, 0f, s.product);
            apply.run(s.applyArgs.scalar("gamma_b_t", gammaB).scalar("lr", hyper.get("lr")));
            advance(s);
        }
    }

    /** The first group's hyperparameters and the estimator's health over all parameters: ||r||, ||A||, ||b||. */
    @Override
    public Map<String, Double> trace() {
        Map<String, Double> out = super.trace();
        double r = 0;
        double a = 0;
        double b = 0;
        for (Parameter p : parameters().parameters()) {
            FullSlot s = (FullSlot) slot(p.name());
            r += s.last == null ? Double.NaN : s.last.get(Estimators.RESIDUAL_NORM);
            a += backend.dot(s.matrix, s.matrix);
            b += backend.dot(s.bias, s.bias);
        }
        out.put(Estimators.RESIDUAL_NORM, Math.sqrt(r));
        out.put("A_norm", Math.sqrt(a));
        out.put(Estimators.B_NORM, Math.sqrt(b));
        return out;
    }
}
