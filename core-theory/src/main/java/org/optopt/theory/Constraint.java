package org.optopt.theory;

import java.util.function.UnaryOperator;
import org.ejml.data.DMatrixRMaj;

/**
 * One convex constraint of a budget set, in the two forms the {@link NumericSolver}'s barrier
 * handles. Q is symmetric (diagonal for diagonal budgets); every operator here is linear in Q.
 */
public sealed interface Constraint {
    /**
     * A linear matrix inequality {@code offset + linear(Q) ⪰ 0} with symmetric {@code offset} and
     * a linear {@code linear} that maps symmetric Q to symmetric matrices of the same size as
     * {@code offset}. Barrier: -log det.
     */
    record MatrixInequality(DMatrixRMaj offset, UnaryOperator<DMatrixRMaj> linear) implements Constraint {}

    /**
     * A convex quadratic inequality {@code (1/2)<Q, hessian(Q)> + <linear, Q> <= bound}, with
     * {@code hessian} self-adjoint and PSD on symmetric matrices. Barrier: -log(bound - f(Q)).
     */
    record Quadratic(UnaryOperator<DMatrixRMaj> hessian, DMatrixRMaj linear, double bound) implements Constraint {}

    /** Q ⪯ c I. */
    static Constraint atMost(double c, int d) {
        return new MatrixInequality(Linalg.scale(c, Linalg.identity(d)), q -> Linalg.scale(-1, q));
    }

    /** sum_i w_i Q_ii ⪯ c, one inequality per coordinate (as a diagonal LMI). */
    static Constraint weightedDiagonalAtMost(double c, double[] w) {
        return new MatrixInequality(Linalg.scale(c, Linalg.identity(w.length)), q -> {
            double[] d = new double[w.length];
            for (int i = 0; i < d.length; i++) {
                d[i] = -w[i] * q.get(i, i);
            }
            return Linalg.diag(d);
        });
    }

    /** ||Q||_F^2 &lt;= c^2, or sum_ij w_ij Q_ij^2 &lt;= c^2 with elementwise weights w. */
    static Constraint weightedFrobeniusAtMost(double c, DMatrixRMaj w) {
        int d = w.numRows;
        return new Quadratic(q -> {
            DMatrixRMaj out = new DMatrixRMaj(d, d);
            org.ejml.dense.row.CommonOps_DDRM.elementMult(w, q, out);
            return Linalg.scale(2, out);
        }, new DMatrixRMaj(d, d), c * c);
    }

    /** Q M Q ⪯ c^2 I for M ≻ 0, as the LMI [[c^2 I, Q], [Q, M^-1]] ⪰ 0 (Schur complement). */
    static Constraint updateSecondMomentAtMost(double c, DMatrixRMaj mInverse) {
        int d = mInverse.numRows;
        DMatrixRMaj offset = new DMatrixRMaj(2 * d, 2 * d);
        org.ejml.dense.row.CommonOps_DDRM.insert(Linalg.scale(c * c, Linalg.identity(d)), offset, 0, 0);
        org.ejml.dense.row.CommonOps_DDRM.insert(mInverse, offset, d, d);
        return new MatrixInequality(offset, q -> {
            DMatrixRMaj out = new DMatrixRMaj(2 * d, 2 * d);
            org.ejml.dense.row.CommonOps_DDRM.insert(q, out, 0, d);
            org.ejml.dense.row.CommonOps_DDRM.insert(q, out, d, 0);
            return out;
        });
    }
}
