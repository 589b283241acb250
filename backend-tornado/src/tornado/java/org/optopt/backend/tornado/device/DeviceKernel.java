package org.optopt.backend.tornado.device;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
import uk.ac.manchester.tornado.api.TornadoExecutionPlan;
import uk.ac.manchester.tornado.api.TornadoExecutionResult;
import uk.ac.manchester.tornado.api.enums.DataTransferMode;
import uk.ac.manchester.tornado.api.exceptions.TornadoExecutionPlanException;

/**
 * A kernel compiled to one TornadoVM task ({@link KernelSource}) and run on the backend's device.
 *
 * <p>A TornadoVM task graph binds the arrays it runs on and owns their device copies, so each
 * distinct set of bound tensors (an optimizer binds the same parameter, gradient and state tensors
 * at every step) gets its own {@link Execution}, kept in a small least-recently-used cache;
 * TornadoVM compiles the task for the device on an execution's first run.
 *
 * <p>Transfers (see {@link Storage} for which copy is current):
 * <ul>
 *   <li>a buffer the kernel only reads is copied to the device at every run (TornadoVM fixes each
 *       array's transfer mode when the graph is built), after the host copy is brought up to date;</li>
 *   <li>a buffer the kernel stores is copied to the device at the execution's first run only and
 *       stays there: it comes back only when the host reads it ({@code toArray}, a host primitive),
 *       on demand. If the host (or another execution) changed such a buffer that the kernel also
 *       reads, the execution's device copy is out of date; it is then replaced by one that copies
 *       every buffer in at every run (compiled anew, once), so a binding that is written on both
 *       sides stays correct at the old cost instead of recompiling at every step;</li>
 *   <li>the reduction terms come back at every run and are summed (or maximized) on the host in
 *       double; the uniform slots go to the device at every run.</li>
 * </ul>
 * A kernel binding more buffers than a task takes ({@link KernelSource#packed}) copies them into
 * its buffer table and back at every run instead.
 */
final class DeviceKernel implements CompiledKernel {
    private static final int PLANS = 64;

    private final TornadoBackend owner;
    private final KernelPlan plan;
    private final Object task;
    private final Method addTask;
    private final String[] bufferLabels;
    private final boolean[] stored;
    private final boolean[] read;
    private final boolean packed;
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
        int arity = KernelSource.arity(kernel);
        this.addTask = Arrays.stream(TaskGraph.class.getMethods())
                .filter(m -> m.getName().equals("task") && m.getParameterCount() == arity + 2)
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("Kernel " + kernel.name() + " has " + arity
                        + " task arguments, more than TornadoVM's task graphs take"));
        this.bufferLabels = kernel.buffers().stream()
                .map(b -> "Kernel " + kernel.name() + ": buffer '" + b + "'").toArray(String[]::new);
        this.packed = KernelSource.packed(kernel);
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
                Execution e = execution(new Binding(List.of(storages), n));
                float[] uniforms = plan.evaluateUniforms(args.scalars());
                System.arraycopy(uniforms, 0, e.uniforms, 0, uniforms.length);
                e.run();
                terms = e.terms;
            }
            for (int r = 0; r < results.length; r++) {
                for (int i = r * n; i < (r + 1) * n; i++) {
                    results[r] = reduceOps[r].combine(results[r], terms[i]);
                }
            }
        }
        return new Reductions(plan.kernel().reductions(), results);
    }

    /** The execution of {@code binding}: cached, new, or a streaming replacement of one out of date. */
    private Execution execution(Binding binding) {
        executions.entrySet().removeIf(entry -> {
            boolean released = entry.getKey().storages().stream().anyMatch(Storage::released);
            if (released) {
                entry.getValue().close(true);
            }
            return released;
        });
        Execution e = executions.get(binding);
        if (e != null && !e.upToDate()) {
            e.close(true);
            e = new Execution(binding, true);
            executions.put(binding, e);
        }
        if (e == null) {
            e = new Execution(binding, packed);
            executions.put(binding, e);
            if (executions.size() > PLANS) {
                var eldest = executions.entrySet().iterator();
                eldest.next().getValue().close(true);
                eldest.remove();
            }
        }
        return e;
    }

    /** Frees every execution's device memory (the backend is closing: nothing is copied back). */
    void close() {
        synchronized (owner) {
            executions.values().forEach(e -> e.close(false));
            executions.clear();
        }
    }

    /** A set of bound storages, compared by identity, and the element count. */
    private record Binding(List<Storage> storages, int n) {}

    /**
     * One TornadoVM execution plan: the task graph over one binding, either resident (stored buffers
     * copied in once, out on demand) or streaming (every buffer copied in at every run; for packed
     * kernels through the buffer table, which also comes back at every run).
     */
    final class Execution {
        final float[] uniforms = new float[Math.max(1, plan.uniforms().size())];
        final float[] terms;
        private final Storage[] storages;
        private final int n;
        private final boolean streaming;
        private final float[] table;
        private final TornadoExecutionPlan executionPlan;
        private TornadoExecutionResult result;
        private boolean ran;

        Execution(Binding binding, boolean streaming) {
            this.storages = binding.storages().toArray(Storage[]::new);
            this.n = binding.n();
            this.streaming = streaming;
            this.terms = new float[reduceOps.length * n];
            this.table = packed ? new float[Math.multiplyExact(storages.length, n)] : null;
            Object[] arrays = packed ? new Object[] {table}
                    : Arrays.stream(storages).map(s -> s.host).toArray();
            TaskGraph graph = new TaskGraph("optopt" + System.identityHashCode(this));
            List<Object> everyRun = new ArrayList<>(List.of(uniforms));
            List<Object> firstRun = new ArrayList<>();
            List<Object> kept = new ArrayList<>();
            for (int b = 0; b < arrays.length; b++) {
                boolean keptOnDevice = !packed && stored[b];
                (streaming || !keptOnDevice ? everyRun : firstRun).add(arrays[b]);
                if (keptOnDevice) {
                    kept.add(arrays[b]);
                }
            }
            if (reduceOps.length > 0) {
                firstRun.add(terms);
            }
            graph.transferToDevice(DataTransferMode.EVERY_EXECUTION, everyRun.toArray());
            if (!firstRun.isEmpty()) {
                graph.transferToDevice(DataTransferMode.FIRST_EXECUTION, firstRun.toArray());
            }
            addTask(graph, arrays);
            if (!kept.isEmpty()) {
                graph.persistOnDevice(kept.toArray());
            }
            List<Object> back = new ArrayList<>();
            if (packed) {
                back.add(table);
            }
            if (reduceOps.length > 0) {
                back.add(terms);
            }
            if (!back.isEmpty()) {
                graph.transferToHost(DataTransferMode.EVERY_EXECUTION, back.toArray());
            }
            executionPlan = new TornadoExecutionPlan(graph.snapshot()).withDevice(owner.device().device());
        }

        private void addTask(TaskGraph graph, Object[] arrays) {
            Object[] call = new Object[KernelSource.arity(plan.kernel()) + 2];
            call[0] = "k";
            call[1] = task;
            System.arraycopy(arrays, 0, call, 2, arrays.length);
            if (reduceOps.length > 0) {
                call[2 + arrays.length] = terms;
            }
            call[call.length - 2] = uniforms;
            call[call.length - 1] = n;
            try {
                addTask.invoke(graph, call);
            } catch (IllegalAccessException | InvocationTargetException e) {
                throw new IllegalStateException("Kernel " + plan.kernel().name() + ": cannot build its TornadoVM task: "
                        + (e instanceof InvocationTargetException ite ? ite.getCause() : e), e);
            }
        }

        /** False if a buffer the kernel stores and reads was changed elsewhere since this execution's last run. */
        boolean upToDate() {
            if (streaming || !ran) {
                return true;
            }
            for (int b = 0; b < storages.length; b++) {
                if (stored[b] && read[b] && storages[b].owner() != this) {
                    return false;
                }
            }
            return true;
        }

        /** Copies in what this run needs from the host, runs the task, and records where the stored buffers are current. */
        void run() {
            for (int b = 0; b < storages.length; b++) {
                if (streaming || !stored[b] || !ran) {
                    float[] host = storages[b].forHostRead();
                    if (packed) {
                        System.arraycopy(host, 0, table, b * n, n);
                    } else {
                        owner.countToDevice(storages[b].bytes());
                    }
                }
            }
            if (packed) {
                owner.countToDevice((long) table.length * Float.BYTES);
            }
            try {
                result = executionPlan.execute();
            } catch (RuntimeException e) {
                throw new IllegalStateException("Kernel " + plan.kernel().name() + " failed on TornadoVM device "
                        + owner.device().label() + ": " + firstLine(e), e);
            }
            ran = true;
            if (packed) {
                owner.countToHost((long) table.length * Float.BYTES);
            }
            if (reduceOps.length > 0) {
                owner.countToHost((long) terms.length * Float.BYTES);
            }
            for (int b = 0; b < storages.length; b++) {
                if (!stored[b]) {
                    continue;
                }
                if (packed) {
                    System.arraycopy(table, b * n, storages[b].forHostOverwrite(), 0, n);
                } else {
                    storages[b].writtenOnDevice(this);
                }
            }
        }

        /** Copies {@code storage}'s device copy, which this execution holds, to its host array. */
        void download(Storage storage) {
            try {
                result.transferToHost(storage.host);
            } catch (RuntimeException e) {
                throw new IllegalStateException("Kernel " + plan.kernel().name() + ": copying a result back from TornadoVM device "
                        + owner.device().label() + " failed: " + firstLine(e), e);
            }
            owner.countToHost(storage.bytes());
        }

        /** Frees the device memory, first copying back ({@code keep}) what only the device holds of open tensors. */
        void close(boolean keep) {
            for (Storage s : storages) {
                if (s.owner() == this) {
                    if (keep && !s.released()) {
                        s.forHostRead();
                    }
                    s.forHostOverwrite();
                }
            }
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
