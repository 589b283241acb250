package org.optopt.tasks.nn;

import java.util.SplittableRandom;
import org.optopt.api.optim.Parameter;
import org.optopt.api.tensor.Shape;
import org.optopt.tasks.autodiff.Linalg;
import org.optopt.tasks.autodiff.Var;

/** A fully connected layer {@code y = x W^T + b} with {@code W} of shape {@code [out, in]} (PyTorch's layout). */
public final class Linear {
    private final Parameter weight;
    private final Parameter bias;

    /**
     * Creates {@code name.weight} and (if {@code withBias}) {@code name.bias} in {@code params},
     * initialized by {@code init} with seeds drawn from {@code seeds} (weight first).
     */
    public Linear(ParameterStore params, String name, int in, int out, boolean withBias, Init init,
            SplittableRandom seeds) {
        if (in <= 0 || out <= 0) {
            throw new IllegalArgumentException("Linear " + name + ": sizes must be positive, got " + in + " -> " + out);
        }
        this.weight = params.add(name + ".weight",
                init.weight(params.backend(), Shape.matrix(out, in), in, out, seeds.nextLong()));
        this.bias = withBias
                ? params.add(name + ".bias", init.bias(params.backend(), Shape.vector(out), in, seeds.nextLong()))
                : null;
    }

    /** The layer applied to a batch {@code x} of shape {@code [n, in]}. */
    public Var forward(Var x) {
        return Linalg.affine(x, ParameterStore.bind(x.tape(), weight),
                bias == null ? null : ParameterStore.bind(x.tape(), bias));
    }

    /** The weight parameter. */
    public Parameter weight() {
        return weight;
    }
}
