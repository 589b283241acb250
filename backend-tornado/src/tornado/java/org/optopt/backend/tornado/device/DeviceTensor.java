package org.optopt.backend.tornado.device;

import org.optopt.api.backend.support.HeapTensor;
import org.optopt.api.tensor.Shape;
import org.optopt.api.tensor.Tensor;

/**
 * A tensor of the {@code tornado} backend: a shape over a {@link Storage}, shared with its reshaped
 * views. {@link #host} is the same memory as a heap tensor of the backend's host arithmetic, which
 * the backend hands to that arithmetic after making the host copy current.
 */
final class DeviceTensor implements Tensor {
    final TornadoBackend owner;
    final Storage storage;
    final HeapTensor host;
    private final boolean view;

    DeviceTensor(TornadoBackend owner, Storage storage, HeapTensor host, boolean view) {
        this.owner = owner;
        this.storage = storage;
        this.host = host;
        this.view = view;
    }

    @Override
    public Shape shape() {
        return host.shape();
    }

    @Override
    public float[] toArray() {
        synchronized (owner) {
            if (!host.isClosed()) {
                storage.forHostRead();
            }
            return host.toArray();
        }
    }

    @Override
    public void copyFrom(float[] data) {
        synchronized (owner) {
            if (!host.isClosed() && data.length == storage.host.length) {
                storage.forHostOverwrite();
            }
            host.copyFrom(data);
        }
    }

    @Override
    public boolean isClosed() {
        return host.isClosed();
    }

    @Override
    public void close() {
        synchronized (owner) {
            if (!view) {
                storage.release();
            }
            host.close();
        }
    }

    @Override
    public String toString() {
        return "TornadoTensor" + shape() + (isClosed() ? " (closed)" : "");
    }
}
