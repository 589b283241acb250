package org.optopt.api.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.optopt.api.kernel.Expr.buffer;
import static org.optopt.api.kernel.Expr.constant;
import static org.optopt.api.kernel.Expr.one;
import static org.optopt.api.kernel.Expr.zero;

import org.junit.jupiter.api.Test;

class SimplifierTest {
    private final Expr x = buffer("x");
    private final Expr y = buffer("y");

    private static Expr s(Expr e) {
        return Simplifier.simplify(e);
    }

    @Test
    void foldsConstantSubtreesInDoubleRoundedOnce() {
        assertEquals(constant(5), s(constant(2).plus(constant(3))));
        assertEquals(constant(2), s(constant(4).sqrt()));
        assertEquals(new Expr.Const((float) (1.0 / 3)), s(one().div(constant(3))));
        assertEquals(new Expr.Const((float) Math.exp(0.5f)), s(constant(0.5).apply(UnaryOp.EXP)));
        assertEquals(x.times(constant(6)), s(x.times(constant(2).times(constant(3)))));
        assertEquals(constant(1), s(constant(2).gt(constant(1))));
    }

    @Test
    void removesAdditiveIdentities() {
        assertEquals(x, s(x.plus(zero())));
        assertEquals(x, s(zero().plus(x)));
        assertEquals(x, s(x.minus(zero())));
        assertEquals(x.neg(), s(zero().minus(x)));
    }

    @Test
    void removesMultiplicativeIdentitiesAndAnnihilators() {
        assertEquals(x, s(x.times(one())));
        assertEquals(x, s(one().times(x)));
        assertEquals(zero(), s(x.times(zero())));
        assertEquals(zero(), s(zero().times(x)));
        assertEquals(x.neg(), s(x.times(constant(-1))));
        assertEquals(x.neg(), s(constant(-1).times(x)));
        assertEquals(zero(), s(zero().div(x)));
        assertEquals(x, s(x.div(one())));
        assertEquals(x.div(constant(2)), s(x.div(constant(2))), "no rule for other divisors");
    }

    @Test
    void removesTrivialPowersAndDoubleNegation() {
        assertEquals(x, s(x.pow(1)));
        assertEquals(one(), s(x.pow(0)));
        assertEquals(x, s(x.neg().neg()));
        assertEquals(x, s(x.times(constant(-1)).times(constant(-1))), "a rule's result feeds the next");
        assertEquals(x, s(zero().minus(x.neg())));
    }

    @Test
    void simplifiesSelects() {
        Expr c = x.gt(y);
        assertEquals(y, s(Expr.select(c, y, y.times(one()))), "equal branches");
        assertEquals(x, s(Expr.select(one(), x, y)));
        assertEquals(y, s(Expr.select(zero(), x, y)));
        assertEquals(x, s(Expr.select(constant(2).gt(one()), x, y)), "a folded condition");
        assertEquals(Expr.select(c, x, y), s(Expr.select(c, x.plus(zero()), y)));
    }

    @Test
    void simplifiesBottomUpThroughWholeTrees() {
        Expr e = x.times(one()).plus(zero().times(y)).minus(y.div(one()).times(zero()));
        assertEquals(x, s(e));
        Expr d = constant(2).times(x).times(one()).plus(x.times(zero()).apply(UnaryOp.EXP).times(zero()));
        assertEquals(constant(2).times(x), s(d));
        assertEquals(s(d), s(s(d)), "a fixed point");
        assertEquals(x.apply(UnaryOp.TANH), s(x.plus(zero()).apply(UnaryOp.TANH)));
    }

    @Test
    void leavesIrreducibleExpressionsAlone() {
        Expr e = x.times(y).plus(x.sqrt()).minus(constant(0.5));
        assertEquals(e, s(e));
        assertEquals(x, s(x));
    }
}
