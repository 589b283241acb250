/**
 * The {@code tornado} backend: optopt's kernels on TornadoVM devices (GPUs through OpenCL or PTX,
 * multi-core CPUs through PoCL, FPGAs).
 *
 * <h2>Two builds of one module</h2>
 * TornadoVM is not on the package registries this project builds from; it is installed as an SDK
 * ({@code scripts/tornado/setup.sh}). Without it the module is only
 * {@link org.optopt.backend.tornado.TornadoBackendProvider}, which reports the backend unavailable
 * ({@code no TornadoVM runtime: ...}) and never throws. With {@code TORNADOVM_HOME} set, the Maven
 * profile {@code tornadovm} also compiles the package {@code org.optopt.backend.tornado.device}
 * (sources in {@code src/tornado}) against the SDK's own {@code tornado-api} jar, with a module
 * descriptor that {@code requires static tornado.api}; {@code scripts/tornado/optopt} runs the CLI
 * with the SDK's JVM options.
 *
 * <h2>Kernels: one generated {@code @Parallel} task per kernel</h2>
 * Each compiled {@link org.optopt.api.kernel.Kernel} becomes one Java class (generated as source,
 * compiled in memory by javac with {@code -g}, as TornadoVM needs the local-variable annotation
 * of the loop) whose static method is a single {@code @Parallel} loop with the kernel's whole element
 * program in its body, so an update rule such as Adam stays one fused device loop. Functions beyond
 * the float instructions call {@link org.optopt.api.kernel.KernelMath}'s own methods, which
 * TornadoVM compiles from their bytecode; where that bytecode would not compile for the device
 * ({@code tanh}'s {@code Math.fma}, {@code erf}'s {@code Math.copySign}, {@code signum}) or would
 * compile to other bits ({@code max}/{@code min} as the device's {@code fmax}/{@code fmin}), the
 * kernel class gets a copy of the method's bytecode with those calls redirected to
 * {@link org.optopt.backend.tornado.PortableMath}'s arithmetic-only equivalents (exact, tested
 * against the JDK's). Reductions write one term per element on the device and are combined in double
 * on the host. A kernel binding more buffers than a TornadoVM task takes arguments (20) gets them
 * packed into one buffer table. TornadoVM's float shortcuts ({@code fma} fusion, fast relaxed math)
 * are turned off, and so is its bailout recovery: a kernel the device cannot compile fails with an
 * error naming the kernel and the device, never a silent run on the host.
 *
 * <h2>Primitives: device tasks, or the host</h2>
 * With {@code --backend-option primitives=device} (and {@code auto}, the default, on a device that
 * is not a CPU) the matrix products run as one hand-written task per product shape (a
 * two-dimensional {@code @Parallel} loop over the outputs, summing in the host loop's order, so the
 * floats are the host's), the elementwise primitives ({@code map}, {@code zip}, {@code axpy},
 * {@code fill}, {@code copy}) as kernels of the kernel language compiled once per op, and the
 * reductions ({@code reduce}, along an axis or whole, {@code dot}, {@code argmax}) and rearrangements
 * ({@code transpose}, {@code gatherRows}, {@code scatterAddRows}, the broadcast of a {@code zip}
 * operand), {@code im2col}, {@code col2im}, max pooling and the tile transforms of Winograd
 * convolution ({@code imageToTiles}, {@code tilesToImageAdd}, their paired plan sent as the task's
 * uniforms and replayed per output value in the host's order) as hand-written tasks per shape; all
 * go through the kernels' residency and plan machinery below, and the pooling gradient, built on
 * gathers, scatters and {@code zip}, follows them. With
 * {@code primitives=host} (and {@code auto} on a CPU device such as PoCL, where it measured twice as
 * fast: {@code docs/tornado.md}) they run in plain Java on the host copies.
 *
 * <h2>Data: resident on the device between tasks</h2>
 * A tensor is a host array and, once a device task has written it, a device copy; each knows which
 * is current. A task run copies in the buffers it only reads, and a buffer it updates in place only
 * when the device does not hold its current data: so an optimizer's state never leaves the device,
 * and the parameters come back only when the host reads them ({@code toArray}, a host primitive) or
 * another device task does outside a captured step (each task's execution plans own their device
 * copies: TornadoVM 5.2 shares device memory only between the graphs of one plan). A host write makes the device copies
 * out of date, and the next run copies in again. The copies are counted
 * ({@link org.optopt.backend.tornado.DeviceTransfers}).
 *
 * <h2>Step capture: one execution plan per training step</h2>
 * With {@code --backend-option capture=on} (and {@code auto}, the default, where the primitives run
 * on the device) the backend records the device task calls and, once a window of calls repeats the
 * one before it and reads what that one wrote (a training step), builds ONE TornadoVM execution
 * plan for it: a loading graph, and a graph per call over one array per distinct tensor of the
 * window. Each graph copies in the arrays the host provided (the batch) and takes every other array
 * from the graph run before it, so tensors pass from task to task on the device. The following
 * steps replay the plan while their calls match (checked call by call); a graph whose device input
 * is not current there reloads first, and a call that does not match ends the replay, the tensors
 * only the plan holds coming back to the host. The graphs run the tasks' own code, so the floats
 * equal the per-task path's. The counts are {@link org.optopt.backend.tornado.StepCaptures}; the
 * design and its limits are in {@code docs/tornado.md}.
 *
 * <h2>Compiled once per layout</h2>
 * TornadoVM binds a task graph's arrays when it is built and compiles an execution plan's graphs on
 * their first run, so each task's plans run over arrays of their own (slots), one plan per array
 * lengths and aliasing of the bound tensors: new tensors of a known layout move into the slots of a
 * compiled plan instead of building a new one. Each plan has a loading graph (copies in every buffer
 * the task reads) and, where the task updates a buffer in place, a resident graph (takes those
 * buffers from the device), each compiled once. Compilations are counted
 * ({@link org.optopt.backend.tornado.DeviceCompilations}).
 *
 * <h2>Devices</h2>
 * {@code --backend-option device=} picks a device by TornadoVM's {@code BACKEND:DEVICE} number (as
 * {@code tornado --devices} lists them), a bare device index, or a part of its name; a name that
 * matches no device, or several, is an error listing the devices. {@code memory-limit=} caps the
 * device memory of each kernel's plan (TornadoVM's {@code withMemoryLimit}); a kernel beyond it, or
 * beyond the device's memory, fails naming the kernel and the device.
 */
package org.optopt.backend.tornado;
