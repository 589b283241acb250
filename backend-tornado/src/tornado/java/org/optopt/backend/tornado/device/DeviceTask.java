package org.optopt.backend.tornado.device;

import uk.ac.manchester.tornado.api.TaskGraph;

/**
 * A TornadoVM task as {@link DevicePlans} runs it over tensors: its arrays (<em>buffers</em>, each
 * bound to a tensor's memory), which of them it reads and which it stores, how many reduction terms
 * per element it brings back, and how it joins a task graph. A compiled kernel is one
 * ({@link DeviceKernel}, also for the elementwise primitives of {@link DeviceElementwise}), a matrix
 * product of given dimensions another ({@link DeviceProducts}).
 */
interface DeviceTask {
    /** How errors name the task, e.g. {@code Kernel adam}. */
    String label();

    /** How many arrays the task binds. */
    int buffers();

    /** Whether the task writes buffer {@code b} (its data then stays on the device). */
    boolean stores(int b);

    /** Whether the task reads buffer {@code b}. */
    boolean reads(int b);

    /** How many reductions the task computes, each bringing back one term per element. */
    int reductions();

    /** How many uniform float slots the task reads (copied in at every run). */
    int uniforms();

    /** Whether the buffers travel packed in one table, copied in and out at every run ({@link KernelSource#packed}). */
    boolean packed();

    /**
     * Adds the task to {@code graph} over {@code arrays} (the buffers' device arrays, or the packed
     * table alone), the reduction terms ({@code null} if none), the uniforms and the element count.
     */
    void addTo(TaskGraph graph, Object[] arrays, float[] terms, float[] uniforms, int n);
}
