package org.optopt.backend.nd4j;

import java.util.Optional;
import org.optopt.api.bench.Incumbent;
import org.optopt.api.bench.IncumbentProvider;

/**
 * The benchmark peers of the {@code nd4j} backend: {@code adam} is ND4J's native
 * {@code adam_updater} op followed by {@code params.subi(update)} ({@link Nd4jAdamIncumbent}), over
 * fresh INDArrays (lr 1e-3, beta1 0.9, beta2 0.999, eps 1e-8). No other update has a peer.
 */
public final class Nd4jIncumbentProvider implements IncumbentProvider {

    @Override
    public String backend() {
        return Nd4jBackendProvider.NAME;
    }

    @Override
    public Optional<Incumbent> incumbent(String kernel, int size, int threads) {
        if (size < 1) {
            throw new IllegalArgumentException("incumbent size must be at least 1 but is " + size);
        }
        if (threads < 1) {
            throw new IllegalArgumentException("incumbent threads must be at least 1 but are " + threads);
        }
        return "adam".equals(kernel) ? Optional.of(new Nd4jAdamIncumbent(size, threads)) : Optional.empty();
    }
}
