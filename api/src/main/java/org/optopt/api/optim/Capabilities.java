package org.optopt.api.optim;

import java.util.List;

/**
 * What an optimizer can do, declared by its provider ({@link OptimizerProvider#capabilities()}) so
 * that tower catalogs, tests and listings ask instead of testing types.
 *
 * @param elementwise its update is one elementwise kernel (as {@code optimizers}' {@code ElementwiseRule})
 * @param matrix it preconditions whole tensors viewed as matrices (matrix products, roots)
 * @param towerLevel it can be a level of a hypergradient tower
 * @param differentiable the hyperparameters a tower level can learn (the rule's symbolic
 *     derivative exists for them), in definition order; empty if it is no tower level
 * @param averaged it evaluates at other parameters than it trains at ({@code Optimizer.evaluationView()})
 */
public record Capabilities(boolean elementwise, boolean matrix, boolean towerLevel, List<String> differentiable,
                           boolean averaged) {
    /** An optimizer that is neither elementwise nor a tower level and evaluates where it trains. */
    public static final Capabilities NONE = new Capabilities(false, false, false, List.of(), false);

    /** Copies the list; a tower level needs a learnable hyperparameter. */
    public Capabilities {
        differentiable = List.copyOf(differentiable);
        if (towerLevel == differentiable.isEmpty()) {
            throw new IllegalArgumentException("A tower level learns at least one hyperparameter, other optimizers none: "
                    + differentiable);
        }
    }

    /** A non-elementwise optimizer that preconditions with matrices, a tower level learning {@code differentiable}. */
    public static Capabilities matrixLevel(List<String> differentiable) {
        return new Capabilities(false, true, true, differentiable, false);
    }

    /** A matrix optimizer that is no tower level. */
    public static Capabilities matrixOnly() {
        return new Capabilities(false, true, false, List.of(), false);
    }

    /** The capabilities as words for listings, e.g. {@code elementwise, tower level (learns lr, beta1), averaged}. */
    public String describe() {
        List<String> words = new java.util.ArrayList<>();
        if (elementwise) {
            words.add("elementwise");
        }
        if (matrix) {
            words.add("matrix");
        }
        if (towerLevel) {
            words.add("tower level (learns " + String.join(", ", differentiable) + ")");
        }
        if (averaged) {
            words.add("averaged");
        }
        return words.isEmpty() ? "none of elementwise, matrix, tower level, averaged" : String.join(", ", words);
    }
}
