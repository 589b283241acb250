package org.optopt.optimizers.spec;

import java.util.List;
import org.optopt.api.backend.Backend;
import org.optopt.api.optim.Optimizers;
import org.optopt.api.optim.ParameterSet;
import org.optopt.optimizers.Variant;
import org.optopt.optimizers.hyper.HyperOptimizer;
import org.optopt.optimizers.hyper.LevelCatalog;
import org.optopt.optimizers.hyper.LevelSpec;

/**
 * Hypergradient towers from stack strings such as {@code adam/sgd(1e-5)} or
 * {@code gdtuo:sgd(0.01)/sgd(0.01)}, written left to right from the model outwards (the leftmost
 * level trains the model; each level to its right trains the hyperparameters of the one on its
 * left), in the spec language of {@link OptimizerSpecs} with levels from a given catalog.
 */
public final class Towers {
    private Towers() {}

    /** The prefix selecting gdtuo's update rules and conventions ({@link Variant#GDTUO}). */
    public static final String GDTUO_PREFIX = "gdtuo:";

    /**
     * A tower's levels, bound to their update rules.
     *
     * @param text the stack string
     * @param levels the levels, model level first
     */
    public record Spec(String text, List<LevelSpec> levels) {
        /** Copies the levels. */
        public Spec {
            levels = List.copyOf(levels);
        }

        /** Builds the tower over {@code parameters} on {@code backend} (which owns the parameters' tensors). */
        public HyperOptimizer build(ParameterSet parameters, Backend backend) {
            return new HyperOptimizer(levels, backend, parameters);
        }
    }

    /**
     * Parses {@code stack}, any height (one level is a tower of one), with levels from the
     * optimizers of {@code registry}, or from their gdtuo variants after the prefix {@value #GDTUO_PREFIX}.
     *
     * @throws SpecException naming the column of the first problem
     */
    public static Spec parse(String stack, Optimizers registry) {
        return parse(stack, OptimizerSpecs.towers(registry));
    }

    /**
     * Parses {@code stack}, any height, with levels from {@code catalog} (which has no
     * {@value #GDTUO_PREFIX} conventions of its own: a prefixed stack is refused).
     *
     * @throws SpecException naming the column of the first problem
     */
    public static Spec parse(String stack, LevelCatalog catalog) {
        return parse(stack, OptimizerSpecs.towers(catalog));
    }

    private static Spec parse(String stack, OptimizerSpecs specs) {
        OptimizerSpec spec = specs.parse(stack);
        return new Spec(stack, specs.levels(spec));
    }
}
