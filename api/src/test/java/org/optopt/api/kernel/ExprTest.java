package org.optopt.api.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.optopt.api.kernel.Expr.buffer;
import static org.optopt.api.kernel.Expr.constant;
import static org.optopt.api.kernel.Expr.local;
import static org.optopt.api.kernel.Expr.one;
import static org.optopt.api.kernel.Expr.scalar;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExprTest {
    private final Expr a = buffer("a");
    private final Expr b = buffer("b");
    private final Expr c = buffer("c");

    @Test
    void printsWithTheFewestParenthesesThatKeepTheTree() {
        assertEquals("a + b*c", Expr.format(a.plus(b.times(c))));
        assertEquals("(a + b)*c", Expr.format(a.plus(b).times(c)));
        assertEquals("a - b - c", Expr.format(a.minus(b).minus(c)));
        assertEquals("a - (b - c)", Expr.format(a.minus(b.minus(c))));
        assertEquals("a/b/c", Expr.format(a.div(b).div(c)));
        assertEquals("a/(b/c)", Expr.format(a.div(b.div(c))));
        assertEquals("a*b*c", Expr.format(a.times(b).times(c)));
        // Float rounding depends on the grouping, so a right-nested product keeps its parentheses.
        assertEquals("a*(b*c)", Expr.format(a.times(b.times(c))));
        assertEquals("a + (b + c)", Expr.format(a.plus(b.plus(c))));
        assertEquals("a*(b/c)", Expr.format(a.times(b.div(c))));
        assertEquals("(a^b)^c", Expr.format(a.pow(b).pow(c)));
        assertEquals("a^(b^c)", Expr.format(a.pow(b.pow(c))));
        assertEquals("a*b^2", Expr.format(a.times(b.pow(2))));
        assertEquals("(a*b)^2", Expr.format(a.times(b).pow(2)));
    }

    @Test
    void printsNegationFunctionsAndComparisons() {
        assertEquals("-a", Expr.format(a.neg()));
        assertEquals("-a*b", Expr.format(a.neg().times(b)));
        assertEquals("a*(-b)", Expr.format(a.times(b.neg())));
        assertEquals("(-a)^2", Expr.format(a.neg().pow(2)));
        assertEquals("sqrt(a + b)", Expr.format(a.plus(b).sqrt()));
        assertEquals("max(a, b*c)", Expr.format(a.max(b.times(c))));
        assertEquals("min(a, 0)", Expr.format(a.min(Expr.zero())));
        assertEquals("a > b + c", Expr.format(a.gt(b.plus(c))));
        assertEquals("(a < b)*c", Expr.format(a.lt(b).times(c)));
        assertEquals("a > (b < c)", Expr.format(a.gt(b.lt(c))));
        assertEquals("select(a > 0, b, -c)", Expr.format(Expr.select(a.gt(Expr.zero()), b, c.neg())));
        assertEquals("erf(a)", Expr.format(a.apply(UnaryOp.ERF)));
        assertEquals("recip(a)", Expr.format(a.apply(UnaryOp.RECIPROCAL)));
    }

    @Test
    void printsConstantsCompactly() {
        assertEquals("2", Expr.format(constant(2)));
        assertEquals("-3", Expr.format(constant(-3)));
        assertEquals("0.5", Expr.format(constant(0.5)));
        assertEquals("0.1", Expr.format(constant(0.1)));
        assertEquals("1.0E-8", Expr.format(constant(1e-8)));
        assertEquals("1.0E8", Expr.format(constant(1e8)));
        assertEquals("1 - a", Expr.format(a.oneMinus()));
    }

    @Test
    void constantsAreFloatsComparedByBits() {
        assertEquals(constant(0.1), new Expr.Const(0.1f));
        assertEquals(0.1f, ((Expr.Const) constant(0.1)).value());
        assertNotEquals(new Expr.Const(0f), new Expr.Const(-0f));
        assertEquals(new Expr.Const(Float.NaN), new Expr.Const(Float.NaN));
        assertEquals(new Expr.Const(Float.NaN).hashCode(), new Expr.Const(Float.NaN).hashCode());
    }

    @Test
    void expressionsAreValuesWithStructuralEquality() {
        assertEquals(a.plus(b.times(2)), buffer("a").plus(buffer("b").times(constant(2))));
        assertNotEquals(a.plus(b), b.plus(a));
        assertNotEquals(buffer("x"), scalar("x"));
        assertNotEquals(scalar("x"), local("x"));
    }

    @Test
    void uniformMeansNoBufferAndNoLocal() {
        assertTrue(scalar("lr").times(one().minus(scalar("b1").pow(scalar("t")))).isUniform());
        assertTrue(constant(3).isUniform());
        assertTrue(Expr.select(scalar("s").gt(Expr.zero()), scalar("s"), one()).isUniform());
        assertFalse(scalar("lr").times(a).isUniform());
        assertFalse(local("x").plus(1).isUniform());
        assertFalse(Expr.select(scalar("s"), a, one()).isUniform());
    }

    @Test
    void walkVisitsParentsFirstLeftToRight() {
        List<String> seen = new ArrayList<>();
        Expr.select(a.gt(scalar("s")), b.sqrt(), constant(1)).walk(e -> seen.add(switch (e) {
            case Expr.Buffer x -> x.name();
            case Expr.Scalar x -> x.name();
            case Expr.Const x -> "const";
            case Expr.Local x -> x.name();
            case Expr.Unary x -> x.op().symbol();
            case Expr.Binary x -> x.op().symbol();
            case Expr.Select x -> "select";
        }));
        assertEquals(List.of("select", ">", "a", "s", "sqrt", "b", "const"), seen);
    }

    @Test
    void nodesRejectMissingParts() {
        assertThrows(NullPointerException.class, () -> new Expr.Unary(null, a));
        assertThrows(NullPointerException.class, () -> new Expr.Binary(BinaryOp.ADD, a, null));
        assertThrows(NullPointerException.class, () -> Expr.select(a, null, b));
        assertThrows(IllegalArgumentException.class, () -> local(""));
    }

    @Test
    void opsDescribeHowTheyPrint() {
        assertTrue(BinaryOp.ADD.isInfix());
        assertFalse(BinaryOp.MAX.isInfix());
        assertTrue(BinaryOp.LE.isComparison());
        assertFalse(BinaryOp.POW.isComparison());
        assertTrue(BinaryOp.POW.precedence() > BinaryOp.MUL.precedence());
        assertTrue(BinaryOp.MUL.precedence() > BinaryOp.ADD.precedence());
    }
}
