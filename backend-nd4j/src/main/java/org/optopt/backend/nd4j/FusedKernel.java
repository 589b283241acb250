package org.optopt.backend.nd4j;

import java.util.Arrays;
import org.optopt.api.backend.CompiledKernel;
import org.optopt.api.backend.KernelArgs;
import org.optopt.api.backend.support.HeapTensor;
import org.optopt.api.kernel.Kernel;
import org.optopt.api.kernel.KernelPlan;
import org.optopt.api.kernel.ReduceOp;
import org.optopt.api.kernel.Reductions;
import org.optopt.api.kernel.Statement;
import org.optopt.api.tensor.Tensor;

/**
 * A kernel compiled to a fused {@link ElementLoop}. Each {@link #run} validates the arguments,
 * fetches the heap arrays, evaluates the uniform slots once and makes one pass over the elements;
 * nothing else, because networks call kernels on many small tensors (about 0.2 us per call for
 * Adam over 10 parameters). Passes over large tensors are split over the backend's kernel threads
 * ({@link ParallelLoop}).
 */
final class FusedKernel implements CompiledKernel {
    private final Object owner;
    private final KernelPlan plan;
    private final ElementLoop loop;
    private final ParallelLoop parallel;
    private final String[] bufferLabels;
    private final double[] identities;
    private final ReduceOp[] reduceOps;

    FusedKernel(Object owner, Kernel kernel, ParallelLoop parallel) {
        this.owner = owner;
        this.plan = KernelPlan.of(kernel);
        this.loop = KernelCompiler.loop(plan);
        this.parallel = parallel;
        this.bufferLabels = kernel.buffers().stream()
                .map(b -> "Kernel " + kernel.name() + ": buffer '" + b + "'")
                .toArray(String[]::new);
        this.reduceOps = new ReduceOp[kernel.reductions().size()];
        for (Statement st : kernel.statements()) {
            if (st instanceof Statement.Reduce r) {
                reduceOps[kernel.reductions().indexOf(r.name())] = r.op();
            }
        }
        this.identities = Arrays.stream(reduceOps).mapToDouble(ReduceOp::identity).toArray();
    }

    @Override
    public Kernel kernel() {
        return plan.kernel();
    }

    @Override
    public Reductions run(KernelArgs args) {
        int n = args.validateFor(plan.kernel());
        Tensor[] tensors = args.tensors();
        float[][] arrays = new float[tensors.length][];
        for (int i = 0; i < arrays.length; i++) {
            arrays[i] = HeapTensor.of(owner, tensors[i], bufferLabels[i]).data();
        }
        double[] reductions = identities.clone();
        parallel.run(loop, arrays, plan.evaluateUniforms(args.scalars()), reductions, reduceOps, n);
        return new Reductions(plan.kernel().reductions(), reductions);
    }
}
