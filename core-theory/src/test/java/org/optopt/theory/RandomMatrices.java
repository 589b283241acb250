package org.optopt.theory;

import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/** Random test matrices. */
final class RandomMatrices {
    private RandomMatrices() {}

    /** A A^T / (d + 2) with A of d x (d + 2) standard normal entries: almost surely SPD. */
    static SecondMoment wishart(int d, Random random) {
        DMatrixRMaj a = new DMatrixRMaj(d, d + 2);
        for (int i = 0; i < a.getNumElements(); i++) {
            a.set(i, random.nextGaussian());
        }
        DMatrixRMaj s = new DMatrixRMaj(d, d);
        CommonOps_DDRM.multTransB(1.0 / (d + 2), a, a, s);
        return SecondMoment.of("sigma", s);
    }
}
