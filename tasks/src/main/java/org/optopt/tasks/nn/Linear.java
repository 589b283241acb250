package org.optopt.tasks.nn;

import java.util.SplittableRandom;
import org.optopt.api.optim.Parameter;
import org.optopt.api.tensor.Shape;
import org.optopt.tasks.autodiff.Linalg;
import org.optopt.tasks.autodiff.Var;

/** A fully connected layer {@code y = x W^T + b} with {@code W} of shape {@code [out, in]} (PyTorch's layout). */
public final class Linear implements Network {
    private final String name;
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
        this.name = name;
        this.weight = params.add(name + ".weight",
                init.weight(params.backend(), Shape.matrix(out, in), in, out, seeds.nextLong()));
        this.bias = withBias
                ? params.add(name + ".bias", init.bias(params.backend(), Shape.vector(out), in, seeds.nextLong()))
                : null;
    }

    /** The layer applied to a batch {@code x} of shape {@code [n, in]}. */
    @Override
    public Var forward(Var x) {
        return Linalg.affine(x, ParameterStore.bind(x.tape(), weight),
                bias == null ? null : ParameterStore.bind(x.tape(), bias));
    }

    /** This layer's count, its input being data (no input gradient). */
    @Override
    public Flops flops() {
        return new Flops(java.util.List.of(flops(false)));
    }

    /** This layer's count; {@code inputGradient} false where its input is data. */
    public Flops.Layer flops(boolean inputGradient) {
        Shape w = weight.value().shape();
        return Flops.dense(name, w.dim(1), w.dim(0), bias != null, inputGradient);
    }

    /** The weight parameter. */
    public Parameter weight() {
        return weight;
    }
}
