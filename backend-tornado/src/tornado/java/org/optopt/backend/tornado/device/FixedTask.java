package org.optopt.backend.tornado.device;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import uk.ac.manchester.tornado.api.TaskGraph;

/**
 * A {@link DeviceTask} of one fixed shape, described by its parts: a primitive such as a transpose
 * of a given matrix shape or a reduction of a given length, whose dimensions are constants of the
 * task (passed to TornadoVM as {@code int} arguments), its buffers bound one array each (never
 * packed). {@link Cache} keeps one {@link DevicePlans} per such task, so each shape compiles once.
 *
 * @param label      how errors name the task, e.g. {@code Transpose [3 x 5]}
 * @param stored     bit {@code b} set if the task writes buffer {@code b}
 * @param read       bit {@code b} set if the task reads buffer {@code b}
 * @param buffers    how many arrays the task binds
 * @param reductions how many terms per work-item the task brings back
 * @param uniforms   how many uniform float slots the task reads
 * @param adder      adds the TornadoVM task over the buffers' arrays, the terms and the uniforms
 */
record FixedTask(String label, int buffers, int stored, int read, int reductions, int uniforms, Adder adder)
        implements DeviceTask {

    /** The uniforms of a task that reads none (shared: a run only reads them). */
    static final float[] NO_UNIFORMS = new float[0];

    /** Adds a task to a graph over the buffers' arrays, the reduction terms (or null) and the uniform slots. */
    @FunctionalInterface
    interface Adder {
        void add(TaskGraph graph, Object[] arrays, float[] terms, float[] uniforms);
    }

    @Override
    public boolean stores(int b) {
        return (stored >> b & 1) != 0;
    }

    @Override
    public boolean reads(int b) {
        return (read >> b & 1) != 0;
    }

    @Override
    public boolean packed() {
        return false;
    }

    @Override
    public void addTo(TaskGraph graph, Object[] arrays, float[] terms, float[] uniforms, int n) {
        adder.add(graph, arrays, terms, uniforms);
    }

    /**
     * The plans of fixed tasks by key (a record of the primitive's kind and dimensions): each key's
     * task is built and compiled once. Callers hold the backend's lock.
     */
    static final class Cache {
        private final TornadoBackend owner;
        private final Map<Object, DevicePlans> plans = new HashMap<>();

        Cache(TornadoBackend owner) {
            this.owner = owner;
        }

        /**
         * Runs the task of {@code key} (built by {@code task} on first use) over {@code storages},
         * {@code n} work-items, with these uniforms, and returns its reduction terms.
         */
        float[] run(Object key, Supplier<FixedTask> task, Storage[] storages, int n, float[] uniforms) {
            return plans.computeIfAbsent(key, k -> new DevicePlans(owner, task.get())).run(storages, n, uniforms);
        }

        /** Frees every task's device memory (the backend is closing: nothing is copied back). */
        void close() {
            plans.values().forEach(DevicePlans::close);
            plans.clear();
        }
    }
}
