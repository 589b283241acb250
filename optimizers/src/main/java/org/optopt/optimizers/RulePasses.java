package org.optopt.optimizers;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.optopt.api.backend.Backend;
import org.optopt.api.backend.CompiledKernel;
import org.optopt.api.backend.KernelArgs;
import org.optopt.api.kernel.Kernel;
import org.optopt.api.tensor.Tensor;

/**
 * The {@link ElementwiseRule#passes()} of a rule compiled for a backend; {@link #bind} binds them
 * to one parameter's buffers. Used by {@link BoundRule}, under plain optimizers and tower levels alike.
 */
public final class RulePasses {
    private final ElementwiseRule rule;
    private final List<CompiledKernel> compiled = new ArrayList<>();

    /** Compiles the passes of {@code rule}. */
    public RulePasses(Backend backend, ElementwiseRule rule) {
        this.rule = rule;
        rule.passes().forEach(k -> compiled.add(backend.compile(k)));
    }

    /**
     * Binds the passes to one parameter's buffers.
     *
     * @param parameter the parameter's name, for messages
     * @param buffers {@code p}, {@code g} and the rule's state buffers by name
     */
    public Bound bind(String parameter, Map<String, Tensor> buffers) {
        return new Bound(parameter, buffers);
    }

    /** The root over parameters of each of the rule's {@link ElementwiseRule#norms()}, NaN before a first step. */
    public Map<String, Double> norms(List<Bound> bound) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (String n : rule.norms()) {
            double sum = 0;
            for (Bound b : bound) {
                sum += b.results.get(n);
            }
            out.put(n, Math.sqrt(sum));
        }
        return out;
    }

    /** The passes bound to one parameter, with the results of their latest run. */
    public final class Bound {
        private final String parameter;
        private final List<KernelArgs> args = new ArrayList<>();
        private final Map<String, Double> results = new LinkedHashMap<>();

        private Bound(String parameter, Map<String, Tensor> buffers) {
            this.parameter = parameter;
            for (CompiledKernel k : compiled) {
                KernelArgs a = k.args();
                for (String b : k.kernel().buffers()) {
                    a.buffer(b, buffers.get(b));
                }
                args.add(a);
            }
            rule.passResults().forEach(r -> results.put(r, Double.NaN));
        }

        /**
         * Runs every pass in order, each seeing the results of the earlier ones.
         *
         * @return null, or a one-line description of the first non-finite result (the caller then
         *     refuses the step; nothing has changed)
         */
        public String run() {
            for (int i = 0; i < compiled.size(); i++) {
                Kernel k = compiled.get(i).kernel();
                KernelArgs a = args.get(i);
                k.scalars().forEach(s -> a.scalar(s, results.get(s)));
                Map<String, Double> out = compiled.get(i).run(a).asMap();
                results.putAll(out);
                for (Map.Entry<String, Double> e : out.entrySet()) {
                    if (!Double.isFinite(e.getValue())) {
                        return "Pass " + k.name() + " of parameter " + parameter + " gave non-finite " + e.getKey()
                                + " = " + e.getValue();
                    }
                }
            }
            return null;
        }

        /** The results of the latest run by name (NaN before the first). */
        public Map<String, Double> results() {
            return results;
        }
    }
}
