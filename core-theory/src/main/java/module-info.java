/**
 * The greedy design problem of optimizers (paper A): maximize E[g^T Q g] over a budget set of
 * PSD operators. Filled by the greedy-design milestone.
 */
module org.optopt.theory {
    requires transitive org.optopt.api;
}
