package org.optopt.api.testkit;

import static org.optopt.api.kernel.Expr.buffer;
import static org.optopt.api.kernel.Expr.one;
import static org.optopt.api.kernel.Expr.scalar;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.optopt.api.kernel.BinaryOp;
import org.optopt.api.kernel.Derivative;
import org.optopt.api.kernel.Expr;
import org.optopt.api.kernel.Kernel;
import org.optopt.api.kernel.ReduceOp;
import org.optopt.api.kernel.UnaryOp;
import org.optopt.api.testkit.TestData.Domain;

/**
 * The table of kernels every backend must execute exactly as the reference
 * {@link org.optopt.api.kernel.KernelInterpreter} does, and the derivative checks run against
 * finite differences. Adding a row here tests it on every backend.
 */
public final class ConformanceKernels {
    private ConformanceKernels() {}

    /**
     * One kernel with its scalar bindings and input domains.
     *
     * @param name a short label for test names
     * @param kernel the kernel
     * @param scalars a binding of every scalar
     * @param otherScalars a second, different binding of every scalar (to test reuse of a compiled kernel)
     * @param domains the kind of data per buffer; buffers not listed hold {@link Domain#SIGNED} data
     */
    public record KernelCase(String name, Kernel kernel, Map<String, Double> scalars,
            Map<String, Double> otherScalars, Map<String, Domain> domains) {

        /** The domain of buffer {@code buffer}. */
        public Domain domain(String buffer) {
            return domains.getOrDefault(buffer, Domain.SIGNED);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /**
     * A derivative of a kernel's stored buffers with respect to one scalar, checked against central
     * finite differences of the interpreter.
     *
     * @param base the kernel and its input domains
     * @param scalar the scalar to differentiate by
     * @param scalars the binding at which to differentiate (chosen so that float32 resolves the differences)
     * @param step the finite-difference step for {@code scalar}
     * @param outputs stored buffer to derivative buffer
     */
    public record DerivativeCase(KernelCase base, String scalar, Map<String, Double> scalars, double step,
            Map<String, String> outputs) {

        /** The derivative kernel (without the base kernel's own stores). */
        public Kernel derivative() {
            return Derivative.of(base.kernel(), scalar, outputs, false);
        }

        @Override
        public String toString() {
            return "d " + base.name() + " / d " + scalar;
        }
    }

    /** Plain SGD: {@code p = p - lr*g}. */
    public static final KernelCase SGD = new KernelCase("sgd",
            Kernel.builder("sgd").store("p", buffer("p").minus(scalar("lr").times(buffer("g")))).build(),
            Map.of("lr", 0.1), Map.of("lr", 0.003), Map.of());

    /** Heavy-ball momentum with weight decay; the update reads the momentum stored just before. */
    public static final KernelCase MOMENTUM = new KernelCase("momentum",
            Kernel.builder("momentum")
                    .store("buf", scalar("mu").times(buffer("buf")).plus(buffer("g"))
                            .plus(scalar("wd").times(buffer("p"))))
                    .store("p", buffer("p").minus(scalar("lr").times(buffer("buf"))))
                    .build(),
            Map.of("lr", 0.05, "mu", 0.9, "wd", 1e-4), Map.of("lr", 0.2, "mu", 0.5, "wd", 0.01), Map.of());

    /** Adam with bias correction at step {@code t} (the form printed in ARCHITECTURE.md). */
    public static final KernelCase ADAM = new KernelCase("adam", adam(),
            Map.of("lr", 1e-3, "beta1", 0.9, "beta2", 0.999, "eps", 1e-8, "t", 3.0),
            Map.of("lr", 0.02, "beta1", 0.8, "beta2", 0.99, "eps", 1e-6, "t", 117.0),
            Map.of("v", Domain.POSITIVE));

    /** Clipping and masks: every comparison and nested selects. */
    public static final KernelCase SELECT = new KernelCase("select", selectKernel(),
            Map.of("lr", 0.1, "beta", 0.9, "clip", 0.5), Map.of("lr", 0.01, "beta", 0.5, "clip", 1.5), Map.of());

    /** Every unary and binary op on special values, each stored into its own buffer. */
    public static final KernelCase ALL_OPS = new KernelCase("allOps", allOps(), Map.of(), Map.of(),
            Map.of("x", Domain.SPECIAL, "y", Domain.SPECIAL));

    /** Every unary and binary op on runtime scalars: uniform subexpressions evaluated in double. */
    public static final KernelCase UNIFORM_OPS = new KernelCase("uniformOps", uniformOps(),
            Map.of("s", 0.7, "r", 1.9), Map.of("s", 2.3, "r", -0.4), Map.of());

    /** An update with SUM, MAX and MIN reductions, one of them over a value stored before. */
    public static final KernelCase REDUCTIONS = new KernelCase("reductions",
            Kernel.builder("sgdStats")
                    .store("p", buffer("p").minus(scalar("lr").times(buffer("g"))))
                    .reduce("gg", ReduceOp.SUM, buffer("g").square())
                    .reduce("gmax", ReduceOp.MAX, buffer("g").abs())
                    .reduce("pmin", ReduceOp.MIN, buffer("p"))
                    .build(),
            Map.of("lr", 0.1), Map.of("lr", 2.0), Map.of());

    /** Reductions only: no buffer is written. */
    public static final KernelCase REDUCTIONS_ONLY = new KernelCase("reductionsOnly",
            Kernel.builder("stats")
                    .sum("dot", buffer("a").times(buffer("b")))
                    .reduce("amax", ReduceOp.MAX, buffer("a"))
                    .reduce("bmin", ReduceOp.MIN, buffer("b"))
                    .sum("positives", buffer("a").gt(Expr.zero()))
                    .sum("scaled", buffer("a").times(scalar("s")))
                    .build(),
            Map.of("s", 0.25), Map.of("s", -3.0), Map.of());

    /** Buffers stored, read back, stored again, and read by a later local and reduction. */
    public static final KernelCase READ_AFTER_STORE = new KernelCase("readAfterStore",
            Kernel.builder("chain")
                    .store("a", buffer("a").times(2).plus(scalar("s")))
                    .store("b", buffer("a").plus(buffer("b")))
                    .store("a", buffer("a").minus(buffer("b")))
                    .let("t", buffer("a").times(buffer("b")))
                    .store("c", Expr.local("t").plus(buffer("a")))
                    .sum("total", Expr.local("t"))
                    .build(),
            Map.of("s", 0.5), Map.of("s", -7.0), Map.of());

    /**
     * The autocorrelation probe's deferred lag products (K = 4 lags, a block of B = 4 observations):
     * five sums of four weighted products each over eight buffers, and a store into a buffer the sums
     * read before it.
     */
    public static final KernelCase LAG_PRODUCTS = new KernelCase("lagProducts", lagProducts(4, 4),
            Map.of("w1", 0.9, "w2", 0.81, "w3", 0.729), Map.of("w1", 0.5, "w2", -0.25, "w3", 2.0), Map.of());

    /**
     * Adam's derivative with respect to beta2, keeping Adam's own stores: generated names with
     * {@code '} and {@code @}, many locals, and derivative buffers.
     */
    public static final KernelCase ADAM_DERIVATIVE = new KernelCase("adamDerivative",
            Derivative.of(ADAM.kernel(), "beta2", orderedOutputs(), true),
            ADAM.scalars(), ADAM.otherScalars(), ADAM.domains());

    /** Every kernel case. */
    public static List<KernelCase> kernels() {
        return List.of(SGD, MOMENTUM, ADAM, SELECT, ALL_OPS, UNIFORM_OPS, REDUCTIONS, REDUCTIONS_ONLY,
                READ_AFTER_STORE, ADAM_DERIVATIVE, LAG_PRODUCTS);
    }

    /** r_k = sum(g prev_k + sum_d (w_d prev_d) prev_(d+k)) with prev_0 = g; prev_(K+B-1) = g. */
    private static Kernel lagProducts(int lags, int block) {
        Kernel.Builder b = Kernel.builder("lagProducts");
        Expr[] x = new Expr[lags + block];
        x[0] = buffer("g");
        for (int d = 1; d < x.length; d++) {
            x[d] = buffer("prev" + d);
        }
        for (int k = 0; k <= lags; k++) {
            Expr sum = x[0].times(x[k]);
            for (int d = 1; d < block; d++) {
                sum = sum.plus(scalar("w" + d).times(x[d]).times(x[d + k]));
            }
            b.sum("r" + k, sum);
        }
        return b.store("prev" + (lags + block - 1), buffer("g")).build();
    }

    /** Every derivative check. */
    public static List<DerivativeCase> derivatives() {
        Map<String, Domain> zeroParams = Map.of("p", Domain.ZERO, "v", Domain.POSITIVE);
        KernelCase sgd = withDomains(SGD, zeroParams);
        KernelCase momentum = withDomains(MOMENTUM, zeroParams);
        KernelCase adam = withDomains(ADAM, zeroParams);
        KernelCase select = withDomains(SELECT, zeroParams);
        Map<String, Double> adamAt = Map.of("lr", 0.01, "beta1", 0.9, "beta2", 0.99, "eps", 0.1, "t", 3.0);
        Map<String, String> adamOut = orderedOutputs();
        return List.of(
                new DerivativeCase(sgd, "lr", SGD.scalars(), 1e-2, Map.of("p", "dp")),
                new DerivativeCase(momentum, "lr", MOMENTUM.scalars(), 1e-3, Map.of("p", "dp", "buf", "dbuf")),
                new DerivativeCase(momentum, "mu", MOMENTUM.scalars(), 1e-3, Map.of("p", "dp", "buf", "dbuf")),
                new DerivativeCase(adam, "lr", adamAt, 1e-3, adamOut),
                new DerivativeCase(adam, "beta1", adamAt, 1e-3, adamOut),
                new DerivativeCase(adam, "beta2", adamAt, 1e-4, adamOut),
                new DerivativeCase(adam, "eps", adamAt, 1e-3, adamOut),
                new DerivativeCase(select, "lr", SELECT.scalars(), 1e-3, Map.of("p", "dp", "m", "dm")),
                new DerivativeCase(select, "beta", SELECT.scalars(), 1e-3, Map.of("p", "dp", "m", "dm")));
    }

    private static Map<String, String> orderedOutputs() {
        Map<String, String> out = new LinkedHashMap<>();
        out.put("p", "dp");
        out.put("m", "dm");
        out.put("v", "dv");
        return out;
    }

    private static KernelCase withDomains(KernelCase c, Map<String, Domain> domains) {
        Map<String, Domain> merged = new LinkedHashMap<>(c.domains());
        for (Map.Entry<String, Domain> e : domains.entrySet()) {
            if (c.kernel().bufferIndex(e.getKey()) >= 0) {
                merged.put(e.getKey(), e.getValue());
            }
        }
        return new KernelCase(c.name(), c.kernel(), c.scalars(), c.otherScalars(), merged);
    }

    private static Kernel adam() {
        Expr beta1 = scalar("beta1");
        Expr beta2 = scalar("beta2");
        Expr mHat = buffer("m").div(one().minus(beta1.pow(scalar("t"))));
        Expr vHat = buffer("v").div(one().minus(beta2.pow(scalar("t"))));
        return Kernel.builder("adam")
                .store("m", beta1.times(buffer("m")).plus(one().minus(beta1).times(buffer("g"))))
                .store("v", beta2.times(buffer("v")).plus(one().minus(beta2).times(buffer("g")).times(buffer("g"))))
                .store("p", buffer("p").minus(scalar("lr").times(mHat).div(vHat.sqrt().plus(scalar("eps")))))
                .build();
    }

    private static Kernel selectKernel() {
        Expr g = buffer("g");
        Expr m = buffer("m");
        Expr u = Expr.local("u");
        return Kernel.builder("clipped")
                .let("u", scalar("beta").times(m).plus(one().minus(scalar("beta")).times(g)))
                .store("p", Expr.select(u.abs().gt(scalar("clip")),
                        buffer("p").minus(scalar("lr").times(scalar("clip")).times(u.sign())),
                        buffer("p").minus(scalar("lr").times(u))))
                .store("m", Expr.select(new Expr.Binary(BinaryOp.GE, g, m), m.plus(g.minus(m).times(0.5)),
                        Expr.select(new Expr.Binary(BinaryOp.LE, g, m.neg()), m, m.times(0.9))))
                .store("mask", buffer("p").lt(Expr.zero()))
                .build();
    }

    private static Kernel allOps() {
        Kernel.Builder b = Kernel.builder("allOps");
        for (UnaryOp op : UnaryOp.values()) {
            b.store("u_" + op.name().toLowerCase(Locale.ROOT), buffer("x").apply(op));
        }
        for (BinaryOp op : BinaryOp.values()) {
            b.store("b_" + op.name().toLowerCase(Locale.ROOT), new Expr.Binary(op, buffer("x"), buffer("y")));
        }
        b.store("sel", Expr.select(buffer("x"), buffer("y"), buffer("x").neg()));
        b.store("constants", buffer("x").times(0.1).plus(Expr.constant(1.0 / 3)));
        return b.build();
    }

    private static Kernel uniformOps() {
        Kernel.Builder b = Kernel.builder("uniformOps");
        for (UnaryOp op : UnaryOp.values()) {
            b.store("u_" + op.name().toLowerCase(Locale.ROOT), buffer("x").times(scalar("s").apply(op)));
        }
        for (BinaryOp op : BinaryOp.values()) {
            b.store("b_" + op.name().toLowerCase(Locale.ROOT),
                    buffer("x").plus(new Expr.Binary(op, scalar("s"), scalar("r"))));
        }
        b.store("sel", buffer("x").times(Expr.select(scalar("s").gt(scalar("r")), scalar("s"), scalar("r"))));
        return b.build();
    }
}
