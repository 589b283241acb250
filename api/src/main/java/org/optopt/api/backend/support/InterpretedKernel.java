package org.optopt.api.backend.support;

import org.optopt.api.backend.CompiledKernel;
import org.optopt.api.backend.KernelArgs;
import org.optopt.api.kernel.Kernel;
import org.optopt.api.kernel.KernelInterpreter;
import org.optopt.api.kernel.Reductions;
import org.optopt.api.tensor.Tensor;

/**
 * A kernel executed by the reference {@link KernelInterpreter} directly over {@link HeapTensor}
 * arrays: correct and simple, not fast. Backends use it as the baseline their compiled kernels
 * are tested against.
 */
public final class InterpretedKernel implements CompiledKernel {
    private final Object owner;
    private final KernelInterpreter interpreter;

    /** Prepares {@code kernel} for tensors owned by {@code owner}. */
    public InterpretedKernel(Object owner, Kernel kernel) {
        this.owner = owner;
        this.interpreter = new KernelInterpreter(kernel);
    }

    @Override
    public Kernel kernel() {
        return interpreter.plan().kernel();
    }

    @Override
    public Reductions run(KernelArgs args) {
        int n = args.validate();
        Tensor[] ts = args.tensors();
        float[][] arrays = new float[ts.length][];
        for (int i = 0; i < ts.length; i++) {
            arrays[i] = HeapTensor.of(owner, ts[i], "buffer '" + kernel().buffers().get(i) + "'").data();
        }
        return new Reductions(kernel().reductions(), interpreter.run(arrays, args.scalars(), 0, n));
    }
}
