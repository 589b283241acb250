package org.optopt.optimizers.matrix;

import static org.optopt.api.kernel.Expr.scalar;
import static org.optopt.optimizers.transform.Transforms.decayParameters;
import static org.optopt.optimizers.transform.Transforms.scaleBy;
import static org.optopt.optimizers.transform.Transforms.scaleByLearningRate;

import java.util.LinkedHashMap;
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
import org.optopt.optimizers.ElementwiseRule;
import org.optopt.optimizers.OptimizerDefinition;
import org.optopt.optimizers.Rules;
import org.optopt.optimizers.SlotOptimizer;
import org.optopt.optimizers.adaptive.AdamW;
import org.optopt.optimizers.transform.Chain;

/**
 * Runs {@link Muon}: per matrix parameter a fused momentum kernel (which also sums the squares
 * for the Frobenius norm), a scaling kernel, {@code 3*ns_steps} gemms on workspace matrices of
 * {@code min(rows, cols)} squared and the parameter's size, and a fused update kernel. A tall
 * matrix M (rows &gt; cols) is never transposed in memory: with X = M^T, {@code X X^T = M^T M}
 * and {@code (a X + B X)^T = a M + M B} (B is symmetric). Parameters of rank &lt; 2 run the
 * {@code adamw} kernel. State: {@code buf} per matrix, {@code m} and {@code v} per AdamW
 * parameter, and the step count {@code t} of each.
 */
public final class MuonOptimizer extends SlotOptimizer {
    private static final String NORM2 = "norm2";
    private static final Kernel SCALE = Kernel.builder("muon_scale")
            .store("X", Expr.buffer("X").times(scalar("scale")))
            .build();
    private static final Kernel APPLY = Chain.from("muon_apply", "X", decayParameters(), scaleBy(scalar("scale")),
            scaleByLearningRate("lr")).kernel();
    /** The AdamW kernel's hyperparameters and the Muon hyperparameters bound to them. */
    private static final Map<String, String> ADAM_NAMES = Map.of("lr", "adam_lr", "beta1", "adam_beta1",
            "beta2", "adam_beta2", "eps", "adam_eps", "weight_decay", "weight_decay");

    private final CompiledKernel momentum;
    private final CompiledKernel scale;
    private final CompiledKernel apply;
    private final ElementwiseRule adamRule;
    private final CompiledKernel adam;

    /** One parameter's state and bound arguments. */
    private abstract static class MuonSlot extends Slot {
        /** Applies one step with Muon's hyperparameter values {@code hyper}. */
        abstract void update(Map<String, Double> hyper);
    }

    private final class MatrixSlot extends MuonSlot {
        final boolean tall;
        final double shapeScale;
        final Tensor[] x = new Tensor[2];
        final Tensor[] matrix = new Tensor[2];
        final Tensor gram;
        final Tensor poly;
        final KernelArgs momentumArgs;
        final KernelArgs scaleArgs;
        final KernelArgs applyArgs;

        MatrixSlot(Parameter p) {
            Shape shape = p.value().shape();
            int rows = shape.dim(0);
            int cols = shape.size() / rows;
            tall = rows > cols;
            shapeScale = Math.sqrt(Math.max(1.0, (double) rows / cols));
            int side = Math.min(rows, cols);
            state("buf", backend.zeros(shape));
            for (int i = 0; i < 2; i++) {
                x[i] = work(backend.zeros(shape));
                matrix[i] = work(backend.reshape(x[i], Shape.matrix(rows, cols)));
            }
            gram = work(backend.zeros(Shape.matrix(side, side)));
            poly = work(backend.zeros(Shape.matrix(side, side)));
            momentumArgs = momentum.args().buffer("buf", state.get("buf")).buffer("g", p.gradient()).buffer("X", x[0]);
            scaleArgs = scale.args().buffer("X", x[0]);
            applyArgs = apply.args().buffer("p", p.value());
        }

        @Override
        void update(Map<String, Double> hyper) {
            double norm = Math.sqrt(momentum.run(momentumArgs.scalar("momentum", hyper.get("momentum"))).get(NORM2));
            scale.run(scaleArgs.scalar("scale", 1.0 / (norm + Muon.NORM_EPS)));
            int current = 0;
            long steps = Math.round(hyper.get("ns_steps"));
            for (long k = 0; k < steps; k++) {
                Tensor from = matrix[current];
                Tensor to = matrix[1 - current];
                backend.gemmInPlace(1f, from, tall, from, !tall, 0f, gram);
                backend.copyInPlace(gram, poly);
                backend.gemmInPlace(Muon.NS_C, gram, false, gram, false, Muon.NS_B, poly);
                backend.copyInPlace(from, to);
                if (tall) {
                    backend.gemmInPlace(1f, from, false, poly, false, Muon.NS_A, to);
                } else {
                    backend.gemmInPlace(1f, poly, false, from, false, Muon.NS_A, to);
                }
                current = 1 - current;
            }
            apply.run(applyArgs.buffer("X", x[current]).scalar("lr", hyper.get("lr"))
                    .scalar("weight_decay", hyper.get("weight_decay")).scalar("scale", shapeScale));
        }
    }

    private final class AdamSlot extends MuonSlot {
        final KernelArgs args;

        AdamSlot(Parameter p, Map<String, Double> hyper) {
            args = adam.args().buffer(ElementwiseRule.PARAMETER, p.value()).buffer(ElementwiseRule.GRADIENT, p.gradient());
            for (ElementwiseRule.StateBuffer b : adamRule.stateBuffers()) {
                Tensor t = b.allocate(backend, p.value(), adamValues(hyper));
                args.buffer(b.name(), state(b.name(), t));
            }
        }

        @Override
        void update(Map<String, Double> hyper) {
            adam.run(bind(args, withStep(adamValues(hyper), this)));
        }
    }

    MuonOptimizer(Muon definition, Backend backend, ParameterSet parameters, OptimizerDefinition.Config config) {
        super(definition, backend, parameters, config);
        this.momentum = backend.compile(momentumKernel(Boolean.parseBoolean(config.choices().get("nesterov"))));
        this.scale = backend.compile(SCALE);
        this.apply = backend.compile(APPLY);
        AdamW adamW = new AdamW();
        this.adamRule = adamW.rule(adamW.resolveChoices(Map.of()));
        this.adam = backend.compile(adamRule.kernel());
        for (ParameterGroup g : parameters.groups()) {
            for (Parameter p : g.parameters()) {
                Shape shape = p.value().shape();
                if (shape.size() == 0) {
                    throw new IllegalArgumentException("Muon cannot view parameter " + p.name() + " of shape " + shape
                            + " as a matrix: it has no elements");
                }
                addSlot(p, shape.rank() >= 2 ? new MatrixSlot(p) : new AdamSlot(p, groupValues(g.name())));
            }
        }
    }

    /** {@code buf} and the direction {@code X} to orthogonalize, with the sum of its squares. */
    private static Kernel momentumKernel(boolean nesterov) {
        Expr buf = Expr.buffer("buf");
        Expr g = Rules.g();
        return Kernel.builder("muon_momentum" + (nesterov ? "_nesterov" : ""))
                .store("buf", buf.plus(scalar("momentum").oneMinus().times(g.minus(buf))))
                .store("X", nesterov ? g.plus(scalar("momentum").times(buf.minus(g))) : buf)
                .sum(NORM2, Expr.buffer("X").square())
                .build();
    }

    /** The AdamW kernel's hyperparameter values taken from Muon's. */
    private static Map<String, Double> adamValues(Map<String, Double> hyper) {
        Map<String, Double> out = new LinkedHashMap<>();
        ADAM_NAMES.forEach((adamName, muonName) -> out.put(adamName, hyper.get(muonName)));
        return out;
    }

    /** Whether parameter {@code parameter} is orthogonalized (rank &gt;= 2) rather than trained by AdamW. */
    public boolean orthogonalizes(String parameter) {
        return slot(parameter) instanceof MatrixSlot;
    }

    @Override
    protected void update(ParameterGroup group, Map<String, Double> hyper) {
        for (Parameter p : group.parameters()) {
            MuonSlot s = (MuonSlot) slot(p.name());
            s.update(hyper);
            advance(s);
        }
    }
}
