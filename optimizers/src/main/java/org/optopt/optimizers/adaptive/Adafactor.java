package org.optopt.optimizers.adaptive;

import static org.optopt.api.kernel.Expr.buffer;
import static org.optopt.api.kernel.Expr.scalar;
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
import org.optopt.api.optim.Domain;
import org.optopt.api.optim.Hyperparameter;
import org.optopt.api.optim.Parameter;
import org.optopt.api.optim.ParameterGroup;
import org.optopt.api.optim.ParameterSet;
import org.optopt.api.tensor.Shape;
import org.optopt.api.tensor.Tensor;
import org.optopt.optimizers.ElementwiseRule;
import org.optopt.optimizers.Hyperparameters;
import org.optopt.optimizers.OptimizerDefinition;
import org.optopt.optimizers.SlotOptimizer;

/**
 * Adafactor (Shazeer and Stern 2018, "Adafactor: Adaptive Learning Rates with Sublinear Memory
 * Cost") as torch.optim.Adafactor states and implements it, with its defaults. At step t:
 * <pre>
 * w     = t^beta2_decay                       (= 1 - beta2_t)
 * rho   = min(lr, 1/sqrt(t)) ;  alpha = max(eps2, RMS(p))*rho       (RMS of p before the decay)
 * p     = p*(1 - lr*weight_decay)
 * rank &gt;= 2, factored over the last two dimensions (m rows, n columns; leading ones batch):
 *   R = R + w*(mean_j g^2 - R)   (shape [..., m, 1])    C = C + w*(mean_i g^2 - C)   (shape [..., 1, n])
 *   V = R C / max(mean_i R, eps1)
 * rank &lt; 2:  V = V + w*(g^2 - V)
 * U     = g/sqrt(max(V, eps1^2))
 * p     = p - alpha/max(1, RMS(U)/d) * U
 * </pre>
 * Defaults as torch: lr 0.01, beta2_decay -0.8, eps1 = float32's machine epsilon (torch's
 * {@code eps=(None, 1e-3)}), eps2 1e-3, d 1, weight_decay 0. The row and column statistics (m + n
 * numbers per matrix) are computed on the host from a copy of the gradient; the norms and the
 * update are fused kernels. Not a tower level: the update clipping and alpha are reductions over
 * the tensor.
 */
public final class Adafactor extends OptimizerDefinition {
    private static final Expr U = g().div(buffer("var").max(scalar("eps1").square()).sqrt());
    private static final Kernel VECTOR_MOMENT = Kernel.builder("adafactor_variance")
            .store("var", buffer("var").plus(scalar("t").pow(scalar("beta2_decay")).times(g().square().minus(buffer("var")))))
            .sum("p2", p().square())
            .sum("u2", U.square())
            .build();
    private static final Kernel NORMS = Kernel.builder("adafactor_norms")
            .sum("p2", p().square())
            .sum("u2", U.square())
            .build();
    private static final Kernel APPLY = Kernel.builder("adafactor_apply")
            .store("p", p().times(Expr.one().minus(scalar("lr").times(scalar("weight_decay")))).minus(scalar("step").times(U)))
            .build();

    /** Creates the provider. */
    public Adafactor() {
        super("adafactor", "Adafactor: factored second moments, relative step size, update clipping "
                        + "(Shazeer and Stern 2018; torch.optim.Adafactor)",
                List.of(Hyperparameters.lr(1e-2),
                        new Hyperparameter("beta2_decay", -0.8, Domain.atMost(0), "1 - beta2_t = t^beta2_decay"),
                        new Hyperparameter("eps1", Math.ulp(1f), Domain.atLeast(0),
                                "floor of sqrt(V) and of the row mean (float32 epsilon, torch's None)"),
                        new Hyperparameter("eps2", 1e-3, Domain.atLeast(0), "floor of RMS(p) in the step size"),
                        new Hyperparameter("d", 1, Domain.atLeast(1), "update clipping threshold on RMS(U)"),
                        Hyperparameters.weightDecay(0, "decoupled decay: p *= 1 - lr*weight_decay")),
                List.of());
    }

    @Override
    public String updateRule(Map<String, String> choices) {
        resolveChoices(choices);
        return "adafactor (torch.optim.Adafactor)\n"
                + "  w = t^beta2_decay ;  alpha = max(eps2, RMS(p))*min(lr, 1/sqrt(t)) ;  p = p*(1 - lr*weight_decay)\n"
                + "  rank >= 2 (m x n over the last two dimensions):\n"
                + "    R = R + w*(mean over columns of g*g - R) ;  C = C + w*(mean over rows of g*g - C)\n"
                + "    V = R*C/max(mean over rows of R, eps1)\n"
                + "  rank < 2: V = V + w*(g*g - V)\n"
                + "  U = g/sqrt(max(V, eps1^2)) ;  p = p - alpha/max(1, RMS(U)/d)*U\n";
    }

    @Override
    public SlotOptimizer create(Backend backend, ParameterSet parameters, Map<String, ?> config) {
        return new Run(this, backend, parameters, resolve(config));
    }

    /**
     * Runs Adafactor. State: {@code row_var} and {@code col_var} for tensors of rank 2 or more,
     * {@code variance} otherwise, and the step count {@code t}.
     */
    private static final class Run extends SlotOptimizer {
        private final CompiledKernel vectorMoment;
        private final CompiledKernel norms;
        private final CompiledKernel apply;

        private abstract class AdafactorSlot extends Slot {
            KernelArgs normArgs;
            KernelArgs applyArgs;
            final int size;

            AdafactorSlot(Parameter p) {
                size = p.value().shape().size();
            }

            /** Updates the second-moment statistics and returns the squared norms of p and U. */
            abstract Reductions moments(Map<String, Double> values);
        }

        private final class VectorSlot extends AdafactorSlot {
            VectorSlot(Parameter p) {
                super(p);
                Tensor var = state("variance", backend.zeros(p.value().shape()));
                normArgs = vectorMoment.args().buffer("p", p.value()).buffer("g", p.gradient()).buffer("var", var);
                applyArgs = apply.args().buffer("p", p.value()).buffer("g", p.gradient()).buffer("var", var);
            }

            @Override
            Reductions moments(Map<String, Double> values) {
                return vectorMoment.run(bind(normArgs, values));
            }
        }

        private final class FactoredSlot extends AdafactorSlot {
            final Parameter parameter;
            final int rows;
            final int cols;
            final Tensor var;

            FactoredSlot(Parameter p) {
                super(p);
                parameter = p;
                int[] dims = p.value().shape().dims();
                rows = dims[dims.length - 2];
                cols = dims[dims.length - 1];
                int[] rowDims = dims.clone();
                rowDims[dims.length - 1] = 1;
                int[] colDims = dims.clone();
                colDims[dims.length - 2] = 1;
                state("row_var", backend.zeros(Shape.of(rowDims)));
                state("col_var", backend.zeros(Shape.of(colDims)));
                var = work(backend.zeros(p.value().shape()));
                normArgs = norms.args().buffer("p", p.value()).buffer("g", p.gradient()).buffer("var", var);
                applyArgs = apply.args().buffer("p", p.value()).buffer("g", p.gradient()).buffer("var", var);
            }

            @Override
            Reductions moments(Map<String, Double> values) {
                float w = (float) Math.pow(values.get(ElementwiseRule.STEP), values.get("beta2_decay"));
                float eps1 = values.get("eps1").floatValue();
                float[] g = parameter.gradient().toArray();
                float[] r = state.get("row_var").toArray();
                float[] c = state.get("col_var").toArray();
                float[] v = new float[g.length];
                int batches = size == 0 ? 0 : size / (rows * cols);
                for (int b = 0; b < batches; b++) {
                    int base = b * rows * cols;
                    double rowSum = 0;
                    for (int i = 0; i < rows; i++) {
                        int k = b * rows + i;
                        r[k] = r[k] + w * ((float) meanSquare(g, base + i * cols, cols, 1) - r[k]);
                        rowSum += r[k];
                    }
                    for (int j = 0; j < cols; j++) {
                        int k = b * cols + j;
                        c[k] = c[k] + w * ((float) meanSquare(g, base + j, rows, cols) - c[k]);
                    }
                    float denominator = Math.max((float) (rowSum / rows), eps1);
                    for (int i = 0; i < rows; i++) {
                        for (int j = 0; j < cols; j++) {
                            v[base + i * cols + j] = r[b * rows + i] * c[b * cols + j] / denominator;
                        }
                    }
                }
                state.get("row_var").copyFrom(r);
                state.get("col_var").copyFrom(c);
                var.copyFrom(v);
                return norms.run(bind(normArgs, values));
            }
        }

        Run(Adafactor definition, Backend backend, ParameterSet parameters, OptimizerDefinition.Config config) {
            super(definition, backend, parameters, config);
            vectorMoment = backend.compile(VECTOR_MOMENT);
            norms = backend.compile(NORMS);
            apply = backend.compile(APPLY);
            parameters.parameters().forEach(p -> addSlot(p,
                    p.value().shape().rank() >= 2 ? new FactoredSlot(p) : new VectorSlot(p)));
        }

        @Override
        protected void update(ParameterGroup group, Map<String, Double> hyper) {
            for (Parameter p : group.parameters()) {
                AdafactorSlot s = (AdafactorSlot) slot(p.name());
                Map<String, Double> values = withStep(hyper, s);
                Reductions r = s.moments(values);
                double t = values.get(ElementwiseRule.STEP);
                double n = Math.max(1, s.size);
                double alpha = Math.max(hyper.get("eps2"), Math.sqrt(r.get("p2") / n)) * Math.min(hyper.get("lr"), 1 / Math.sqrt(t));
                values.put("step", alpha / Math.max(1, Math.sqrt(r.get("u2") / n) / hyper.get("d")));
                apply.run(bind(s.applyArgs, values));
                advance(s);
            }
        }

        /** The mean of {@code x^2} over the {@code count} entries of {@code g} from {@code start} {@code stride} apart. */
        private static double meanSquare(float[] g, int start, int count, int stride) {
            double sum = 0;
            for (int k = 0; k < count; k++) {
                float x = g[start + k * stride];
                sum += x * x;
            }
            return sum / count;
        }
    }
}
