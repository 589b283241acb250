package org.optopt.optimizers.adaptive;

import static org.optopt.api.kernel.Expr.buffer;
import static org.optopt.api.kernel.Expr.scalar;
import static org.optopt.optimizers.Rules.g;
import static org.optopt.optimizers.Rules.p;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.optopt.api.backend.Backend;
import org.optopt.api.backend.CompiledKernel;
import org.optopt.api.backend.KernelArgs;
import org.optopt.api.kernel.Expr;
import org.optopt.api.kernel.Kernel;
import org.optopt.api.kernel.Reductions;
import org.optopt.api.optim.Choice;
import org.optopt.api.optim.Domain;
import org.optopt.api.optim.Hyperparameter;
import org.optopt.api.optim.Parameter;
import org.optopt.api.optim.ParameterGroup;
import org.optopt.api.optim.ParameterSet;
import org.optopt.optimizers.ElementwiseRule;
import org.optopt.optimizers.Hyperparameters;
import org.optopt.optimizers.OptimizerDefinition;
import org.optopt.optimizers.SlotOptimizer;

/**
 * Prodigy (Mishchenko and Defazio 2024, "Prodigy: An Expeditiously Adaptive Parameter-Free
 * Learner"; the Adam version of the reference {@code prodigyopt/prodigy.py}): Adam whose step size
 * d is estimated from the distance travelled. With k = 0, 1, ... the step number, d = d0,
 * d_max = d0 and numerator = 0 at the start, and beta3 = sqrt(beta2) unless given:
 * <pre>
 * dlr       = d*lr*(sqrt(1 - beta2^(k+1))/(1 - beta1^(k+1)) if use_bias_correction, else 1)
 * numerator = beta3*numerator
 * per tensor, with G = g + weight_decay*p when not decouple, else G = g:
 *   numerator += (d/d0)*dlr*dot(G, p0 - p)                    (p0: the initial parameter)
 *   m = beta1*m + d*(1 - beta1)*G ;  v = beta2*v + d*d*(1 - beta2)*G*G
 *   s = beta3*s + (d/d0)*(safeguard_warmup ? d : dlr)*G ;  denominator += sum |s|
 * if denominator = 0: no parameter moves this step
 * d_hat = d_coef*numerator/denominator
 * d = max(d, d_hat) if d = d0 ;  d_max = max(d_max, d_hat) ;  d = min(d_max, d*growth_rate)
 * per tensor:  p = p - weight_decay*dlr*p  (if decouple) ;  p = p - dlr*m/(sqrt(v) + d*eps)
 * </pre>
 * Defaults as the reference: lr 1, betas (0.9, 0.999), beta3 sqrt(beta2) (here: a negative beta3),
 * eps 1e-8, weight_decay 0 (decoupled), d0 1e-6, d_coef 1, growth_rate unbounded (here: the
 * largest double), no bias correction, no safeguard warmup. d, d_max, the numerator and k are
 * shared by all parameter groups, as in the reference; lr is the largest of the groups', the
 * other global values come from the first group that steps. Not a tower level: d comes from
 * reductions over all tensors.
 */
public final class Prodigy extends OptimizerDefinition {
    private static final Expr GRADIENT = g().plus(scalar("coupled_decay").times(p()));
    private static final Kernel MOMENTS = Kernel.builder("prodigy_moments")
            .let("G", GRADIENT)
            .sum("dot", Expr.local("G").times(buffer("p0").minus(p())))
            .store("m", scalar("beta1").times(buffer("m")).plus(scalar("d").times(scalar("beta1").oneMinus()).times(Expr.local("G"))))
            .store("v", scalar("beta2").times(buffer("v")).plus(scalar("d").times(scalar("d")).times(scalar("beta2").oneMinus())
                    .times(Expr.local("G")).times(Expr.local("G"))))
            .store("s", scalar("beta3").times(buffer("s")).plus(scalar("s_rate").times(Expr.local("G"))))
            .sum("abs_s", buffer("s").abs())
            .build();
    private static final Kernel APPLY = Kernel.builder("prodigy_apply")
            .store("p", p().minus(scalar("decoupled_decay").times(scalar("dlr")).times(p())))
            .store("p", p().minus(scalar("dlr").times(buffer("m").div(buffer("v").sqrt().plus(scalar("d").times(scalar("eps")))))))
            .build();

    /** Creates the provider. */
    public Prodigy() {
        super("prodigy", "Prodigy: Adam with a parameter-free step size estimated from the distance travelled "
                        + "(Mishchenko and Defazio 2024)",
                List.of(new Hyperparameter("lr", 1, Domain.greaterThan(0), "scale of the estimated step size d"),
                        Hyperparameters.beta1(0.9), Hyperparameters.beta2(0.999),
                        new Hyperparameter("beta3", -1, Domain.closedOpen(-1, 1),
                                "decay of the numerator and of s; negative: sqrt(beta2)"),
                        Hyperparameters.eps(1e-8),
                        Hyperparameters.weightDecay(0, "decoupled (p -= weight_decay*dlr*p) or, without decouple, L2"),
                        new Hyperparameter("d0", 1e-6, Domain.greaterThan(0), "initial estimate of d"),
                        new Hyperparameter("d_coef", 1, Domain.greaterThan(0), "scale of the estimate d_hat"),
                        new Hyperparameter("growth_rate", Double.MAX_VALUE, Domain.atLeast(1),
                                "largest factor by which d may grow per step (default: unbounded)")),
                List.of(Choice.flag("decouple", true, "AdamW-style decoupled weight decay"),
                        Choice.flag("use_bias_correction", false, "Adam's bias correction in dlr"),
                        Choice.flag("safeguard_warmup", false, "leave lr out of the s update (for warmup schedules)")));
    }

    @Override
    public String updateRule(Map<String, String> choices) {
        Map<String, String> c = resolveChoices(choices);
        boolean decouple = Boolean.parseBoolean(c.get("decouple"));
        return "prodigy" + c + "\n"
                + "  dlr = d*lr" + (Boolean.parseBoolean(c.get("use_bias_correction"))
                        ? "*sqrt(1 - beta2^(k+1))/(1 - beta1^(k+1))" : "")
                + " ;  numerator = beta3*numerator   (beta3 = sqrt(beta2) if negative)\n"
                + "  coupled_decay = " + (decouple ? "0" : "weight_decay") + " ;  s_rate = (d/d0)*"
                + (Boolean.parseBoolean(c.get("safeguard_warmup")) ? "d" : "dlr") + "\n"
                + MOMENTS + "\n"
                + "  numerator += (d/d0)*dlr*dot (every tensor) ;  d_hat = d_coef*numerator/(sum of abs_s)\n"
                + "  d = max(d, d_hat) if d = d0 ;  d_max = max(d_max, d_hat) ;  d = min(d_max, d*growth_rate)\n"
                + "  decoupled_decay = " + (decouple ? "weight_decay" : "0") + "\n"
                + APPLY;
    }

    @Override
    public SlotOptimizer create(Backend backend, ParameterSet parameters, Map<String, ?> config) {
        return new Run(this, backend, parameters, resolve(config));
    }

    /**
     * Runs Prodigy. State per parameter: {@code p0}, {@code m}, {@code v}, {@code s} and its step
     * count {@code t}; optimizer-wide: {@code d}, {@code d_max}, {@code numerator} and {@code k}.
     */
    private static final class Run extends SlotOptimizer {
        private final boolean decouple;
        private final boolean biasCorrection;
        private final boolean safeguardWarmup;
        private final CompiledKernel moments;
        private final CompiledKernel apply;
        private double d;
        private double dMax;
        private double numerator;
        private long k;

        private final class ProdigySlot extends Slot {
            final KernelArgs momentArgs;
            final KernelArgs applyArgs;

            ProdigySlot(Parameter p) {
                var shape = p.value().shape();
                momentArgs = moments.args().buffer("p", p.value()).buffer("g", p.gradient())
                        .buffer("p0", state("p0", backend.copy(p.value())))
                        .buffer("m", state("m", backend.zeros(shape)))
                        .buffer("v", state("v", backend.zeros(shape)))
                        .buffer("s", state("s", backend.zeros(shape)));
                applyArgs = apply.args().buffer("p", p.value()).buffer("m", state.get("m")).buffer("v", state.get("v"));
            }
        }

        Run(Prodigy definition, Backend backend, ParameterSet parameters, OptimizerDefinition.Config config) {
            super(definition, backend, parameters, config);
            decouple = Boolean.parseBoolean(config.choices().get("decouple"));
            biasCorrection = Boolean.parseBoolean(config.choices().get("use_bias_correction"));
            safeguardWarmup = Boolean.parseBoolean(config.choices().get("safeguard_warmup"));
            moments = backend.compile(MOMENTS);
            apply = backend.compile(APPLY);
            parameters.parameters().forEach(p -> addSlot(p, new ProdigySlot(p)));
            d = groupValues(parameters.groups().get(0).name()).get("d0");
            dMax = d;
        }

        @Override
        protected Map<String, Double> optimizerState() {
            Map<String, Double> out = new LinkedHashMap<>();
            out.put("d", d);
            out.put("d_max", dMax);
            out.put("numerator", numerator);
            out.put("k", (double) k);
            return out;
        }

        @Override
        protected void restoreOptimizerState(Map<String, Double> state) {
            d = state.get("d");
            dMax = state.get("d_max");
            numerator = state.get("numerator");
            k = state.get("k").longValue();
        }

        @Override
        protected void update(Map<ParameterGroup, Map<String, Double>> effective) {
            List<ParameterGroup> active = List.copyOf(effective.keySet());
            Map<String, Double> global = effective.get(active.get(0));
            double lr = effective.values().stream().mapToDouble(h -> h.get("lr")).max().orElseThrow();
            double beta1 = global.get("beta1");
            double beta2 = global.get("beta2");
            double beta3 = global.get("beta3") < 0 ? Math.sqrt(beta2) : global.get("beta3");
            double d0 = global.get("d0");
            double dlr = d * lr * (biasCorrection ? Math.sqrt(1 - Math.pow(beta2, k + 1)) / (1 - Math.pow(beta1, k + 1)) : 1);
            numerator *= beta3;
            double denominator = 0;
            for (ParameterGroup g : active) {
                Map<String, Double> values = new LinkedHashMap<>(effective.get(g));
                values.put("beta1", beta1);
                values.put("beta2", beta2);
                values.put("beta3", beta3);
                values.put("d", d);
                values.put("coupled_decay", decouple ? 0 : values.get("weight_decay"));
                values.put("s_rate", (d / d0) * (safeguardWarmup ? d : dlr));
                for (Parameter p : g.parameters()) {
                    Reductions r = moments.run(bind(((ProdigySlot) slot(p.name())).momentArgs, values));
                    numerator += (d / d0) * dlr * r.get("dot");
                    denominator += r.get("abs_s");
                }
            }
            if (denominator == 0) {
                return; // no gradient yet: the reference leaves d, k and the parameters as they are
            }
            k++;
            double dHat = global.get("d_coef") * numerator / denominator;
            if (d == d0) {
                d = Math.max(d, dHat);
            }
            dMax = Math.max(dMax, dHat);
            d = Math.min(dMax, d * global.get("growth_rate"));
            for (ParameterGroup g : active) {
                Map<String, Double> values = new LinkedHashMap<>(effective.get(g));
                values.put("d", d);
                values.put("dlr", dlr);
                values.put("decoupled_decay", decouple ? values.get("weight_decay") : 0);
                for (Parameter p : g.parameters()) {
                    ProdigySlot s = (ProdigySlot) slot(p.name());
                    apply.run(bind(s.applyArgs, values));
                    advance(s);
                }
            }
        }

        @Override
        protected void update(ParameterGroup group, Map<String, Double> hyper) {
            throw new IllegalStateException("Prodigy steps all groups at once (update of all groups)");
        }
    }
}
