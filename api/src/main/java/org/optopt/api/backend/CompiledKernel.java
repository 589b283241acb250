package org.optopt.api.backend;

import org.optopt.api.kernel.Kernel;
import org.optopt.api.kernel.Reductions;

/** A kernel compiled by a {@link Backend}; thread-safe, reusable for any tensors of that backend. */
public interface CompiledKernel {

    /** The kernel this executes. */
    Kernel kernel();

    /** A fresh, empty set of arguments for this kernel. */
    default KernelArgs args() {
        return new KernelArgs(kernel());
    }

    /**
     * Runs the kernel once over all elements of the bound tensors.
     *
     * @return the reductions, in the kernel's order
     * @throws IllegalArgumentException if {@code args} is incomplete or inconsistent (see {@link KernelArgs#validate()})
     * @throws IllegalStateException if a bound tensor is closed
     */
    Reductions run(KernelArgs args);
}
