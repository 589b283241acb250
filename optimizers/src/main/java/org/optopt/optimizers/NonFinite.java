package org.optopt.optimizers;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.optopt.api.backend.Backend;
import org.optopt.api.backend.CompiledKernel;
import org.optopt.api.backend.KernelArgs;
import org.optopt.api.kernel.Expr;
import org.optopt.api.kernel.Kernel;
import org.optopt.api.kernel.ReduceOp;
import org.optopt.api.optim.Parameter;
import org.optopt.api.optim.ParameterSet;
import org.optopt.api.tensor.Tensor;

/**
 * Detection of NaN and infinite elements, the one mechanism every optimizer uses: the term
 * {@code x*0} is 0 for a finite element and NaN otherwise, so its maximum (or sum) over a tensor is
 * NaN exactly when an element is non-finite. A maximum vectorizes in compiled backends; elements
 * are counted on the host only to word an error.
 */
public final class NonFinite {
    private NonFinite() {}

    /** {@code x*0}: 0 for a finite element, NaN otherwise. */
    public static Expr term(Expr x) {
        return x.times(Expr.zero());
    }

    /** A kernel whose reduction {@code reduction} is NaN if an element of {@code buffer} is non-finite, else 0. */
    public static Kernel check(String buffer, String reduction) {
        return Kernel.builder("non_finite_" + buffer).reduce(reduction, ReduceOp.MAX, term(Expr.buffer(buffer))).build();
    }

    /** Whether a reduction of {@link #term}s saw a non-finite element. */
    public static boolean seen(double reduction) {
        return Double.isNaN(reduction);
    }

    /** The number of non-finite elements of {@code t} (a host copy; for error messages only). */
    public static long count(Tensor t) {
        long n = 0;
        for (float v : t.toArray()) {
            if (!Float.isFinite(v)) {
                n++;
            }
        }
        return n;
    }

    /** The gradient of {@code p} has {@code n} non-finite elements: the one wording of that error. */
    public static String gradientMessage(Parameter p) {
        return "Gradient of parameter " + p.name() + " has " + count(p.gradient())
                + " non-finite element(s) (NaN or infinite)";
    }

    /** The {@link #check} kernel compiled once and bound to one tensor of each parameter. */
    public static final class Detector {
        private static final String REDUCTION = "non_finite";
        private final CompiledKernel kernel;
        private final Map<String, KernelArgs> args = new LinkedHashMap<>();

        /**
         * Binds the check to {@code which} tensor (e.g. {@link Parameter#gradient()}) of every parameter.
         */
        public Detector(Backend backend, ParameterSet parameters, Function<Parameter, Tensor> which) {
            kernel = backend.compile(check("x", REDUCTION));
            parameters.parameters().forEach(p -> args.put(p.name(), kernel.args().buffer("x", which.apply(p))));
        }

        /** Whether the tensor of {@code p} has a non-finite element (one pass, on the device). */
        public boolean seen(Parameter p) {
            return NonFinite.seen(kernel.run(args.get(p.name())).get(REDUCTION));
        }
    }
}
