package org.optopt.backend.tornado.device;

import org.optopt.api.backend.support.HeapTensor;
import org.optopt.api.tensor.Precision;
import org.optopt.api.tensor.Shape;
import org.optopt.api.tensor.Tensor;

/**
 * A tensor of the {@code tornado} backend: a shape over a {@link Storage}, shared with its reshaped
 * views. {@link #host} is the same memory as a heap tensor of the backend's host arithmetic, which
 * the backend hands to that arithmetic after making the host copy current.
 *
 * <p>A {@link Precision#FLOAT16} tensor is stored as floats that are all float16 values (host copies
 * are rounded on the way in, device kernels round their stores, {@code PortableMath.roundToFloat16}):
 * the kernel language's semantics, without its halving of the bytes moved.
 */
final class DeviceTensor implements Tensor {
    final TornadoBackend owner;
    final Storage storage;
    final HeapTensor host;
    private final boolean view;
    private final Precision precision;

    DeviceTensor(TornadoBackend owner, Storage storage, HeapTensor host, boolean view, Precision precision) {
        this.owner = owner;
        this.storage = storage;
        this.host = host;
        this.view = view;
        this.precision = precision;
    }

    @Override
    public Precision precision() {
        return precision;
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
            if (precision == Precision.FLOAT16 && data.length == storage.host.length) {
                float[] rounded = new float[data.length];
                for (int i = 0; i < data.length; i++) {
                    rounded[i] = precision.round(data[i]);
                }
                host.copyFrom(rounded);
            } else {
                host.copyFrom(data);
            }
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
        return "TornadoTensor" + shape() + (precision == Precision.FLOAT16 ? " float16" : "") + (isClosed() ? " (closed)" : "");
    }
}
