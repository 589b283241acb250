package org.optopt.backend.tornado.device;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.optopt.backend.tornado.StepCaptures;
import uk.ac.manchester.tornado.api.ImmutableTaskGraph;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.TornadoExecutionPlan;
import uk.ac.manchester.tornado.api.TornadoExecutionResult;
import uk.ac.manchester.tornado.api.annotations.Parallel;
import uk.ac.manchester.tornado.api.enums.DataTransferMode;
import uk.ac.manchester.tornado.api.exceptions.TornadoExecutionPlanException;

/**
 * Automatic step capture ({@code capture=on}): a training loop's repeating sequence of device task
 * calls, recorded and run as the graphs of ONE TornadoVM execution plan, so that a tensor one task
 * writes and another reads stays on the device. TornadoVM 5.2 shares device memory only between the
 * graphs of one plan ({@code docs/tornado.md}, "One plan for a whole step?"); each task's own plans
 * ({@link DevicePlans}) hand their results to each other through the host.
 *
 * <p><b>Recording.</b> Every call of a device task that runs on its own plans is recorded (the task,
 * the tensors of its buffers, their versions, and whether a device task had written each). When the
 * last {@code p} calls repeat the {@code p} before them call for call (the same task, element count,
 * buffer lengths and sharing), the two windows share the same pattern of tensors, and a call of the
 * second reads a tensor that a call of the first wrote (a parameter or an optimizer's state: a
 * training step, not a run of similar calls within one, such as zeroing gradients), the second
 * window becomes a captured {@link Step}.
 *
 * <p><b>The captured plan.</b> The tensors of the window are grouped into <em>roles</em>: one array
 * each, shared by every call that binds the same tensor in the window (a parameter the first product
 * reads and the optimizer writes; an activation a kernel writes and the next product reads); a
 * tensor one step hands to the next (a parameter) is the same tensor at the same places in both
 * windows, so its role's array carries it over. The plan holds a loading graph, which copies every role's array in, and one graph
 * per call; a call's graph copies in the arrays that the recording saw coming from the host at that
 * call (neither written by a device task nor unchanged since the window before: the batch, a
 * gradient the host computed), takes every other array from the graph run before it
 * ({@code consumeFromDevice}: TornadoVM 5.2 hands a graph's device buffers to the next graph of the
 * plan that runs, so every graph lists every array) and keeps every array on the device; the
 * reduction terms come back at every run. Measured on PoCL first: a graph passing on an array that
 * its task does not use keeps it on the device, and the graph that ran last gives any array back on
 * demand.
 *
 * <p><b>Replay.</b> While the calls match the recorded ones (the cheap check of
 * {@link Step#expects}), each runs its graph; a tensor that a graph writes is current on the device
 * only ({@link Storage.Holder}), until the host reads it. Before a graph that takes an array from the
 * device, each such tensor must be the role's and current in this plan; if not (the first replay,
 * a host write since, a tensor last written by a task outside the plan) the step first reloads:
 * it copies back what only its device memory holds, binds the call's tensors and the tensors last
 * seen in the other roles, and runs the loading graph. Host primitives between calls read their
 * operands back as usual, and a tensor the host then changes is copied in again by the graph
 * that reads it (copy-in roles) or by a reload. A call that does not match ends the replay: the
 * tensors only the plan's device memory holds come back to the host, and the call runs on its own
 * plans, recorded again. Captured steps stay compiled (at most {@value #KEPT}, at most
 * {@value #BUILDS} built): a later call matching one's first call resumes it (unless the last
 * replay such a call started ended before the whole step ran: a step that begins like another, such
 * as an evaluation's forward pass and a training step), and a repeating window equal to a kept
 * step (possibly rotated, possibly repeated) resumes it instead of building another plan. A step
 * whose replays keep ending early is dropped and not captured again ({@link #fallBack}). Each graph
 * computes with the task's own code, so a replay gives the per-task path's floats.
 *
 * <p>Not captured: tasks whose buffers travel packed in one table ({@link KernelSource#packed}).
 * Callers hold the backend's lock.
 */
final class StepCapture {
    /** The longest step, in device task calls, that is looked for. */
    private static final int LONGEST = 1024;
    /** The most captured steps kept compiled, and the most one backend builds. */
    private static final int KEPT = 4;
    private static final int BUILDS = 16;
    /** The short replays after which a captured step is dropped. */
    private static final int SHORT = 3;

    private final TornadoBackend owner;
    private final List<Call> history = new ArrayList<>();
    /** The captured steps, least recently used first. */
    private final List<Step> kept = new ArrayList<>();
    /** The calls of dropped steps, not captured again. */
    private final List<Call[]> rejected = new ArrayList<>();
    private Step active;
    private long builds;
    private long replayedSteps;
    private long replayedCalls;
    private long fallBacks;
    private long loads;

    StepCapture(TornadoBackend owner) {
        this.owner = owner;
    }

    /** What step capture has done so far. */
    StepCaptures.Counts counts() {
        return new StepCaptures.Counts(builds, replayedSteps, replayedCalls, fallBacks, loads);
    }

    /**
     * Runs the call as the next graph of the active captured step, or of a kept one whose first call
     * it is, and returns its reduction terms; returns null (the caller runs it on the task's own
     * plans) where no captured step expects it, ending the active one's replay.
     */
    float[] replay(DevicePlans plans, Storage[] storages, int n, float[] uniforms) {
        if (active != null && !active.expects(plans, storages, n)) {
            fallBack();
        }
        if (active == null) {
            Step start = kept.stream().filter(s -> s.resumable && s.expectsAt(0, plans, storages, n)).findFirst().orElse(null);
            if (start == null) {
                return null;
            }
            use(start, 0);
            start.resumed = true;
        }
        float[] terms = active.run(storages, uniforms);
        replayedCalls++;
        if (active.position == 0) {
            replayedSteps++;
            active.windows++;
        }
        return terms;
    }

    /**
     * Ends the active step's replay. A replay started by a call like the step's first that did not
     * run the whole step (a step that begins like another, such as an evaluation's forward pass and
     * a training step) stops such starts until a recording repeats the step again. A replay started
     * by a recording that ran the step fewer than twice is short; after {@value #SHORT} short
     * replays the step is dropped and not captured again, nor any repetition of it (an inner loop
     * of a longer step, such as a network's forward passes inside a training step, which would keep
     * the longer step from being captured).
     */
    private void fallBack() {
        Step s = active;
        s.release();
        active = null;
        fallBacks++;
        history.clear();
        if (s.resumed) {
            s.resumable = s.windows > 0;
        } else if (s.windows < 2 && ++s.shortReplays >= SHORT) {
            kept.remove(s);
            s.close();
            rejected.add(s.calls);
        }
    }

    /** Records a call about to run on its task's own plans, and captures the step if the calls now repeat. */
    void record(DevicePlans plans, Storage[] storages, int n) {
        history.add(new Call(plans, storages.clone(), n,
                Arrays.stream(storages).mapToLong(Storage::version).toArray(), held(storages)));
        if (history.size() > 2 * LONGEST) {
            history.subList(0, history.size() - LONGEST).clear();
        }
        int size = history.size();
        for (int p = 1; p <= Math.min(LONGEST, size / 2); p++) {
            if (!repeats(p) || !capturable(p)) {
                continue;
            }
            List<Call> window = List.copyOf(history.subList(size - p, size));
            if (rejected.stream().anyMatch(r -> rotation(r, window) >= 0)) {
                continue;
            }
            List<Call> before = List.copyOf(history.subList(size - 2 * p, size - p));
            history.clear();
            for (Step s : kept) {
                int at = rotation(s.calls, window);
                if (at >= 0) {
                    s.resumable = true;
                    use(s, at);
                    return;
                }
            }
            if (builds < BUILDS) {
                Step s = new Step(window, before);
                builds++;
                kept.add(s);
                if (kept.size() > KEPT) {
                    kept.removeFirst().close();
                }
                use(s, 0);
            }
            return;
        }
    }

    private static boolean[] held(Storage[] storages) {
        boolean[] held = new boolean[storages.length];
        for (int b = 0; b < held.length; b++) {
            held[b] = storages[b].owner() != null;
        }
        return held;
    }

    private void use(Step s, int position) {
        kept.remove(s);
        kept.add(s);
        active = s;
        s.position = position;
        s.windows = 0;
        s.resumed = false;
    }

    /**
     * Where {@code window} (calls of the same kinds as {@code calls}, repeated and rotated) leaves
     * {@code calls}: the position of the call after it, or -1 if it is no such repetition.
     */
    private static int rotation(Call[] calls, List<Call> window) {
        int p = calls.length;
        if (window.size() % p != 0) {
            return -1;
        }
        for (int k = 0; k < p; k++) {
            boolean same = true;
            for (int j = 0; j < window.size() && same; j++) {
                same = window.get(j).sameKind(calls[(k + j) % p]);
            }
            if (same) {
                return k;
            }
        }
        return -1;
    }

    /** Whether the last {@code p} calls are of the kinds of the {@code p} before them. */
    private boolean repeats(int p) {
        int size = history.size();
        for (int k = 0; k < p; k++) {
            if (!history.get(size - 1 - k).sameKind(history.get(size - 1 - p - k))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether the repeating windows of {@code p} calls make a training step: no packed task, the same
     * pattern of shared tensors in both, and a tensor that a call of the later window reads after a
     * call of the earlier one wrote it (a parameter, an optimizer's state): a run of similar calls
     * within a step (zeroing gradients) has none.
     */
    private boolean capturable(int p) {
        int size = history.size();
        List<Call> a = history.subList(size - 2 * p, size - p);
        List<Call> b = history.subList(size - p, size);
        Set<Storage> written = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Call c : a) {
            if (c.plans.task().packed()) {
                return false;
            }
            for (int k = 0; k < c.storages.length; k++) {
                if (c.plans.task().stores(k)) {
                    written.add(c.storages[k]);
                }
            }
        }
        boolean carried = false;
        for (Call c : b) {
            for (int k = 0; k < c.storages.length; k++) {
                carried |= c.plans.task().reads(k) && written.contains(c.storages[k]);
            }
        }
        return carried && samePattern(a, b);
    }

    /** Whether two windows of the same kinds bind one tensor at exactly the same sets of places. */
    private static boolean samePattern(List<Call> a, List<Call> b) {
        Map<Storage, Integer> firstA = new IdentityHashMap<>();
        Map<Storage, Integer> firstB = new IdentityHashMap<>();
        for (int i = 0; i < a.size(); i++) {
            Storage[] sa = a.get(i).storages;
            Storage[] sb = b.get(i).storages;
            for (int k = 0; k < sb.length; k++) {
                int pa = firstA.computeIfAbsent(sa[k], x -> firstA.size());
                int pb = firstB.computeIfAbsent(sb[k], x -> firstB.size());
                if (pa != pb) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Frees every captured step's device memory (the backend is closing: nothing is copied back). */
    void close() {
        kept.forEach(Step::close);
        kept.clear();
        active = null;
    }

    /** An empty task over an array: the loading graph's task (TornadoVM runs a graph for its tasks). */
    static void touch(float[] a) {
        for (@Parallel int i = 0; i < 1; i++) {
            a[i] = a[i];
        }
    }

    /**
     * A recorded call: the task's plans, the tensors of its buffers, their versions and whether a
     * device task held each ({@code held}: its data came from the device, not the host), and the
     * element count.
     */
    private record Call(DevicePlans plans, Storage[] storages, int n, long[] versions, boolean[] held) {
        /** The same task over the same element count, buffer lengths and sharing of buffers. */
        boolean sameKind(Call o) {
            if (plans != o.plans || n != o.n) {
                return false;
            }
            for (int b = 0; b < storages.length; b++) {
                if (storages[b].host.length != o.storages[b].host.length) {
                    return false;
                }
                for (int c = 0; c < b; c++) {
                    if ((storages[b] == storages[c]) != (o.storages[b] == o.storages[c])) {
                        return false;
                    }
                }
            }
            return true;
        }
    }

    /** A captured step: one execution plan, its loading graph and a graph per recorded call, over arrays by role. */
    private final class Step implements Storage.Holder {
        private final Call[] calls;
        /** The role of each call's buffers, and whether a call's graph copies a buffer's role in (first buffer of a role only). */
        private final int[][] roles;
        private final boolean[][] copyIn;
        private final boolean[][] reads;
        private final boolean[][] stores;
        private final float[][] arrays;
        private final float[][] uniforms;
        private final float[][] terms;
        /** The tensor each role's array holds (or is about to), the tensor last seen in it, and the reverse. */
        private final Storage[] bound;
        private final Storage[] lastSeen;
        private final Map<Storage, Integer> roleOf = new IdentityHashMap<>();
        private final TornadoExecutionPlan plan;
        private final boolean[] ran;
        private TornadoExecutionResult result;
        private int selected = -1;
        private int position;
        /**
         * Whole steps run since the replay started, whether a call like its first started it, short
         * replays so far, and whether a call like its first may start a replay.
         */
        private int windows;
        private boolean resumed;
        private int shortReplays;
        private boolean resumable = true;

        /** Captures {@code window}, the calls after {@code before} (the same kinds, one step earlier). */
        Step(List<Call> window, List<Call> before) {
            int p = window.size();
            this.calls = window.toArray(Call[]::new);
            this.roles = new int[p][];
            this.copyIn = new boolean[p][];
            this.reads = new boolean[p][];
            this.stores = new boolean[p][];
            Map<Storage, Integer> roleOfTensor = new IdentityHashMap<>();
            List<float[]> roleArrays = new ArrayList<>();
            for (int i = 0; i < p; i++) {
                Storage[] s = calls[i].storages;
                roles[i] = new int[s.length];
                for (int b = 0; b < s.length; b++) {
                    roles[i][b] = roleOfTensor.computeIfAbsent(s[b], t -> {
                        roleArrays.add(new float[t.host.length]);
                        return roleArrays.size() - 1;
                    });
                }
            }
            this.arrays = roleArrays.toArray(float[][]::new);
            int roleCount = arrays.length;
            this.bound = new Storage[roleCount];
            this.lastSeen = new Storage[roleCount];
            for (int i = 0; i < p; i++) {
                DeviceTask task = calls[i].plans.task();
                Storage[] s = calls[i].storages;
                reads[i] = new boolean[s.length];
                stores[i] = new boolean[s.length];
                copyIn[i] = new boolean[s.length];
                for (int b = 0; b < s.length; b++) {
                    int first = firstOfRole(i, b);
                    reads[i][first] |= task.reads(b);
                    stores[i][first] |= task.stores(b);
                    lastSeen[roles[i][b]] = s[b];
                }
                for (int b = 0; b < s.length; b++) {
                    copyIn[i][b] = firstOfRole(i, b) == b && reads[i][b] && fromHost(i, b, before);
                }
            }
            this.uniforms = new float[p][];
            this.terms = new float[p][];
            ImmutableTaskGraph[] graphs = new ImmutableTaskGraph[p + 1];
            String name = "optoptstep" + System.identityHashCode(this) + "g";
            TaskGraph load = new TaskGraph(name + "l").transferToDevice(DataTransferMode.EVERY_EXECUTION, (Object[]) arrays)
                    .task("t", StepCapture::touch, arrays[0])
                    .persistOnDevice((Object[]) arrays);
            graphs[0] = load.snapshot();
            for (int i = 0; i < p; i++) {
                DeviceTask task = calls[i].plans.task();
                uniforms[i] = new float[Math.max(1, task.uniforms())];
                terms[i] = new float[Math.multiplyExact(task.reductions(), calls[i].n)];
                graphs[i + 1] = graph(name + i, i).snapshot();
            }
            this.ran = new boolean[p + 1];
            this.plan = DevicePlans.plan(owner, graphs);
        }

        /** Call {@code i}'s graph: copies in its copy-in roles and the uniforms, takes every other array from the device, keeps them all there. */
        private TaskGraph graph(String name, int i) {
            DeviceTask task = calls[i].plans.task();
            Set<Object> in = new LinkedHashSet<>();
            in.add(uniforms[i]);
            Object[] bufferArrays = new Object[roles[i].length];
            for (int b = 0; b < roles[i].length; b++) {
                bufferArrays[b] = arrays[roles[i][b]];
                if (copyIn[i][b]) {
                    in.add(arrays[roles[i][b]]);
                }
            }
            List<Object> consumed = new ArrayList<>();
            for (float[] a : arrays) {
                if (!in.contains(a)) {
                    consumed.add(a);
                }
            }
            TaskGraph graph = new TaskGraph(name).transferToDevice(DataTransferMode.EVERY_EXECUTION, in.toArray());
            if (!consumed.isEmpty()) {
                graph.consumeFromDevice(consumed.toArray());
            }
            task.addTo(graph, bufferArrays, task.reductions() > 0 ? terms[i] : null, uniforms[i], calls[i].n);
            graph.persistOnDevice((Object[]) arrays);
            if (task.reductions() > 0) {
                graph.transferToHost(DataTransferMode.EVERY_EXECUTION, terms[i]);
            }
            return graph;
        }

        /** The first buffer of call {@code i} in the role of its buffer {@code b}. */
        private int firstOfRole(int i, int b) {
            int c = 0;
            while (roles[i][c] != roles[i][b]) {
                c++;
            }
            return c;
        }

        /**
         * Whether the recording saw buffer {@code b} of call {@code i} come from the host: no device
         * task held its tensor, it is not the same unchanged tensor as one step before, and no earlier
         * call of the window read or wrote the same unchanged tensor.
         */
        private boolean fromHost(int i, int b, List<Call> before) {
            Call c = calls[i];
            Storage s = c.storages[b];
            if (c.held[b] || before.get(i).storages[b] == s && before.get(i).versions[b] == c.versions[b]) {
                return false;
            }
            for (int j = 0; j < i; j++) {
                for (int k = 0; k < calls[j].storages.length; k++) {
                    if (calls[j].storages[k] == s && calls[j].versions[k] == c.versions[b]) {
                        return false;
                    }
                }
            }
            return true;
        }

        /** Whether the next call is {@code plans} over tensors fitting the recorded call's roles. */
        boolean expects(DevicePlans plans, Storage[] storages, int n) {
            return expectsAt(position, plans, storages, n);
        }

        boolean expectsAt(int i, DevicePlans plans, Storage[] storages, int n) {
            Call c = calls[i];
            if (c.plans != plans || c.n != n) {
                return false;
            }
            for (int b = 0; b < storages.length; b++) {
                if (storages[b].host.length != c.storages[b].host.length) {
                    return false;
                }
                for (int a = 0; a < b; a++) {
                    if ((storages[a] == storages[b]) != (roles[i][a] == roles[i][b])) {
                        return false;
                    }
                }
            }
            return true;
        }

        /** Runs the call at {@code position} over {@code storages} and returns its reduction terms. */
        float[] run(Storage[] storages, float[] values) {
            int i = position;
            DeviceTask task = calls[i].plans.task();
            if (!ran[0] || !resident(i, storages)) {
                reload(i, storages);
            }
            for (int b = 0; b < storages.length; b++) {
                if (firstOfRole(i, b) != b) {
                    continue;
                }
                if (copyIn[i][b]) {
                    bind(roles[i][b], storages[b]);
                    float[] host = storages[b].forHostRead();
                    System.arraycopy(host, 0, arrays[roles[i][b]], 0, host.length);
                    owner.countToDevice(storages[b].bytes());
                } else if (!reads[i][b]) {
                    bind(roles[i][b], storages[b]);
                }
            }
            System.arraycopy(values, 0, uniforms[i], 0, values.length);
            select(i + 1);
            result = DevicePlans.execute(owner, plan, task.label(), calls[i].n, !ran[i + 1]);
            ran[i + 1] = true;
            for (int b = 0; b < storages.length; b++) {
                if (firstOfRole(i, b) != b) {
                    continue;
                }
                if (stores[i][b]) {
                    storages[b].writtenOnDevice(this);
                } else if (copyIn[i][b]) {
                    storages[b].copiedToDevice(this);
                }
                lastSeen[roles[i][b]] = storages[b];
            }
            if (task.reductions() > 0) {
                owner.countToHost((long) terms[i].length * Float.BYTES);
            }
            position = (i + 1) % calls.length;
            return terms[i];
        }

        /** Whether every array call {@code i} takes from the device holds the current data of the call's tensor. */
        private boolean resident(int i, Storage[] storages) {
            for (int b = 0; b < storages.length; b++) {
                if (reads[i][b] && !copyIn[i][b] && (bound[roles[i][b]] != storages[b] || storages[b].owner() != this)) {
                    return false;
                }
            }
            return true;
        }

        /**
         * Copies back what only this step's device memory holds, binds call {@code i}'s tensors that
         * its graph takes from the device and, in roles left empty, the tensors last seen there, and
         * runs the loading graph, which copies every array in.
         */
        private void reload(int i, Storage[] storages) {
            loads++;
            for (Storage s : bound) {
                if (s != null) {
                    s.detach(this);
                }
            }
            for (int b = 0; b < storages.length; b++) {
                if (reads[i][b] && !copyIn[i][b]) {
                    bind(roles[i][b], storages[b]);
                }
            }
            for (int r = 0; r < bound.length; r++) {
                if (bound[r] != null && bound[r].released()) {
                    roleOf.remove(bound[r]);
                    bound[r] = null;
                }
                Storage seen = lastSeen[r];
                if (bound[r] == null && seen != null && !seen.released() && !roleOf.containsKey(seen)) {
                    bind(r, seen);
                }
            }
            for (int r = 0; r < bound.length; r++) {
                if (bound[r] != null) {
                    float[] host = bound[r].forHostRead();
                    System.arraycopy(host, 0, arrays[r], 0, host.length);
                }
                owner.countToDevice((long) arrays[r].length * Float.BYTES);
            }
            select(0);
            result = DevicePlans.execute(owner, plan, "Captured step (loading graph)", arrays[0].length, !ran[0]);
            ran[0] = true;
            for (Storage s : bound) {
                if (s != null) {
                    s.copiedToDevice(this);
                }
            }
        }

        /** Makes {@code s} the tensor of role {@code r}: the tensor there before, and {@code s} in another role, let go of this step's device copies. */
        private void bind(int r, Storage s) {
            Storage old = bound[r];
            if (old == s) {
                return;
            }
            if (old != null) {
                old.detach(this);
                roleOf.remove(old);
            }
            Integer other = roleOf.get(s);
            if (other != null) {
                s.detach(this);
                bound[other] = null;
            }
            bound[r] = s;
            roleOf.put(s, r);
        }

        private void select(int graph) {
            if (graph != selected) {
                plan.withGraph(graph);
                selected = graph;
            }
        }

        @Override
        public void download(Storage storage) {
            float[] array = arrays[roleOf.get(storage)];
            DevicePlans.download(owner, result, array, storage, "Captured step");
        }

        /** Ends a replay: what only this step's device memory holds comes back, and no tensor is bound. */
        void release() {
            for (Storage s : bound) {
                if (s != null) {
                    s.detach(this);
                }
            }
            Arrays.fill(bound, null);
            roleOf.clear();
            position = 0;
        }

        /** Frees the plan's device memory (the step is dropped or the backend closes: nothing is copied back). */
        void close() {
            try {
                plan.freeDeviceMemory();
                plan.close();
            } catch (TornadoExecutionPlanException | RuntimeException e) {
                // freeing device memory of a plan being dropped: nothing else to do
            }
        }
    }
}
