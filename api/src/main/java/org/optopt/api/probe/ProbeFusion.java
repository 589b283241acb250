package org.optopt.api.probe;

import java.util.List;
import java.util.Optional;
import java.util.function.ObjIntConsumer;
import org.optopt.api.backend.KernelArgs;
import org.optopt.api.kernel.Kernel;
import org.optopt.api.kernel.Reductions;
import org.optopt.api.optim.Closure;

/**
 * An optimizer whose step is one elementwise kernel per parameter and that can evaluate a probes'
 * fragment (one of {@link ProbePass#fragments()}) in that same kernel, so that the gradient is read once
 * for the update and the statistics. A {@link ProbedOptimizer} created with fusion asks the
 * optimizer it wraps for this; optimizers that cannot fuse (towers, matrix optimizers) do not
 * implement it, and their probes observe on their own.
 *
 * <p>The fused kernel is the optimizer's update kernel followed by the fragment's statements; the
 * fragment reads the gradient and its own buffers only, so the update, and with it the parameter
 * trajectory, is bit-identical to the unfused step.
 */
public interface ProbeFusion {

    /**
     * This optimizer's step with {@code fragment} evaluated in the same pass, compiled once, or empty
     * if it cannot (its update stores the gradient, or it names a buffer or scalar of the fragment).
     */
    Optional<FusedStep> fuse(Kernel fragment);

    /** The optimizer's step fused with a fragment. */
    interface FusedStep {

        /**
         * Takes one step of the optimizer, exactly as {@link org.optopt.api.optim.Optimizer#step()}
         * (or {@code step(closure)}), evaluating the fragment over every parameter's gradient.
         * Parameters the step does not update (a frozen group, a step the non-finite policy skips)
         * get the fragment run on its own after the step, which reads the same gradient.
         *
         * @param closure null, or the closure of {@code step(Closure)}
         * @param bind binds the fragment's buffers of parameter i (its index in the optimizer's
         *     parameters) and its scalars into the arguments given (as {@link ProbePass#bind})
         * @return the fragment's reductions of every parameter, in the optimizer's parameter order
         */
        List<Reductions> step(Closure closure, ObjIntConsumer<KernelArgs> bind);
    }
}
