package org.optopt.optimizers;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.optopt.api.optim.Domain;
import org.optopt.api.optim.Hyperparameter;

/**
 * An elementwise optimizer written in another implementation's conventions: its hyperparameter
 * names, defaults and storage (a domain implies how a tower stores and learns a value: raw for
 * the real line, {@code atanh(2x - 1)} for (0, 1), a square root for {@code >= 0}) and its rule in
 * that implementation's float order. A definition lists its variants by convention
 * ({@link ElementwiseDefinition#variant(String)}); a tower's {@code gdtuo:} prefix selects them.
 *
 * @param hyperparameters the variant's hyperparameters; the first is the step size
 * @param rule the rule for given values of every hyperparameter (a variant's form may depend on
 *     them, as gdtuo's SGD has a momentum buffer only when mu is nonzero at creation)
 */
public record Variant(List<Hyperparameter> hyperparameters, Function<Map<String, Double>, ElementwiseRule> rule) {
    /**
     * The conventions of the gdtuo reference implementation (kach/gradient-descent-the-ultimate-optimizer
     * at b3b047e), whose stacks the gdtuo golden files record.
     */
    public static final String GDTUO = "gdtuo";

    /** Copies the list. */
    public Variant {
        hyperparameters = List.copyOf(hyperparameters);
    }

    /** A hyperparameter stored raw (any real value). */
    public static Hyperparameter raw(String name, double defaultValue, String description) {
        return new Hyperparameter(name, defaultValue, Domain.real(), description + " (stored raw)");
    }

    /** A hyperparameter in (0, 1), stored as {@code atanh(2x - 1)}. */
    public static Hyperparameter unit(String name, double defaultValue, String description) {
        return new Hyperparameter(name, defaultValue, Domain.open(0, 1), description + " (stored as atanh(2x - 1))");
    }
}
