package org.optopt.optimizers.matrix;

import java.util.LinkedHashMap;
import java.util.Map;
import org.optopt.api.backend.Backend;
import org.optopt.api.backend.CompiledKernel;
import org.optopt.api.backend.KernelArgs;
import org.optopt.api.optim.Parameter;
import org.optopt.api.optim.ParameterGroup;
import org.optopt.api.optim.ParameterSet;
import org.optopt.api.tensor.Shape;
import org.optopt.api.tensor.Tensor;
import org.optopt.optimizers.ElementwiseRule;
import org.optopt.optimizers.OptimizerDefinition;
import org.optopt.optimizers.SlotOptimizer;
import org.optopt.optimizers.transform.Chain;

/**
 * A matrix optimizer composed of three parts, run per parameter (viewed as a matrix of
 * {@code dim0 x rest}; a vector as {@code 1 x n}):
 * <pre>
 * G = head(g, p)                      an elementwise {@link Chain#into} stage (e.g. weight decay)
 * P = preconditioner(G)               the {@link Preconditioner}, with backend matrix products
 * graft = |S|/|P|                     {@link Grafting} (1 without)
 * p = tail(P, graft)                  an elementwise {@link Chain#from} stage reading P and the
 *                                     scalar graft (e.g. graft scale, momentum, step size)
 * </pre>
 * The state is the preconditioner's, then the tail's buffers, then the grafting's.
 */
public final class MatrixOptimizer extends SlotOptimizer {
    /** The buffer between the head and the preconditioner. */
    public static final String GRADIENT = "G";
    /** The buffer between the preconditioner and the tail. */
    public static final String DIRECTION = "P";
    /** The tail's scalar holding the grafting scale. */
    public static final String GRAFT = "graft";

    private final Preconditioner preconditioner;
    private final Grafting grafting;
    private final CompiledKernel head;
    private final CompiledKernel tail;

    /** One parameter's state, workspace and bound kernel arguments. */
    private final class MatrixSlot extends Slot {
        final Tensor matrixG;
        final Tensor preconditioned;
        final Preconditioner.Bound bound;
        final KernelArgs headArgs;
        final KernelArgs tailArgs;
        final KernelArgs graftArgs;

        MatrixSlot(Parameter p, Chain.Stage tailStage, Map<String, Double> hyperparameters) {
            Shape shape = p.value().shape();
            int rows = shape.rank() <= 1 ? 1 : shape.dim(0);
            Shape matrix = Shape.matrix(rows, shape.size() / Math.max(rows, 1));
            Tensor g = work(backend.zeros(shape));
            matrixG = work(backend.reshape(g, matrix));
            Preconditioner.Tensors tensors = new Preconditioner.Tensors() {
                @Override
                public Tensor state(String name, Tensor t) {
                    return MatrixSlot.this.state(name, t);
                }

                @Override
                public Tensor work(Tensor t) {
                    return MatrixSlot.this.work(t);
                }

                @Override
                public Tensor identity(int n) {
                    return MatrixOptimizer.this.identity(n);
                }
            };
            bound = preconditioner.bind(backend, p.name(), matrix, tensors);
            tailArgs = tail.args();
            for (ElementwiseRule.StateBuffer b : tailStage.state()) {
                tailArgs.buffer(b.name(), state(b.name(), b.allocate(backend, p.value(), hyperparameters)));
            }
            Tensor pre = work(backend.zeros(shape));
            preconditioned = work(backend.reshape(pre, matrix));
            headArgs = head.args().buffer(GRADIENT, g).buffer(ElementwiseRule.GRADIENT, p.gradient())
                    .buffer(ElementwiseRule.PARAMETER, p.value());
            tailArgs.buffer(DIRECTION, pre).buffer(ElementwiseRule.PARAMETER, p.value());
            graftArgs = grafting.bind(g, tensors);
        }

        long steps() {
            return step;
        }
    }

    /**
     * The optimizer of {@code definition} for {@code parameters}.
     *
     * @param head the stage writing {@value #GRADIENT} from the gradient
     * @param preconditioner the matrix step
     * @param grafting one of {@code none}, {@code sgd}, {@code adagrad} (the latter reads the hyperparameter eps)
     * @param tail the stage reading {@value #DIRECTION} and the scalar {@value #GRAFT}, writing the parameter
     */
    MatrixOptimizer(OptimizerDefinition definition, Backend backend, ParameterSet parameters,
                    OptimizerDefinition.Config config, Chain.Stage head, Preconditioner preconditioner, String grafting,
                    Chain.Stage tail) {
        super(definition, backend, parameters, config);
        this.preconditioner = preconditioner;
        this.grafting = new Grafting(grafting, backend);
        this.head = backend.compile(head.kernel());
        this.tail = backend.compile(tail.kernel());
        for (Parameter p : parameters.parameters()) {
            addSlot(p, new MatrixSlot(p, tail, config.hyperparameters()));
        }
    }

    @Override
    protected void update(ParameterGroup group, Map<String, Double> hyper) {
        for (Parameter p : group.parameters()) {
            MatrixSlot s = (MatrixSlot) slot(p.name());
            head.run(bind(s.headArgs, hyper));
            s.bound.precondition(s.matrixG, s.preconditioned, hyper, s.steps());
            Map<String, Double> scalars = new LinkedHashMap<>(hyper);
            scalars.put(GRAFT, grafting.scale(s.matrixG, s.preconditioned, s.graftArgs, hyper.getOrDefault("eps", 0.0)));
            tail.run(bind(s.tailArgs, scalars));
            advance(s);
        }
    }
}
