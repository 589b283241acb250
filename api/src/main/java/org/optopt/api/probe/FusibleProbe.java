package org.optopt.api.probe;

import java.util.List;
import java.util.Map;
import org.optopt.api.kernel.Kernel;
import org.optopt.api.kernel.Reductions;
import org.optopt.api.optim.ParameterSet;
import org.optopt.api.tensor.Tensor;

/**
 * A probe whose observation is one elementwise {@link #kernel()} over each parameter's gradient,
 * followed by host work on that kernel's reductions ({@link #observed}). Whoever runs the kernel
 * may run it on its own (what {@link #observe} does), together with other probes' kernels in one
 * pass ({@link ProbePass}), or inside an optimizer's own step kernel ({@link ProbeFusion}): the
 * gradient is then read once for the step and the statistics.
 *
 * <p>Contract of the kernel: it reads the gradient as buffer {@value #GRADIENT} and never stores
 * it; every other buffer it names is the probe's own ({@link #buffers}), and it reads no buffer of
 * anyone else, so it can be placed beside any other statements that do not name its buffers.
 * Running it once over every parameter with the bindings of {@link #buffers} and {@link #scalars}
 * and then calling {@link #observed} with its reductions is exactly one {@link #observe}.
 */
public interface FusibleProbe extends Probe {
    /** The name under which {@link #kernel()} reads the gradient: {@value}. */
    String GRADIENT = "g";

    /** The kernel of one observation of one parameter (see the contract above). */
    Kernel kernel();

    /**
     * The probe's tensors of parameter {@code parameter} (its index in the observed set) for the
     * next observation, by buffer name of {@link #kernel()}: every buffer but {@value #GRADIENT}.
     * The binding may change from one observation to the next (a ring buffer rotates).
     */
    Map<String, Tensor> buffers(int parameter);

    /** The values of {@link #kernel()}'s scalars for the next observation, by name. */
    Map<String, Double> scalars();

    /**
     * Completes an observation of {@code parameters} whose kernel ran over every parameter with the
     * bindings of {@link #buffers} and {@link #scalars}.
     *
     * @param reductions the kernel's reductions of every parameter, in the set's order
     * @throws IllegalArgumentException if the set differs from the one the probe was created for, or
     *     there is not one result per parameter
     */
    void observed(ParameterSet parameters, List<Reductions> reductions);
}
