package org.optopt.api.probe;

import java.util.List;
import java.util.Map;
import org.optopt.api.kernel.Kernel;
import org.optopt.api.kernel.Reductions;
import org.optopt.api.optim.ParameterSet;
import org.optopt.api.tensor.Tensor;

/**
 * A probe whose observation is one elementwise kernel over each parameter's gradient, followed by
 * host work on that kernel's reductions ({@link #observed}). The probe has a small fixed set of
 * {@link #kernels()} and says which one the next observation runs ({@link #next()}): most probes
 * have one, a probe that defers work over several observations (a copy now, a pass over all of
 * them later) has several. Whoever runs the kernel may run it on its own (what {@link #observe}
 * does), together with other probes' kernels in one pass ({@link ProbePass}), or inside an
 * optimizer's own step kernel ({@link ProbeFusion}): the gradient is then read once for the step
 * and the statistics. Since the set is fixed, each of its kernels is compiled once.
 *
 * <p>Contract of every kernel: it reads the gradient as buffer {@value #GRADIENT} and never stores
 * it; every other buffer it names is the probe's own ({@link #buffers}), and it reads no buffer of
 * anyone else, so it can be placed beside any other statements that do not name its buffers.
 * Running {@code kernels().get(next())} once over every parameter with the bindings of
 * {@link #buffers} and {@link #scalars} and then calling {@link #observed} with its reductions is
 * exactly one {@link #observe}. {@link #next()} and the bindings change only when the probe observes,
 * is told of a {@linkplain #gap() gap}, or {@linkplain #loadState loads} a state.
 */
public interface FusibleProbe extends Probe {
    /** The name under which every kernel reads the gradient: {@value}. */
    String GRADIENT = "g";

    /** The probe's kernels, at least one, the same list for the probe's life (see the contract above). */
    List<Kernel> kernels();

    /** The index in {@link #kernels()} of the kernel of the next observation; by default 0, the only one. */
    default int next() {
        return 0;
    }

    /**
     * The probe's tensors of parameter {@code parameter} (its index in the observed set) for the
     * next observation, by buffer name of its kernel ({@link #next()}): every buffer but
     * {@value #GRADIENT}. The binding may change from one observation to the next (a ring buffer rotates).
     */
    Map<String, Tensor> buffers(int parameter);

    /** The values of the next observation's kernel's scalars, by name. */
    Map<String, Double> scalars();

    /**
     * Completes an observation of {@code parameters} whose kernel ({@link #next()}) ran over every
     * parameter with the bindings of {@link #buffers} and {@link #scalars}.
     *
     * @param reductions the kernel's reductions of every parameter, in the set's order
     * @throws IllegalArgumentException if the set differs from the one the probe was created for, or
     *     there is not one result per parameter
     */
    void observed(ParameterSet parameters, List<Reductions> reductions);
}
