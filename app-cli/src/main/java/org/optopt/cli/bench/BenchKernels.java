package org.optopt.cli.bench;

import static org.optopt.api.kernel.Expr.buffer;
import static org.optopt.api.kernel.Expr.scalar;

import java.util.Map;
import java.util.TreeMap;
import org.optopt.api.kernel.Expr;
import org.optopt.api.kernel.Kernel;

/**
 * The kernels {@code optopt bench kernel} can time, with the scalar values used. Adam is written
 * exactly as in ARCHITECTURE.md: the step count {@code t} is a runtime scalar, so the bias
 * corrections are uniform subexpressions evaluated once per call.
 */
final class BenchKernels {
    /** A benchmarkable kernel and the scalar values to bind. */
    record Entry(Kernel kernel, Map<String, Double> scalars) {}

    private static final Map<String, Entry> KERNELS = new TreeMap<>(Map.of(
            "adam", new Entry(adam(), Map.of("lr", 1e-3, "b1", 0.9, "b2", 0.999, "eps", 1e-8, "t", 10.0)),
            "sgd", new Entry(Kernel.builder("sgd")
                    .store("p", buffer("p").minus(scalar("lr").times(buffer("g")))).build(), Map.of("lr", 1e-2))));

    private BenchKernels() {}

    private static Kernel adam() {
        Expr b1 = scalar("b1");
        Expr b2 = scalar("b2");
        Expr g = buffer("g");
        Expr t = scalar("t");
        return Kernel.builder("adam")
                .store("m", b1.times(buffer("m")).plus(b1.oneMinus().times(g)))
                .store("v", b2.times(buffer("v")).plus(b2.oneMinus().times(g).times(g)))
                .store("p", buffer("p").minus(scalar("lr").times(buffer("m").div(b1.pow(t).oneMinus()))
                        .div(buffer("v").div(b2.pow(t).oneMinus()).sqrt().plus(scalar("eps")))))
                .build();
    }

    /**
     * The kernel named {@code name}.
     *
     * @throws IllegalArgumentException for an unknown name, listing the known ones
     */
    static Entry get(String name) {
        Entry e = KERNELS.get(name);
        if (e == null) {
            throw new IllegalArgumentException("Unknown kernel '" + name + "'; known kernels: "
                    + String.join(", ", KERNELS.keySet()));
        }
        return e;
    }
}
