/**
 * The greedy design problem of optimizers (paper A, SEEDS.md section A): maximize E[g^T Q g] =
 * &lt;Q, Sigma&gt; over a budget set of PSD operators Q, in closed form where one exists and with a
 * numeric interior-point solver otherwise; and the hyperparameters that the same objective implies
 * (step size under a quadratic model, momentum from gradient autocorrelations, learning rate from a
 * budget radius); and matrix functions of symmetric matrices ({@code SymmetricFunction}) for
 * optimizers that precondition with them.
 *
 * <p>Dense linear algebra is EJML's ({@code org.ejml:ejml-ddense}): a maintained, pure-Java library
 * with symmetric eigendecompositions, Cholesky factorizations and inverses in double precision,
 * small (no native code, no further dependencies) and fast on the small dense matrices a design
 * works with. Its jars have no module descriptor, so they are the automatic modules
 * {@code ejml.core} and {@code ejml.ddense}. It needs nothing of optopt's: a design works on plain
 * matrices, not on tensors.
 */
module org.optopt.theory {
    requires transitive ejml.core;
    requires ejml.ddense;

    exports org.optopt.theory;
}
