package org.optopt.optimizers.golden;

import static org.optopt.api.kernel.Expr.buffer;
import static org.optopt.api.kernel.Expr.scalar;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.optopt.api.backend.Backend;
import org.optopt.api.backend.CompiledKernel;
import org.optopt.api.backend.KernelArgs;
import org.optopt.api.kernel.Expr;
import org.optopt.api.kernel.Kernel;
import org.optopt.api.optim.Parameter;
import org.optopt.api.optim.ParameterSet;
import org.optopt.api.tensor.Shape;
import org.optopt.api.tensor.Tensor;

/**
 * The deterministic problem of the golden files: for each parameter tensor, elementwise in float32,
 * {@code d = p - c; g_t = a*d + q*((d*d)*d) + noise[t]} (the gradient of
 * {@code sum(0.5*a*d^2 + 0.25*q*d^4) + sum(noise[t]*p)}), computed by one kernel on the backend.
 */
public final class QuarticProblem implements AutoCloseable {
    /** The gradient kernel. */
    public static final Kernel GRADIENT = Kernel.builder("quartic_gradient")
            .let("d", buffer("p").minus(buffer("c")))
            .store("g", buffer("a").times(Expr.local("d"))
                    .plus(scalar("q").times(Expr.local("d").times(Expr.local("d")).times(Expr.local("d"))))
                    .plus(buffer("noise")))
            .build();

    private final int steps;
    private final List<Parameter> parameters = new ArrayList<>();
    private final Map<String, float[][]> noise = new LinkedHashMap<>();
    private final Map<String, Tensor> noiseTensors = new LinkedHashMap<>();
    private final Map<String, KernelArgs> args = new LinkedHashMap<>();
    private final List<Tensor> owned = new ArrayList<>();
    private final CompiledKernel kernel;

    /**
     * Reads the problem (fields {@code steps}, {@code q}, {@code tensors}) and creates its
     * parameters at {@code p0} on {@code backend}.
     *
     * @throws IllegalArgumentException naming a missing or malformed field
     */
    public QuarticProblem(Map<String, Object> json, Backend backend) {
        this.steps = (int) JsonFields.number(JsonFields.field(json, "steps", "$"), "$.steps");
        double q = JsonFields.number(JsonFields.field(json, "q", "$"), "$.q");
        this.kernel = backend.compile(GRADIENT);
        Map<String, Object> tensors = JsonFields.object(JsonFields.field(json, "tensors", "$"), "$.tensors");
        for (Map.Entry<String, Object> e : tensors.entrySet()) {
            String name = e.getKey();
            String path = "$.tensors." + name;
            Map<String, Object> t = JsonFields.object(e.getValue(), path);
            Shape shape = Shape.of(JsonFields.ints(JsonFields.field(t, "shape", path), path + ".shape"));
            Tensor p = own(backend.fromArray(floats(t, "p0", path, shape), shape));
            Tensor g = own(backend.zeros(shape));
            List<Object> rows = JsonFields.array(JsonFields.field(t, "noise", path), path + ".noise");
            if (rows.size() < steps) {
                throw new IllegalArgumentException("Field " + path + ".noise has " + rows.size() + " rows, fewer than "
                        + steps + " steps");
            }
            float[][] n = new float[steps][];
            for (int i = 0; i < steps; i++) {
                n[i] = JsonFields.floats(rows.get(i), path + ".noise[" + i + "]");
                requireSize(n[i], shape, path + ".noise[" + i + "]");
            }
            Tensor noiseTensor = own(backend.zeros(shape));
            KernelArgs a = kernel.args().buffer("p", p).buffer("g", g)
                    .buffer("a", own(backend.fromArray(floats(t, "a", path, shape), shape)))
                    .buffer("c", own(backend.fromArray(floats(t, "c", path, shape), shape)))
                    .buffer("noise", noiseTensor)
                    .scalar("q", q);
            parameters.add(new Parameter(name, p, g));
            noise.put(name, n);
            noiseTensors.put(name, noiseTensor);
            args.put(name, a);
        }
        if (parameters.isEmpty()) {
            throw new IllegalArgumentException("Field $.tensors holds no tensor");
        }
    }

    private static float[] floats(Map<String, Object> t, String key, String path, Shape shape) {
        float[] v = JsonFields.floats(JsonFields.field(t, key, path), path + "." + key);
        requireSize(v, shape, path + "." + key);
        return v;
    }

    private static void requireSize(float[] v, Shape shape, String path) {
        if (v.length != shape.size()) {
            throw new IllegalArgumentException("Field " + path + " has " + v.length + " values, shape " + shape
                    + " needs " + shape.size());
        }
    }

    private Tensor own(Tensor t) {
        owned.add(t);
        return t;
    }

    /** The number of steps of the trajectory. */
    public int steps() {
        return steps;
    }

    /** The parameters (values at p0 until stepped; gradients written by {@link #computeGradients(int)}). */
    public List<Parameter> parameters() {
        return parameters;
    }

    /** All parameters in one group. */
    public ParameterSet parameterSet() {
        return ParameterSet.of(parameters);
    }

    /** Writes {@code g_t} at the current parameter values into every parameter's gradient. */
    public void computeGradients(int t) {
        for (Parameter p : parameters) {
            noiseTensors.get(p.name()).copyFrom(noise.get(p.name())[t]);
            kernel.run(args.get(p.name()));
        }
    }

    @Override
    public void close() {
        owned.forEach(Tensor::close);
    }
}
