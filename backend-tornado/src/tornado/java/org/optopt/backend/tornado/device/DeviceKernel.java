package org.optopt.backend.tornado.device;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Arrays;
import org.optopt.api.backend.CompiledKernel;
import org.optopt.api.backend.KernelArgs;
import org.optopt.api.kernel.Expr;
import org.optopt.api.kernel.Kernel;
import org.optopt.api.kernel.KernelPlan;
import org.optopt.api.kernel.ReduceOp;
import org.optopt.api.kernel.Reductions;
import org.optopt.api.kernel.Statement;
import org.optopt.api.tensor.Tensor;
import uk.ac.manchester.tornado.api.TaskGraph;

/**
 * A kernel compiled to one TornadoVM task ({@link KernelSource}) and run on the backend's device
 * through its {@link DevicePlans}, which keep the tensors it stores on the device. The reduction
 * terms come back at every run and are summed (or maximized) on the host in double.
 */
final class DeviceKernel implements CompiledKernel, DeviceTask {
    private final TornadoBackend owner;
    private final KernelPlan plan;
    private final Object task;
    private final Method addTask;
    private final String[] bufferLabels;
    private final boolean[] stored;
    private final boolean[] read;
    private final ReduceOp[] reduceOps;
    private final DevicePlans plans;

    DeviceKernel(TornadoBackend owner, Kernel kernel, Class<?> taskClass) {
        this.owner = owner;
        this.plan = KernelPlan.of(kernel);
        try {
            this.task = taskClass.getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("generated kernel " + taskClass.getName() + " cannot be created: " + e, e);
        }
        int arity = KernelSource.arity(kernel);
        this.addTask = Arrays.stream(TaskGraph.class.getMethods())
                .filter(m -> m.getName().equals("task") && m.getParameterCount() == arity + 2)
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("Kernel " + kernel.name() + " has " + arity
                        + " task arguments, more than TornadoVM's task graphs take"));
        this.bufferLabels = kernel.buffers().stream()
                .map(b -> "Kernel " + kernel.name() + ": buffer '" + b + "'").toArray(String[]::new);
        this.stored = new boolean[kernel.buffers().size()];
        kernel.storedBuffers().forEach(b -> stored[kernel.bufferIndex(b)] = true);
        this.read = new boolean[stored.length];
        this.reduceOps = new ReduceOp[kernel.reductions().size()];
        for (Statement st : kernel.statements()) {
            switch (st) {
                case Statement.Let let -> markReads(let.value());
                case Statement.Store s -> markReads(s.value());
                case Statement.Reduce r -> {
                    markReads(r.value());
                    reduceOps[kernel.reductions().indexOf(r.name())] = r.op();
                }
            }
        }
        this.plans = new DevicePlans(owner, this);
    }

    private void markReads(Expr e) {
        switch (e) {
            case Expr.Buffer b -> read[plan.kernel().bufferIndex(b.name())] = true;
            case Expr.Unary u -> markReads(u.x());
            case Expr.Binary b -> {
                markReads(b.a());
                markReads(b.b());
            }
            case Expr.Select s -> {
                markReads(s.condition());
                markReads(s.ifTrue());
                markReads(s.ifFalse());
            }
            case Expr.Const c -> { }
            case Expr.Scalar s -> { }
            case Expr.Local l -> { }
        }
    }

    @Override
    public Kernel kernel() {
        return plan.kernel();
    }

    @Override
    public Reductions run(KernelArgs args) {
        int n = args.validateFor(plan.kernel());
        Tensor[] tensors = args.tensors();
        Storage[] storages = new Storage[tensors.length];
        for (int i = 0; i < storages.length; i++) {
            storages[i] = owner.own(tensors[i], bufferLabels[i]).storage;
        }
        double[] results = Arrays.stream(reduceOps).mapToDouble(ReduceOp::identity).toArray();
        if (n > 0) {
            float[] terms;
            synchronized (owner) {
                terms = plans.run(storages, n, plan.evaluateUniforms(args.scalars()));
            }
            for (int r = 0; r < results.length; r++) {
                for (int i = r * n; i < (r + 1) * n; i++) {
                    results[r] = reduceOps[r].combine(results[r], terms[i]);
                }
            }
        }
        return new Reductions(plan.kernel().reductions(), results);
    }

    /** Frees every execution's device memory (the backend is closing: nothing is copied back). */
    void close() {
        plans.close();
    }

    // ---- the task, as DevicePlans runs it -------------------------------------------------

    @Override
    public String label() {
        return "Kernel " + plan.kernel().name();
    }

    @Override
    public int buffers() {
        return stored.length;
    }

    @Override
    public boolean stores(int b) {
        return stored[b];
    }

    @Override
    public boolean reads(int b) {
        return read[b];
    }

    @Override
    public int reductions() {
        return reduceOps.length;
    }

    @Override
    public int uniforms() {
        return plan.uniforms().size();
    }

    @Override
    public boolean packed() {
        return KernelSource.packed(plan.kernel());
    }

    @Override
    public void addTo(TaskGraph graph, Object[] arrays, float[] terms, float[] uniforms, int n) {
        Object[] call = new Object[KernelSource.arity(plan.kernel()) + 2];
        call[0] = "k";
        call[1] = task;
        System.arraycopy(arrays, 0, call, 2, arrays.length);
        if (terms != null) {
            call[2 + arrays.length] = terms;
        }
        call[call.length - 2] = uniforms;
        call[call.length - 1] = n;
        try {
            addTask.invoke(graph, call);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException(label() + ": cannot build its TornadoVM task: "
                    + (e instanceof InvocationTargetException ite ? ite.getCause() : e), e);
        }
    }
}
