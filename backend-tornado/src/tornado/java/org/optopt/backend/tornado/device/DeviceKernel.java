package org.optopt.backend.tornado.device;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.optopt.api.backend.CompiledKernel;
import org.optopt.api.backend.KernelArgs;
import org.optopt.api.backend.support.HeapTensor;
import org.optopt.api.kernel.Kernel;
import org.optopt.api.kernel.KernelPlan;
import org.optopt.api.kernel.ReduceOp;
import org.optopt.api.kernel.Reductions;
import org.optopt.api.kernel.Statement;
import org.optopt.api.tensor.Tensor;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.TornadoExecutionPlan;
import uk.ac.manchester.tornado.api.enums.DataTransferMode;
import uk.ac.manchester.tornado.api.exceptions.TornadoExecutionPlanException;

/**
 * A kernel compiled to one TornadoVM task ({@link KernelSource}) and run on the backend's device.
 *
 * <p>A TornadoVM task graph binds the arrays it runs on, so each distinct set of bound arrays (an
 * optimizer binds the same parameter, gradient and state arrays at every step) gets its own
 * execution plan, kept in a small least-recently-used cache; TornadoVM compiles the task for the
 * device on the plan's first execution. Every execution copies the bound buffers and the uniform
 * slots to the device and the stored buffers and reduction terms back: tensors live on the host
 * heap, so the device's copies are refreshed rather than trusted. Reductions are summed (or
 * maximized) on the host in double from the per-element terms the device wrote.
 */
final class DeviceKernel implements CompiledKernel {
    private static final int PLANS = 64;

    private final TornadoBackend owner;
    private final KernelPlan plan;
    private final Object task;
    private final Method addTask;
    private final String[] bufferLabels;
    private final boolean[] stored;
    private final ReduceOp[] reduceOps;
    private final Map<Binding, Execution> executions = new LinkedHashMap<>(16, 0.75f, true);

    DeviceKernel(TornadoBackend owner, Kernel kernel, Class<?> taskClass) {
        this.owner = owner;
        this.plan = KernelPlan.of(kernel);
        try {
            this.task = taskClass.getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("generated kernel " + taskClass.getName() + " cannot be created: " + e, e);
        }
        this.addTask = Arrays.stream(TaskGraph.class.getMethods())
                .filter(m -> m.getName().equals("task") && m.getParameterCount() == KernelSource.arity(kernel) + 2)
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("Kernel " + kernel.name() + " has "
                        + KernelSource.arity(kernel) + " task arguments, more than TornadoVM's task graphs take"));
        this.bufferLabels = kernel.buffers().stream()
                .map(b -> "Kernel " + kernel.name() + ": buffer '" + b + "'").toArray(String[]::new);
        this.stored = new boolean[kernel.buffers().size()];
        kernel.storedBuffers().forEach(b -> stored[kernel.bufferIndex(b)] = true);
        this.reduceOps = new ReduceOp[kernel.reductions().size()];
        for (Statement st : kernel.statements()) {
            if (st instanceof Statement.Reduce r) {
                reduceOps[kernel.reductions().indexOf(r.name())] = r.op();
            }
        }
    }

    @Override
    public Kernel kernel() {
        return plan.kernel();
    }

    @Override
    public synchronized Reductions run(KernelArgs args) {
        if (args.kernel() != plan.kernel() && !args.kernel().equals(plan.kernel())) {
            throw new IllegalArgumentException("Arguments for kernel " + args.kernel().name()
                    + " passed to kernel " + plan.kernel().name());
        }
        int n = args.validate();
        Tensor[] tensors = args.tensors();
        float[][] arrays = new float[tensors.length][];
        for (int i = 0; i < arrays.length; i++) {
            arrays[i] = HeapTensor.of(owner, tensors[i], bufferLabels[i]).data();
        }
        double[] results = Arrays.stream(reduceOps).mapToDouble(ReduceOp::identity).toArray();
        if (n > 0) {
            Execution e = execution(new Binding(arrays, n));
            float[] uniforms = plan.evaluateUniforms(args.scalars());
            System.arraycopy(uniforms, 0, e.uniforms, 0, uniforms.length);
            e.execute();
            for (int r = 0; r < results.length; r++) {
                for (int i = r * n; i < (r + 1) * n; i++) {
                    results[r] = reduceOps[r].combine(results[r], e.terms[i]);
                }
            }
        }
        return new Reductions(plan.kernel().reductions(), results);
    }

    private Execution execution(Binding binding) {
        Execution e = executions.get(binding);
        if (e == null) {
            e = new Execution(binding);
            executions.put(binding, e);
            if (executions.size() > PLANS) {
                var eldest = executions.entrySet().iterator();
                eldest.next().getValue().close();
                eldest.remove();
            }
        }
        return e;
    }

    /** Frees every plan's device memory. */
    synchronized void close() {
        executions.values().forEach(Execution::close);
        executions.clear();
    }

    /** A set of bound arrays, compared by identity. */
    private record Binding(float[][] arrays, int n) {
        @Override
        public boolean equals(Object o) {
            if (!(o instanceof Binding b) || b.n != n || b.arrays.length != arrays.length) {
                return false;
            }
            for (int i = 0; i < arrays.length; i++) {
                if (b.arrays[i] != arrays[i]) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public int hashCode() {
            int h = n;
            for (float[] a : arrays) {
                h = 31 * h + System.identityHashCode(a);
            }
            return h;
        }
    }

    /** One execution plan: the task graph over one binding. */
    private final class Execution {
        final float[] uniforms = new float[Math.max(1, plan.uniforms().size())];
        final float[] terms;
        final TornadoExecutionPlan executionPlan;

        Execution(Binding binding) {
            terms = new float[reduceOps.length * binding.n()];
            Object[] taskArgs = new Object[KernelSource.arity(plan.kernel())];
            System.arraycopy(binding.arrays(), 0, taskArgs, 0, binding.arrays().length);
            if (reduceOps.length > 0) {
                taskArgs[binding.arrays().length] = terms;
            }
            taskArgs[taskArgs.length - 2] = uniforms;
            taskArgs[taskArgs.length - 1] = binding.n();
            TaskGraph graph = new TaskGraph("optopt" + System.identityHashCode(this))
                    .transferToDevice(DataTransferMode.EVERY_EXECUTION, (Object[]) binding.arrays())
                    .transferToDevice(DataTransferMode.EVERY_EXECUTION, uniforms);
            if (reduceOps.length > 0) {
                graph.transferToDevice(DataTransferMode.FIRST_EXECUTION, terms);
            }
            Object[] call = new Object[taskArgs.length + 2];
            call[0] = "k";
            call[1] = task;
            System.arraycopy(taskArgs, 0, call, 2, taskArgs.length);
            try {
                addTask.invoke(graph, call);
            } catch (IllegalAccessException | InvocationTargetException e) {
                throw new IllegalStateException("Kernel " + plan.kernel().name() + ": cannot build its TornadoVM task: "
                        + (e instanceof InvocationTargetException ite ? ite.getCause() : e), e);
            }
            Object[] back = new Object[countStored() + (reduceOps.length > 0 ? 1 : 0)];
            int k = 0;
            for (int b = 0; b < stored.length; b++) {
                if (stored[b]) {
                    back[k++] = binding.arrays()[b];
                }
            }
            if (reduceOps.length > 0) {
                back[k] = terms;
            }
            graph.transferToHost(DataTransferMode.EVERY_EXECUTION, back);
            executionPlan = new TornadoExecutionPlan(graph.snapshot()).withDevice(owner.device().device());
        }

        private int countStored() {
            int c = 0;
            for (boolean s : stored) {
                c += s ? 1 : 0;
            }
            return c;
        }

        void execute() {
            try {
                executionPlan.execute();
            } catch (RuntimeException e) {
                throw new IllegalStateException("Kernel " + plan.kernel().name() + " failed on TornadoVM device "
                        + owner.device().label() + ": " + firstLine(e), e);
            }
        }

        void close() {
            try {
                executionPlan.freeDeviceMemory();
                executionPlan.close();
            } catch (TornadoExecutionPlanException | RuntimeException e) {
                // freeing device memory of a plan being dropped: nothing else to do
            }
        }
    }

    static String firstLine(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String m = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return m.lines().map(String::strip).filter(l -> !l.isEmpty()).findFirst().orElse(root.getClass().getName());
    }
}
