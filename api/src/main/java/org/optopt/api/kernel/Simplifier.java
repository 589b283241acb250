package org.optopt.api.kernel;

/**
 * Algebraic simplification of expressions: folds constant subtrees and removes identities
 * ({@code x+0}, {@code x*1}, {@code x*0}, {@code x/1}, {@code --x}, {@code x^1}, {@code x^0},
 * {@code select(c, x, x)}).
 *
 * <p>The rules treat {@code 0*x} as 0 even where x could be infinite or NaN, as symbolic
 * differentiation does; apply it to derivative programs, not to update rules whose NaN
 * propagation matters.
 */
public final class Simplifier {
    private Simplifier() {}

    /** Simplifies bottom-up until no rule applies. */
    public static Expr simplify(Expr e) {
        return switch (e) {
            case Expr.Unary u -> unary(u.op(), simplify(u.x()));
            case Expr.Binary b -> binary(b.op(), simplify(b.a()), simplify(b.b()));
            case Expr.Select s -> select(simplify(s.condition()), simplify(s.ifTrue()), simplify(s.ifFalse()));
            default -> e;
        };
    }

    /** True if {@code e} is the constant {@code v}. */
    static boolean isConst(Expr e, float v) {
        return e instanceof Expr.Const c && c.value() == v;
    }

    private static Expr unary(UnaryOp op, Expr x) {
        if (x instanceof Expr.Const c) {
            return new Expr.Const((float) KernelMath.uniform(op, c.value()));
        }
        if (op == UnaryOp.NEG && x instanceof Expr.Unary inner && inner.op() == UnaryOp.NEG) {
            return inner.x();
        }
        return new Expr.Unary(op, x);
    }

    private static Expr binary(BinaryOp op, Expr a, Expr b) {
        if (a instanceof Expr.Const ca && b instanceof Expr.Const cb) {
            return new Expr.Const((float) KernelMath.uniform(op, ca.value(), cb.value()));
        }
        switch (op) {
            case ADD -> {
                if (isConst(a, 0)) {
                    return b;
                }
                if (isConst(b, 0)) {
                    return a;
                }
            }
            case SUB -> {
                if (isConst(b, 0)) {
                    return a;
                }
                if (isConst(a, 0)) {
                    return unary(UnaryOp.NEG, b);
                }
            }
            case MUL -> {
                if (isConst(a, 0) || isConst(b, 0)) {
                    return Expr.zero();
                }
                if (isConst(a, 1)) {
                    return b;
                }
                if (isConst(b, 1)) {
                    return a;
                }
                if (isConst(a, -1)) {
                    return unary(UnaryOp.NEG, b);
                }
                if (isConst(b, -1)) {
                    return unary(UnaryOp.NEG, a);
                }
            }
            case DIV -> {
                if (isConst(a, 0)) {
                    return Expr.zero();
                }
                if (isConst(b, 1)) {
                    return a;
                }
            }
            case POW -> {
                if (isConst(b, 1)) {
                    return a;
                }
                if (isConst(b, 0)) {
                    return Expr.one();
                }
            }
            default -> { }
        }
        return new Expr.Binary(op, a, b);
    }

    private static Expr select(Expr c, Expr t, Expr f) {
        if (t.equals(f)) {
            return t;
        }
        if (c instanceof Expr.Const cc) {
            return cc.value() != 0 ? t : f;
        }
        return new Expr.Select(c, t, f);
    }
}
