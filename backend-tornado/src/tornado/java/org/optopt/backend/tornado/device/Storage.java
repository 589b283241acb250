package org.optopt.backend.tornado.device;

/**
 * The memory behind a tensor and its views: a host array and, where a device task has written it, a
 * device copy in one {@link Holder}'s memory (a task execution of {@link DevicePlans}, or a captured
 * step of {@link StepCapture}). Which copy is current:
 * <ul>
 *   <li>{@code owner == null}: the host array alone;</li>
 *   <li>{@code owner != null}, {@code hostCurrent}: both, the device copy of {@code owner};</li>
 *   <li>{@code owner != null}, not {@code hostCurrent}: the device copy alone (a device task wrote it
 *       since the host last looked).</li>
 * </ul>
 * The host reads through {@link #forHostRead()}, which copies the device data back first where it
 * is newer, and writes through {@link #forHostWrite()} or {@link #forHostOverwrite()}, after which
 * the device copies are out of date. Callers hold the backend's lock.
 */
final class Storage {
    final float[] host;
    private Holder owner;
    private boolean hostCurrent = true;
    private boolean released;
    private long version;

    Storage(float[] host) {
        this.host = host;
    }

    /** The host array, current. */
    float[] forHostRead() {
        if (!hostCurrent) {
            owner.download(this);
            hostCurrent = true;
        }
        return host;
    }

    /** The host array, current, about to be changed in part (device copies become out of date). */
    float[] forHostWrite() {
        forHostRead();
        owner = null;
        version++;
        return host;
    }

    /** The host array, about to be overwritten whole: nothing is copied back, device copies become out of date. */
    float[] forHostOverwrite() {
        owner = null;
        hostCurrent = true;
        version++;
        return host;
    }

    /** The holder whose device copy is current, or null. */
    Holder owner() {
        return owner;
    }

    /** Records that a task of {@code holder} wrote the device copy, which is now the only current one. */
    void writtenOnDevice(Holder holder) {
        owner = holder;
        hostCurrent = false;
        version++;
    }

    /** Records that {@code holder} copied the current host data to the device: both copies are current. */
    void copiedToDevice(Holder holder) {
        forHostRead();
        owner = holder;
    }

    /**
     * Lets go of {@code holder}'s device copy, if it has the current one: the data comes back first
     * where the device copy is the only current one and the tensor is still open.
     */
    void detach(Holder holder) {
        if (owner == holder) {
            if (!released) {
                forHostRead();
            }
            owner = null;
            hostCurrent = true;
        }
    }

    /** Whether the device copy is the only current one. */
    boolean deviceOnly() {
        return !hostCurrent;
    }

    /** A number that changes whenever the data changes (so a copy of it can tell whether it is stale). */
    long version() {
        return version;
    }

    /** Whether the tensor that allocated this memory was closed (its executions may free their device copies). */
    boolean released() {
        return released;
    }

    void release() {
        released = true;
    }

    int bytes() {
        return host.length * Float.BYTES;
    }

    /** Device memory that can hold a tensor's current data: it copies that data back on demand. */
    interface Holder {
        /** Copies {@code storage}'s device data, which this holder has, to its host array. */
        void download(Storage storage);
    }
}
