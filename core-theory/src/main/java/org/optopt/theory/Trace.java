package org.optopt.theory;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.ejml.data.DMatrixRMaj;

/**
 * Trace (nuclear-norm) budget {@code tr Q <= c}; recovers a rank-one step along the top principal
 * direction u1 of Sigma.
 *
 * <p><b>Theorem.</b> max { &lt;Q, Sigma&gt; : Q ⪰ 0, tr Q &lt;= c } = c lambda_max(Sigma), attained
 * at Q* = c u1 u1^T.
 * <br><b>Proof sketch.</b> &lt;Q, Sigma&gt; &lt;= ||Q||_* ||Sigma||_2 = tr Q lambda_max for PSD Q;
 * equality at the rank-one Q. Q* is unique iff lambda_1 &gt; lambda_2; otherwise this returns the
 * eigenvector EJML lists first.
 *
 * @param radius c &gt; 0
 */
public record Trace(double radius) implements Budget {
    /** Checks the radius. */
    public Trace {
        Budget.requirePositive("radius", radius);
    }

    @Override
    public String name() {
        return "trace";
    }

    @Override
    public Optional<Design> closedForm(SecondMoment sigma) {
        Linalg.Eigen e = sigma.eigen();
        DMatrixRMaj u = e.vector(0);
        DMatrixRMaj q = new DMatrixRMaj(u.numRows, u.numRows);
        org.ejml.dense.row.CommonOps_DDRM.multTransB(radius, u, u, q);
        double gap = e.values().length > 1 ? e.values()[0] - e.values()[1] : e.values()[0];
        Map<String, Double> hyper = new java.util.LinkedHashMap<>();
        hyper.put("lr", radius);
        hyper.put("top_eigenvalue", e.max());
        hyper.put("eigengap", gap);
        return Optional.of(Design.closedForm(this, q, radius * e.max(), "principal-direction-sgd", hyper));
    }

    @Override
    public List<Constraint> constraints(SecondMoment sigma) {
        DMatrixRMaj offset = new DMatrixRMaj(1, 1);
        offset.set(0, 0, radius);
        return List.of(new Constraint.MatrixInequality(offset, q -> {
            DMatrixRMaj out = new DMatrixRMaj(1, 1);
            out.set(0, 0, -org.ejml.dense.row.CommonOps_DDRM.trace(q));
            return out;
        }));
    }
}
