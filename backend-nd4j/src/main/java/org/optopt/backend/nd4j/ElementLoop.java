package org.optopt.backend.nd4j;

/**
 * The fused element loop of one kernel, implemented by a hidden class that {@link KernelCompiler}
 * generates per kernel.
 */
interface ElementLoop {

    /**
     * Runs the kernel's element program for every index in {@code [from, to)}.
     *
     * @param buffers the kernel's buffers in the order of {@code Kernel.buffers()}; stored ones are written
     * @param uniforms the values of the plan's uniform slots ({@code KernelPlan.evaluateUniforms})
     * @param reductions read as the starting accumulators and overwritten with the final ones, in
     *     the order of {@code Kernel.reductions()}
     */
    void run(float[][] buffers, float[] uniforms, double[] reductions, int from, int to);
}
