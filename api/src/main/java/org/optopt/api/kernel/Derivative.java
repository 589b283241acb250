package org.optopt.api.kernel;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Symbolic forward-mode differentiation of a kernel with respect to one runtime scalar.
 *
 * <p>The derivative follows the "detach" rule of hypergradient descent: every buffer's value
 * <em>before</em> the kernel (parameters, gradients, optimizer state from earlier steps) is a
 * constant; only the scalar's own path through this kernel is differentiated, including through
 * values stored earlier in the same kernel and read back later (e.g. Adam's new first moment
 * feeding the parameter update).
 *
 * <p>A tangent that is zero stays exactly zero through {@code sqrt} and powers, even where their
 * local derivative is infinite: Adam's {@code sqrt(v)} at a coordinate whose gradient has always
 * been 0 contributes 0 to {@code d p/d beta2}, not {@code 0/0}.
 *
 * <p>For {@code Derivative.of(adam, "lr", Map.of("p", "dp_dlr"), true)} the result performs Adam's
 * update and additionally stores {@code d p_new / d lr} into buffer {@code dp_dlr}: one extra
 * buffer of the parameter's size per differentiated scalar.
 */
public final class Derivative {
    private Derivative() {}

    /**
     * Builds the derivative kernel.
     *
     * @param kernel the kernel to differentiate
     * @param scalar the runtime scalar to differentiate by (it must occur in the kernel)
     * @param outputs for each stored buffer whose derivative is wanted, the name of the buffer that
     *     receives it
     * @param keepStores whether the result also performs the kernel's own stores (and reductions);
     *     if false it only writes the derivative buffers
     * @throws IllegalArgumentException if the scalar does not occur, an output names a buffer the
     *     kernel does not store, or a derivative buffer name is already used by the kernel
     */
    public static Kernel of(Kernel kernel, String scalar, Map<String, String> outputs, boolean keepStores) {
        if (kernel.scalarIndex(scalar) < 0) {
            throw new IllegalArgumentException("Kernel " + kernel.name() + " has no scalar '" + scalar
                    + "' to differentiate by; its scalars are " + kernel.scalars());
        }
        for (Map.Entry<String, String> e : outputs.entrySet()) {
            if (!kernel.storedBuffers().contains(e.getKey())) {
                throw new IllegalArgumentException("Kernel " + kernel.name() + " does not store buffer '"
                        + e.getKey() + "'; it stores " + kernel.storedBuffers());
            }
            if (kernel.bufferIndex(e.getValue()) >= 0) {
                throw new IllegalArgumentException("Derivative buffer '" + e.getValue()
                        + "' is already a buffer of kernel " + kernel.name());
            }
        }
        return new Differentiator(kernel, scalar, new LinkedHashMap<>(outputs), keepStores).result;
    }

    /** The derivative of an expression with respect to a scalar, given the derivatives of its leaves. */
    static Expr diff(Expr e, String scalar, Map<String, Expr> bufferDerivs, Map<String, Expr> localDerivs) {
        Expr zero = Expr.zero();
        return Simplifier.simplify(switch (e) {
            case Expr.Const c -> zero;
            case Expr.Scalar s -> s.name().equals(scalar) ? Expr.one() : zero;
            case Expr.Buffer b -> bufferDerivs.getOrDefault(b.name(), zero);
            case Expr.Local l -> localDerivs.getOrDefault(l.name(), zero);
            case Expr.Unary u -> {
                Expr dx = diff(u.x(), scalar, bufferDerivs, localDerivs);
                yield Simplifier.isConst(dx, 0) ? zero : unary(u.op(), u.x(), dx);
            }
            case Expr.Binary b -> binary(b, diff(b.a(), scalar, bufferDerivs, localDerivs),
                    diff(b.b(), scalar, bufferDerivs, localDerivs));
            case Expr.Select s -> Expr.select(s.condition(), diff(s.ifTrue(), scalar, bufferDerivs, localDerivs),
                    diff(s.ifFalse(), scalar, bufferDerivs, localDerivs));
        });
    }

    /**
     * {@code term}, or exactly 0 where the tangent {@code d} is 0: a value that does not depend on
     * the scalar contributes nothing, even at a point where the local derivative is infinite
     * although the value is finite ({@code sqrt(v)} and {@code v^b} with {@code b < 1} at
     * {@code v = 0}, where {@code 0/(2*sqrt(0))} would be NaN). Rules whose infinite local
     * derivative comes with an infinite value (division by 0, log 0) need no guard.
     */
    private static Expr zeroStaysZero(Expr d, Expr term) {
        return Simplifier.isConst(d, 0) ? Expr.zero() : Expr.select(d, term, Expr.zero());
    }

    private static Expr unary(UnaryOp op, Expr x, Expr dx) {
        Expr one = Expr.one();
        return switch (op) {
            case NEG -> dx.neg();
            case ABS -> x.sign().times(dx);
            case SQRT -> zeroStaysZero(dx, dx.div(x.sqrt().times(2)));
            case SQUARE -> x.times(2).times(dx);
            case RECIPROCAL -> dx.neg().div(x.square());
            case EXP -> x.apply(UnaryOp.EXP).times(dx);
            case LOG -> dx.div(x);
            case TANH -> one.minus(x.apply(UnaryOp.TANH).square()).times(dx);
            case SIGMOID -> {
                Expr s = x.apply(UnaryOp.SIGMOID);
                yield s.times(one.minus(s)).times(dx);
            }
            case SOFTPLUS -> x.apply(UnaryOp.SIGMOID).times(dx);
            case SOFTSIGN -> dx.div(one.plus(x.abs()).square());
            case ATAN -> dx.div(one.plus(x.square()));
            case ERF -> Expr.constant(2.0 / Math.sqrt(Math.PI)).times(x.square().neg().apply(UnaryOp.EXP)).times(dx);
            case SIGN -> Expr.zero();
        };
    }

    private static Expr binary(Expr.Binary e, Expr da, Expr db) {
        Expr a = e.a();
        Expr b = e.b();
        return switch (e.op()) {
            case ADD -> da.plus(db);
            case SUB -> da.minus(db);
            case MUL -> da.times(b).plus(a.times(db));
            case DIV -> da.div(b).minus(a.times(db).div(b.square()));
            case POW -> {
                Expr viaBase = zeroStaysZero(da, b.times(a.pow(b.minus(1))).times(da));
                yield Simplifier.isConst(db, 0) ? viaBase
                        : viaBase.plus(e.times(a.apply(UnaryOp.LOG)).times(db));
            }
            case MAX -> Expr.select(new Expr.Binary(BinaryOp.GE, a, b), da, db);
            case MIN -> Expr.select(new Expr.Binary(BinaryOp.LE, a, b), da, db);
            case GT, GE, LT, LE -> Expr.zero();
        };
    }

    private static final class Differentiator {
        final Kernel result;

        Differentiator(Kernel kernel, String scalar, Map<String, String> outputs, boolean keepStores) {
            Kernel.Builder out = Kernel.builder(kernel.name() + "'" + scalar);
            Map<String, Expr> bufferValues = new HashMap<>();
            Map<String, Expr> bufferDerivs = new HashMap<>();
            Map<String, Expr> localDerivs = new HashMap<>();
            Map<String, Expr> stores = new LinkedHashMap<>();
            // Generated locals avoid every name of the kernel (which may itself be a derivative kernel).
            int fresh = 0;
            Set<String> used = new HashSet<>(kernel.buffers());
            used.addAll(kernel.scalars());
            used.addAll(outputs.values());
            List<Statement> sts = kernel.statements();
            for (Statement st : sts) {
                if (st instanceof Statement.Let let) {
                    used.add(let.name());
                }
            }
            for (Statement st : sts) {
                Expr value = substitute(st.value(), bufferValues);
                Expr d = diff(value, scalar, bufferDerivs, localDerivs);
                switch (st) {
                    case Statement.Let let -> {
                        out.let(let.name(), value);
                        if (!Simplifier.isConst(d, 0)) {
                            String dn = fresh(let.name() + "'" + scalar, used);
                            out.let(dn, d);
                            localDerivs.put(let.name(), Expr.local(dn));
                        }
                    }
                    case Statement.Store s -> {
                        String vn;
                        do {
                            vn = s.buffer() + "@" + (fresh++);
                        } while (!used.add(vn));
                        out.let(vn, value);
                        bufferValues.put(s.buffer(), Expr.local(vn));
                        if (keepStores) {
                            // Deferred to the end: derivative expressions read the buffer's value before
                            // the kernel, which a store here would replace.
                            stores.put(s.buffer(), Expr.local(vn));
                        }
                        if (Simplifier.isConst(d, 0)) {
                            bufferDerivs.remove(s.buffer());
                        } else {
                            String dn = fresh(vn + "'" + scalar, used);
                            out.let(dn, d);
                            bufferDerivs.put(s.buffer(), Expr.local(dn));
                            // Later reads of the buffer were substituted by the local vn.
                            localDerivs.put(vn, Expr.local(dn));
                        }
                    }
                    case Statement.Reduce r -> {
                        if (keepStores) {
                            out.reduce(r.name(), r.op(), value);
                        }
                    }
                }
            }
            stores.forEach(out::store);
            for (Map.Entry<String, String> o : outputs.entrySet()) {
                out.store(o.getValue(), bufferDerivs.getOrDefault(o.getKey(), Expr.zero()));
            }
            result = out.build();
        }

        /** {@code base} if unused, else the first unused of {@code base@1}, {@code base@2}, ... */
        private static String fresh(String base, Set<String> used) {
            String name = base;
            for (int k = 1; !used.add(name); k++) {
                name = base + "@" + k;
            }
            return name;
        }

        private static Expr substitute(Expr e, Map<String, Expr> bufferValues) {
            return switch (e) {
                case Expr.Buffer b -> bufferValues.getOrDefault(b.name(), b);
                case Expr.Unary u -> new Expr.Unary(u.op(), substitute(u.x(), bufferValues));
                case Expr.Binary b -> new Expr.Binary(b.op(), substitute(b.a(), bufferValues),
                        substitute(b.b(), bufferValues));
                case Expr.Select s -> new Expr.Select(substitute(s.condition(), bufferValues),
                        substitute(s.ifTrue(), bufferValues), substitute(s.ifFalse(), bufferValues));
                default -> e;
            };
        }
    }
}
