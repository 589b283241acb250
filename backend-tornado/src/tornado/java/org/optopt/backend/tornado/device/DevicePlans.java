package org.optopt.backend.tornado.device;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import uk.ac.manchester.tornado.api.ImmutableTaskGraph;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.TornadoExecutionPlan;
import uk.ac.manchester.tornado.api.TornadoExecutionResult;
import uk.ac.manchester.tornado.api.TornadoProfilerResult;
import uk.ac.manchester.tornado.api.enums.DataTransferMode;
import uk.ac.manchester.tornado.api.enums.ProfilerMode;
import uk.ac.manchester.tornado.api.exceptions.TornadoExecutionPlanException;
import uk.ac.manchester.tornado.api.exceptions.TornadoMemoryException;
import uk.ac.manchester.tornado.api.exceptions.TornadoOutOfMemoryException;

/**
 * The TornadoVM execution plans of one {@link DeviceTask} (a compiled kernel, a matrix product of
 * given dimensions), which run it over tensors and keep their data on the device.
 *
 * <p>A TornadoVM task graph binds arrays, owns their device copies and is compiled for the device
 * on its first execution, the code kept with its execution plan (TornadoVM 5.2 has no way to bind
 * other arrays to a built graph, and freeing a plan's device memory drops its code too). So a
 * task's {@link Execution}s run over arrays of their own, <em>slots</em>, into which each run's
 * tensors move: executions are keyed by {@link Layout} (the arrays' lengths and which buffers share a
 * tensor), and a run on new tensors of a known layout reuses a compiled execution. A layout gets a
 * second execution (a second compilation) only when tensors pushed out of its slots come back while
 * others are resident (an optimizer stepping two parameters of one size), so that alternating
 * bindings each stay on the device; at most {@value #PER_LAYOUT} per layout and {@value #PLANS} per
 * task, least recently used first out.
 *
 * <p>Transfers (see {@link Storage} for which copy is current): a buffer the task only reads is
 * copied in at every run (from its slot, refreshed from the tensor when the tensor changed); a
 * stored buffer stays on the device and comes back only when the host reads it, or when another
 * tensor takes its slot while the device holds its only current copy; a stored buffer the task
 * also reads is copied in only when its slot does not hold its current data (a new tensor in the
 * slot, a host write since the last run), through the execution's loading graph. The reduction
 * terms come back at every run; the uniform slots go to the device at every run. A packed task
 * ({@link KernelSource#packed}) copies its buffer table in and out at every run instead.
 */
final class DevicePlans {
    /** The most executions a task keeps, and of one layout. */
    private static final int PLANS = 64;
    private static final int PER_LAYOUT = 8;

    private final TornadoBackend owner;
    private final DeviceTask task;
    private final boolean[] stored;
    private final boolean[] read;
    /** The executions, least recently used first, and by layout. */
    private final List<Execution> executions = new ArrayList<>();
    private final Map<Layout, List<Execution>> layouts = new HashMap<>();
    /** Tensors whose device data an execution of this task had to give back to make room for another binding. */
    private final Set<Storage> displaced = Collections.newSetFromMap(new IdentityHashMap<>());
    private long clock;

    DevicePlans(TornadoBackend owner, DeviceTask task) {
        this.owner = owner;
        this.task = task;
        this.stored = new boolean[task.buffers()];
        this.read = new boolean[task.buffers()];
        for (int b = 0; b < stored.length; b++) {
            stored[b] = task.stores(b);
            read[b] = task.reads(b);
        }
    }

    /**
     * Runs the task over {@code storages} (one per buffer), {@code n} elements, with these uniform
     * values, and returns the reduction terms, {@code n} per reduction; callers hold the backend's lock.
     * Where the backend captures steps ({@link StepCapture}), a call that a captured step expects
     * runs as that step's graph instead, and every other call is recorded.
     */
    float[] run(Storage[] storages, int n, float[] uniforms) {
        StepCapture steps = owner.steps();
        float[] replayed = steps == null ? null : steps.replay(this, storages, n, uniforms);
        if (replayed != null) {
            return replayed;
        }
        if (steps != null) {
            steps.record(this, storages, n);
        }
        Execution e = execution(storages, n);
        System.arraycopy(uniforms, 0, e.uniforms, 0, uniforms.length);
        e.run(storages);
        return e.terms;
    }

    /** The task these plans run. */
    DeviceTask task() {
        return task;
    }

    /**
     * The execution that runs {@code storages}: of the executions of their layout, the one already
     * holding them, else a new one if one of them was pushed out of an execution of this layout
     * before (two bindings alternate: each keeps its own) and the layout has fewer than
     * {@value #PER_LAYOUT}, else the least recently used one, whose present tensors move out.
     */
    private Execution execution(Storage[] storages, int n) {
        Layout layout = Layout.of(storages, n);
        List<Execution> candidates = layouts.computeIfAbsent(layout, k -> new ArrayList<>());
        displaced.removeIf(Storage::released);
        Execution chosen = null;
        for (Execution e : candidates) {
            if (e.holds(storages)) {
                chosen = e;
                break;
            }
        }
        if (chosen == null) {
            boolean returning = false;
            for (int b = 0; b < storages.length; b++) {
                returning |= stored[b] && displaced.contains(storages[b]);
            }
            if (candidates.isEmpty() || returning && candidates.size() < PER_LAYOUT) {
                chosen = new Execution(layout);
                candidates.add(chosen);
                executions.add(chosen);
                if (executions.size() > PLANS) {
                    Execution eldest = executions.removeFirst();
                    List<Execution> same = layouts.get(eldest.layout);
                    same.remove(eldest);
                    if (same.isEmpty()) {
                        layouts.remove(eldest.layout);
                    }
                    eldest.close(true);
                }
            } else {
                chosen = candidates.stream().min(Comparator.comparingLong(e -> e.lastRun)).orElseThrow();
            }
        }
        candidates.remove(chosen);
        candidates.add(chosen);
        executions.remove(chosen);
        executions.add(chosen);
        return chosen;
    }

    /** Frees every execution's device memory (the backend is closing: nothing is copied back). */
    void close() {
        synchronized (owner) {
            executions.forEach(e -> e.close(false));
            executions.clear();
            layouts.clear();
            displaced.clear();
        }
    }

    /**
     * What an execution's task graphs are built for: the element count, the length of each
     * buffer's array and which buffers share memory ({@code alias[b]}, the first buffer bound to
     * the same storage as {@code b}).
     */
    private record Layout(int n, List<Integer> lengths, List<Integer> alias) {
        static Layout of(Storage[] storages, int n) {
            List<Integer> alias = new ArrayList<>(storages.length);
            List<Integer> lengths = new ArrayList<>(storages.length);
            for (int b = 0; b < storages.length; b++) {
                lengths.add(storages[b].host.length);
                int first = b;
                for (int a = 0; a < b; a++) {
                    if (storages[a] == storages[b]) {
                        first = a;
                        break;
                    }
                }
                alias.add(first);
            }
            return new Layout(n, List.copyOf(lengths), List.copyOf(alias));
        }
    }

    /**
     * One TornadoVM execution plan for a {@link Layout}: the task over arrays of its own, the
     * <em>slots</em> (one per distinct buffer), into which each run's tensors move, so that a new
     * tensor of a known layout reuses the compiled task instead of building (and compiling) a new
     * plan. TornadoVM fixes an array's transfers when a graph is built and compiles each plan's
     * graphs on their first run, so the plan holds two graphs of the same task over the same slots:
     * <ul>
     *   <li>{@code load} copies in every buffer the task reads, the stored ones included; it runs
     *       when a stored buffer that the task reads is not on the device as current data of this
     *       slot (a first run, a new tensor in the slot, a host write since);</li>
     *   <li>{@code resident} takes the stored buffers from the device memory {@code load} or its own
     *       earlier runs left there ({@code consumeFromDevice}) and copies in only the buffers the
     *       task only reads.</li>
     * </ul>
     * Both keep the stored buffers on the device and bring back the reduction terms; a stored
     * buffer comes back on demand ({@link #download}). Where no stored buffer is also read (a
     * product with {@code beta = 0}, a kernel writing a new tensor) the two graphs would move the
     * same data, and the plan holds the loading graph alone (one compilation, not two). A packed
     * task's single graph copies its buffer table in and out at every run.
     */
    final class Execution implements Storage.Holder {
        final float[] uniforms = new float[Math.max(1, task.uniforms())];
        final float[] terms;
        private final Layout layout;
        private final int n;
        /** The slot of each buffer, and the tensor memory now in each slot, by buffer (null in aliased positions). */
        private final float[][] slots;
        private final Storage[] occupants;
        /** The version of its occupant a read-only slot's array holds. */
        private final long[] versions;
        private final float[] table;
        private final TornadoExecutionPlan executionPlan;
        private final boolean[] graphRan = new boolean[2];
        /** Whether the plan has a resident graph (some stored buffer is also read). */
        private final boolean resident;
        private TornadoExecutionResult result;
        private int selected = -1;
        private long lastRun;

        Execution(Layout layout) {
            this.layout = layout;
            this.n = layout.n();
            int buffers = stored.length;
            this.terms = new float[Math.multiplyExact(task.reductions(), n)];
            this.slots = new float[buffers][];
            this.occupants = new Storage[buffers];
            this.versions = new long[buffers];
            this.table = task.packed() ? new float[Math.multiplyExact(buffers, n)] : null;
            for (int b = 0; b < buffers; b++) {
                int first = layout.alias().get(b);
                slots[b] = first == b ? new float[task.packed() ? 0 : layout.lengths().get(b)] : slots[first];
            }
            boolean readsStored = false;
            for (int b = 0; b < buffers; b++) {
                readsStored |= layout.alias().get(b) == b && storedSlot(b) && readSlot(b);
            }
            resident = !task.packed() && readsStored;
            String name = "optopt" + System.identityHashCode(this);
            executionPlan = !resident ? plan(owner, graph(name + "l", true).snapshot())
                    : plan(owner, graph(name + "l", true).snapshot(), graph(name + "r", false).snapshot());
        }

        /** The load graph ({@code load}) or the resident one. */
        private TaskGraph graph(String name, boolean load) {
            TaskGraph graph = new TaskGraph(name);
            Object[] arrays = task.packed() ? new Object[] {table} : slots;
            List<Object> in = new ArrayList<>(List.of(uniforms));
            List<Object> kept = new ArrayList<>();
            for (int b = 0; b < arrays.length; b++) {
                if (!task.packed() && layout.alias().get(b) != b) {
                    continue;
                }
                boolean keep = !task.packed() && storedSlot(b);
                if (!keep || load && readSlot(b)) {
                    in.add(arrays[b]);
                }
                if (keep) {
                    kept.add(arrays[b]);
                }
            }
            graph.transferToDevice(DataTransferMode.EVERY_EXECUTION, in.toArray());
            if (!load && !kept.isEmpty()) {
                graph.consumeFromDevice(kept.toArray());
            }
            task.addTo(graph, arrays, task.reductions() > 0 ? terms : null, uniforms, n);
            if (!kept.isEmpty()) {
                graph.persistOnDevice(kept.toArray());
            }
            List<Object> back = new ArrayList<>();
            if (task.packed()) {
                back.add(table);
            }
            if (task.reductions() > 0) {
                back.add(terms);
            }
            if (!back.isEmpty()) {
                graph.transferToHost(DataTransferMode.EVERY_EXECUTION, back.toArray());
            }
            return graph;
        }

        /** Whether the slot of buffer {@code b} is stored by the task (through any buffer sharing it). */
        private boolean storedSlot(int b) {
            return anyAliasOf(b, stored);
        }

        /** Whether the task reads the slot of buffer {@code b} (through any buffer sharing it). */
        private boolean readSlot(int b) {
            return anyAliasOf(b, read);
        }

        private boolean anyAliasOf(int b, boolean[] flags) {
            int first = layout.alias().get(b);
            for (int a = 0; a < flags.length; a++) {
                if (layout.alias().get(a) == first && flags[a]) {
                    return true;
                }
            }
            return false;
        }

        /** Whether every stored buffer of {@code storages} is already this execution's current device data. */
        boolean holds(Storage[] storages) {
            if (task.packed()) {
                return true;
            }
            for (int b = 0; b < storages.length; b++) {
                if (stored[b] && (occupants[b] != storages[b] || storages[b].owner() != this)) {
                    return false;
                }
            }
            return graphRan[0];
        }

        /** Moves {@code storages} into the slots (copying in what must be), runs the task, records where the stored buffers are current. */
        void run(Storage[] storages) {
            if (task.packed()) {
                runPacked(storages);
                return;
            }
            boolean load = !resident || !graphRan[0];
            for (int b = 0; b < storages.length; b++) {
                if (layout.alias().get(b) == b && storedSlot(b) && readSlot(b)) {
                    load |= occupants[b] != storages[b] || storages[b].owner() != this;
                }
            }
            for (int b = 0; b < storages.length; b++) {
                if (layout.alias().get(b) != b) {
                    continue;
                }
                Storage s = storages[b];
                if (occupants[b] != s) {
                    evict(b);
                    occupants[b] = s;
                    versions[b] = -1;
                    displaced.remove(s);
                }
                boolean keep = storedSlot(b);
                if (keep && load && readSlot(b) || !keep) {
                    if (versions[b] != s.version() || keep) {
                        System.arraycopy(s.forHostRead(), 0, slots[b], 0, slots[b].length);
                        versions[b] = s.version();
                    }
                    owner.countToDevice(s.bytes());
                }
            }
            int graph = load ? 0 : 1;
            if (resident && graph != selected) {
                executionPlan.withGraph(graph);
                selected = graph;
            }
            execute(graph);
            for (int b = 0; b < storages.length; b++) {
                if (layout.alias().get(b) == b && storedSlot(b)) {
                    storages[b].writtenOnDevice(this);
                }
            }
        }

        private void runPacked(Storage[] storages) {
            for (int b = 0; b < storages.length; b++) {
                System.arraycopy(storages[b].forHostRead(), 0, table, b * n, n);
            }
            owner.countToDevice((long) table.length * Float.BYTES);
            execute(0);
            owner.countToHost((long) table.length * Float.BYTES);
            for (int b = 0; b < storages.length; b++) {
                if (stored[b]) {
                    System.arraycopy(table, b * n, storages[b].forHostOverwrite(), 0, n);
                }
            }
        }

        /** Runs the selected graph, {@code graph}. */
        private void execute(int graph) {
            result = DevicePlans.execute(owner, executionPlan, task.label(), n, !graphRan[graph]);
            graphRan[graph] = true;
            lastRun = ++clock;
            if (task.reductions() > 0) {
                owner.countToHost((long) terms.length * Float.BYTES);
            }
        }

        /** Moves the occupant of slot {@code b} out: its device data, if that is its only current copy, comes back. */
        private void evict(int b) {
            Storage previous = occupants[b];
            if (previous == null) {
                return;
            }
            if (previous.owner() == this && previous.deviceOnly() && !previous.released()) {
                displaced.add(previous);
                previous.forHostRead();
            }
            if (previous.owner() == this) {
                previous.forHostOverwrite();
            }
            occupants[b] = null;
        }

        @Override
        public void download(Storage storage) {
            DevicePlans.download(owner, result, slots[storedSlotOf(storage)], storage, task.label());
        }

        /**
         * The stored slot {@code storage} occupies: the one whose device data this execution holds
         * (a run that moves its own earlier result into a read-only slot, as a chain {@code max =
         * zip(max, values)} does, has it in both for a moment, and only the stored one is current).
         */
        private int storedSlotOf(Storage storage) {
            for (int b = 0; b < occupants.length; b++) {
                if (occupants[b] == storage && storedSlot(b)) {
                    return b;
                }
            }
            throw new IllegalStateException(task.label() + ": a tensor's device data is in none of its slots");
        }

        /** Frees the device memory, first copying back ({@code keep}) what only the device holds of open tensors. */
        void close(boolean keep) {
            for (int b = 0; b < occupants.length; b++) {
                Storage s = occupants[b];
                if (s != null && s.owner() == this) {
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

    /** An execution plan of {@code graphs} on the backend's device, with its memory limit and profiler. */
    static TornadoExecutionPlan plan(TornadoBackend owner, ImmutableTaskGraph... graphs) {
        TornadoExecutionPlan plan = new TornadoExecutionPlan(graphs);
        plan.withDevice(owner.device().device());
        if (owner.memoryLimit() != null) {
            plan.withMemoryLimit(owner.memoryLimit());
        }
        if (owner.profiling()) {
            plan.withProfiler(ProfilerMode.SILENT);
        }
        return plan;
    }

    /**
     * Runs {@code plan}'s selected graph, a run of the task {@code label} over {@code n} elements per
     * buffer ({@code first}: its first run, which compiles it), counting the compilation and the
     * profiler's times; a failure is one line naming the task and the device.
     */
    static TornadoExecutionResult execute(TornadoBackend owner, TornadoExecutionPlan plan, String label, int n, boolean first) {
        if (first) {
            owner.countCompilation();
        }
        TornadoExecutionResult result;
        try {
            result = plan.execute();
        } catch (TornadoMemoryException | TornadoOutOfMemoryException e) {
            throw new IllegalStateException(label + " ran out of memory on TornadoVM device "
                    + owner.device().label() + " (" + n + " elements per buffer"
                    + (owner.memoryLimit() == null ? "" : ", memory-limit=" + owner.memoryLimit()) + "): " + firstLine(e), e);
        } catch (RuntimeException e) {
            throw new IllegalStateException(label + " failed on TornadoVM device "
                    + owner.device().label() + ": " + firstLine(e), e);
        }
        if (owner.profiling()) {
            TornadoProfilerResult p = result.getProfilerResult();
            owner.countTimes(true, p.getCompileTime(), p.getDeviceKernelTime(), p.getDataTransfersTime());
        }
        return result;
    }

    /**
     * Copies {@code array}'s device data, which the graph that produced {@code result} holds, back
     * into it and into {@code storage}'s host array (of the same length), counting the copy; a
     * failure names {@code label} and the device.
     */
    static void download(TornadoBackend owner, TornadoExecutionResult result, float[] array, Storage storage, String label) {
        long start = System.nanoTime();
        try {
            result.transferToHost(array);
            if (owner.profiling()) {
                owner.countTimes(false, 0, 0, System.nanoTime() - start);
            }
        } catch (RuntimeException e) {
            throw new IllegalStateException(label + ": copying a result back from TornadoVM device "
                    + owner.device().label() + " failed: " + firstLine(e), e);
        }
        System.arraycopy(array, 0, storage.host, 0, array.length);
        owner.countToHost(storage.bytes());
    }

    /** The first line of the deepest cause of {@code e}, for one-line errors. */
    static String firstLine(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String m = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return m.lines().map(String::strip).filter(l -> !l.isEmpty()).findFirst().orElse(root.getClass().getName());
    }
}
