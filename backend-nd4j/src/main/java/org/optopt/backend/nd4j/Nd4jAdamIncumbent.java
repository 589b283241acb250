package org.optopt.backend.nd4j;

import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.updaters.AdamUpdater;
import org.nd4j.linalg.factory.Nd4j;
import org.optopt.api.bench.Incumbent;

/**
 * ND4J's own Adam step, the way DL4J runs it: the native {@code adam_updater} custom op computes
 * the update and the new moments in place ({@code m}, {@code v}, {@code update}), then
 * {@code params.subi(update)}. Hyperparameters lr 1e-3, beta1 0.9, beta2 0.999, eps 1e-8; the
 * gradient is fixed normal noise and the iteration count advances with each step.
 */
final class Nd4jAdamIncumbent implements Incumbent {
    static final double LEARNING_RATE = 1e-3;
    static final double BETA1 = 0.9;
    static final double BETA2 = 0.999;
    static final double EPSILON = 1e-8;

    static {
        ClassPathAccess.open();
    }

    private final INDArray params;
    private final INDArray gradient;
    private final INDArray m;
    private final INDArray v;
    private final INDArray update;
    private int iteration;
    private boolean closed;

    Nd4jAdamIncumbent(int size, int threads) {
        Nd4j.getEnvironment().setMaxMasterThreads(threads);
        Nd4j.getEnvironment().setMaxThreads(threads);
        SplittableRandom random = new SplittableRandom(42);
        this.params = Nd4j.createFromArray(normal(random, size));
        this.gradient = Nd4j.createFromArray(normal(random, size));
        this.m = Nd4j.zeros(DataType.FLOAT, size);
        this.v = Nd4j.zeros(DataType.FLOAT, size);
        this.update = Nd4j.zeros(DataType.FLOAT, size);
    }

    private static float[] normal(SplittableRandom random, int size) {
        float[] a = new float[size];
        for (int i = 0; i < size; i++) {
            a[i] = (float) random.nextGaussian();
        }
        return a;
    }

    @Override
    public String description() {
        return "ND4J AdamUpdater (native op)";
    }

    @Override
    public void step() {
        if (closed) {
            throw new IllegalStateException("The ND4J Adam incumbent is closed");
        }
        Nd4j.exec(new AdamUpdater(gradient, v, m, update, v, m, LEARNING_RATE, BETA1, BETA2, EPSILON, iteration));
        params.subi(update);
        iteration++;
    }

    /** A copy of the parameters (for tests). */
    float[] params() {
        return params.toFloatVector();
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            for (INDArray a : new INDArray[] {params, gradient, m, v, update}) {
                a.close();
            }
        }
    }
}
