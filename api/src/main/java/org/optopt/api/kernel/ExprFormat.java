package org.optopt.api.kernel;

/** Prints expressions in infix form with the fewest parentheses. */
final class ExprFormat {
    private ExprFormat() {}

    static String format(Expr e) {
        StringBuilder sb = new StringBuilder();
        append(sb, e, 0);
        return sb.toString();
    }

    private static void append(StringBuilder sb, Expr e, int outer) {
        switch (e) {
            case Expr.Buffer b -> sb.append(b.name());
            case Expr.Scalar s -> sb.append(s.name());
            case Expr.Local l -> sb.append(l.name());
            case Expr.Const c -> sb.append(constant(c.value()));
            case Expr.Unary u -> {
                if (u.op() == UnaryOp.NEG) {
                    boolean paren = outer > 2;
                    sb.append(paren ? "(-" : "-");
                    append(sb, u.x(), 3);
                    if (paren) {
                        sb.append(')');
                    }
                } else {
                    sb.append(u.op().symbol()).append('(');
                    append(sb, u.x(), 0);
                    sb.append(')');
                }
            }
            case Expr.Binary b -> {
                BinaryOp op = b.op();
                if (!op.isInfix() && !op.isComparison()) {
                    sb.append(op.symbol()).append('(');
                    append(sb, b.a(), 0);
                    sb.append(", ");
                    append(sb, b.b(), 0);
                    sb.append(')');
                    return;
                }
                int p = op.isComparison() ? 0 : op.precedence();
                boolean paren = outer > p || (outer == p && outer > 0 && op.isComparison());
                if (paren) {
                    sb.append('(');
                }
                // Left-associative: a right operand of equal precedence keeps its parentheses, also for
                // + and *, whose grouping changes float rounding (lr*(m/c) is not (lr*m)/c).
                append(sb, b.a(), op == BinaryOp.POW ? p + 1 : p);
                sb.append(p == 2 || p == 3 ? op.symbol() : " " + op.symbol() + " ");
                append(sb, b.b(), p + 1);
                if (paren) {
                    sb.append(')');
                }
            }
            case Expr.Select s -> {
                sb.append("select(");
                append(sb, s.condition(), 0);
                sb.append(", ");
                append(sb, s.ifTrue(), 0);
                sb.append(", ");
                append(sb, s.ifFalse(), 0);
                sb.append(')');
            }
        }
    }

    private static String constant(float v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e7) {
            return Long.toString((long) v);
        }
        return Float.toString(v);
    }
}
