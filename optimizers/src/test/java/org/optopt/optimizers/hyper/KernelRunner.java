package org.optopt.optimizers.hyper;

import java.util.LinkedHashMap;
import java.util.Map;
import org.optopt.api.backend.Backend;
import org.optopt.api.backend.CompiledKernel;
import org.optopt.api.backend.KernelArgs;
import org.optopt.api.kernel.Kernel;
import org.optopt.api.tensor.Shape;
import org.optopt.api.tensor.Tensor;

/** Runs one kernel on a backend over host arrays (for tests). */
final class KernelRunner {
    private KernelRunner() {}

    /** Runs {@code kernel} once; returns every buffer's elements afterwards. */
    static Map<String, float[]> run(Backend backend, Kernel kernel, Map<String, float[]> buffers, Map<String, Double> scalars) {
        CompiledKernel k = backend.compile(kernel);
        KernelArgs args = k.args();
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        int n = buffers.values().iterator().next().length;
        for (String b : kernel.buffers()) {
            float[] v = buffers.getOrDefault(b, new float[n]);
            Tensor t = backend.fromArray(v, Shape.vector(n));
            tensors.put(b, t);
            args.buffer(b, t);
        }
        scalars.forEach(args::scalar);
        k.run(args);
        Map<String, float[]> out = new LinkedHashMap<>();
        tensors.forEach((b, t) -> {
            out.put(b, t.toArray());
            t.close();
        });
        return out;
    }
}
