package org.optopt.theory;

import java.util.Map;
import org.ejml.data.DMatrixRMaj;

/**
 * The solution of a design problem: the optimal operator Q* (update = Q* g), the optimal value
 * E[g^T Q* g] = &lt;Q*, Sigma&gt;, the optimizer that Q* is, and the hyperparameters it implies.
 *
 * @param budget the budget set the problem was solved over
 * @param q Q*, d x d (diagonal for diagonal budgets); the record keeps a copy and hands out copies
 * @param value the optimal value E[g^T Q* g]
 * @param optimizer the optimizer Q* recovers, e.g. {@code sgd}, {@code adam}; {@code none} where
 *     the optimum is not a named optimizer
 * @param hyperparameters the implied hyperparameters by name, e.g. {@code lr}, {@code eps}
 * @param solver {@code closed-form} or {@code numeric}
 */
public record Design(Budget budget, DMatrixRMaj q, double value, String optimizer,
        Map<String, Double> hyperparameters, String solver) {
    /** The name of the closed-form solver. */
    public static final String CLOSED_FORM = "closed-form";
    /** The name of the numeric solver. */
    public static final String NUMERIC = "numeric";

    /** Copies {@code q} and {@code hyperparameters}. */
    public Design {
        q = q.copy();
        hyperparameters = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(hyperparameters));
    }

    /** A closed-form design. */
    static Design closedForm(Budget budget, DMatrixRMaj q, double value, String optimizer, Map<String, Double> hyper) {
        return new Design(budget, q, value, optimizer, hyper, CLOSED_FORM);
    }

    /** This design as the optimum of {@code other}, an equivalent budget. */
    Design withBudget(Budget other) {
        return new Design(other, q, value, optimizer, hyperparameters, solver);
    }

    /** A copy of Q*. */
    @Override
    public DMatrixRMaj q() {
        return q.copy();
    }

    /** Entry (i, j) of Q*. */
    public double q(int i, int j) {
        return q.get(i, j);
    }

    /** The dimension d. */
    public int dimension() {
        return q.numRows;
    }
}
