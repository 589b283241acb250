package org.optopt.api.backend;

import java.util.Arrays;
import org.optopt.api.kernel.Kernel;
import org.optopt.api.tensor.Tensor;

/**
 * The tensors and scalars bound to one kernel's buffers and scalars. Reusable across calls: bind
 * once, then update the scalars that change (a schedule, the step count) between runs.
 */
public final class KernelArgs {
    private final Kernel kernel;
    private final Tensor[] tensors;
    private final double[] scalars;
    private final boolean[] scalarSet;

    /** Empty arguments for {@code kernel}. */
    public KernelArgs(Kernel kernel) {
        this.kernel = kernel;
        this.tensors = new Tensor[kernel.buffers().size()];
        this.scalars = new double[kernel.scalars().size()];
        this.scalarSet = new boolean[scalars.length];
    }

    /** The kernel these arguments are for. */
    public Kernel kernel() {
        return kernel;
    }

    /**
     * Binds buffer {@code name} to {@code tensor}.
     *
     * @throws IllegalArgumentException if the kernel has no such buffer
     */
    public KernelArgs buffer(String name, Tensor tensor) {
        int i = kernel.bufferIndex(name);
        if (i < 0) {
            throw new IllegalArgumentException("Kernel " + kernel.name() + " has no buffer '" + name
                    + "'; its buffers are " + kernel.buffers());
        }
        tensors[i] = tensor;
        return this;
    }

    /**
     * Binds scalar {@code name} to {@code value}.
     *
     * @throws IllegalArgumentException if the kernel has no such scalar or the value is NaN or infinite
     */
    public KernelArgs scalar(String name, double value) {
        int i = kernel.scalarIndex(name);
        if (i < 0) {
            throw new IllegalArgumentException("Kernel " + kernel.name() + " has no scalar '" + name
                    + "'; its scalars are " + kernel.scalars());
        }
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("Kernel " + kernel.name() + ": scalar '" + name + "' is " + value);
        }
        scalars[i] = value;
        scalarSet[i] = true;
        return this;
    }

    /** The bound tensors in the order of {@link Kernel#buffers()} (the array is shared, not copied). */
    public Tensor[] tensors() {
        return tensors;
    }

    /** The bound scalars in the order of {@link Kernel#scalars()} (the array is shared, not copied). */
    public double[] scalars() {
        return scalars;
    }

    /**
     * Checks that every buffer and scalar is bound, that the tensors are open, distinct and of
     * one shape, and returns their element count.
     *
     * @throws IllegalArgumentException naming the first problem found
     * @throws IllegalStateException if a tensor is closed
     */
    public int validate() {
        for (int i = 0; i < tensors.length; i++) {
            String name = kernel.buffers().get(i);
            Tensor t = tensors[i];
            if (t == null) {
                throw new IllegalArgumentException("Kernel " + kernel.name() + ": buffer '" + name + "' is not bound");
            }
            if (t.isClosed()) {
                throw new IllegalStateException("Kernel " + kernel.name() + ": buffer '" + name + "' is a closed tensor");
            }
            if (!t.shape().equals(tensors[0].shape())) {
                throw new IllegalArgumentException("Kernel " + kernel.name() + ": buffer '" + name + "' has shape "
                        + t.shape() + " but '" + kernel.buffers().get(0) + "' has shape " + tensors[0].shape());
            }
            for (int j = 0; j < i; j++) {
                if (tensors[j] == t) {
                    throw new IllegalArgumentException("Kernel " + kernel.name() + ": buffers '"
                            + kernel.buffers().get(j) + "' and '" + name + "' are bound to the same tensor");
                }
            }
        }
        for (int i = 0; i < scalars.length; i++) {
            if (!scalarSet[i]) {
                throw new IllegalArgumentException("Kernel " + kernel.name() + ": scalar '"
                        + kernel.scalars().get(i) + "' is not bound");
            }
        }
        return tensors.length == 0 ? 0 : tensors[0].size();
    }

    /**
     * {@link #validate()} for a compiled kernel of {@code compiled}, after checking that these
     * arguments were made for that kernel (or an equal one).
     *
     * @throws IllegalArgumentException if they were made for another kernel, or as {@link #validate()}
     */
    public int validateFor(Kernel compiled) {
        if (kernel != compiled && !kernel.equals(compiled)) {
            throw new IllegalArgumentException("Arguments for kernel " + kernel.name() + " passed to kernel "
                    + compiled.name());
        }
        return validate();
    }

    @Override
    public String toString() {
        return "KernelArgs[" + kernel.name() + ", scalars=" + Arrays.toString(scalars) + "]";
    }
}
