package org.optopt.backend.tornado.device;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import org.optopt.api.kernel.BinaryOp;
import org.optopt.api.kernel.Expr;
import org.optopt.api.kernel.Kernel;
import org.optopt.api.kernel.KernelPlan;
import org.optopt.api.kernel.Statement;
import org.optopt.api.kernel.UnaryOp;

/**
 * The Java source of one TornadoVM task for a kernel's {@link KernelPlan}: a class implementing
 * TornadoVM's raw {@code TaskN} whose {@code apply} calls a static method with one
 * {@code @Parallel} loop over the elements, the whole element program fused in its body.
 *
 * <pre>{@code
 * public static void run(float[] b0, ..., float[] r, float[] u, int n) {
 *     for (@Parallel int i = 0; i < n; i++) {
 *         float t0 = <expr>;        // Let
 *         bK[i] = t0;               // Store
 *         r[J * n + i] = <expr>;    // Reduce J: the element's term, combined in double on the host
 *     }
 * }
 * }</pre>
 *
 * <p>Arguments: the kernel's buffers in its order, the reduction terms (one array for all
 * reductions, present only if the kernel has any), the hoisted uniform slots {@code u}, the element
 * count. TornadoVM tasks take at most {@value #MAX_ARITY} arguments, so a kernel may bind at most
 * 18 buffers (17 with reductions). Arithmetic is the float instructions of
 * {@link org.optopt.api.kernel.KernelMath}; square root, comparisons, sign, max and min are
 * written out as {@code KernelMath} computes them, and every other function calls
 * {@code KernelMath}'s own method, which TornadoVM compiles for the device from its bytecode (the
 * device's {@code exp}, {@code log}, ... in double, rounded to float).
 */
final class KernelSource {
    static final String PACKAGE = "org.optopt.backend.tornado.generated";
    private static final String MATH = "org.optopt.api.kernel.KernelMath";
    private static final String NAME_PLACEHOLDER = "@NAME@";

    private final Kernel kernel;
    private final StringBuilder out = new StringBuilder();

    private KernelSource(Kernel kernel) {
        this.kernel = kernel;
    }

    /** The most arguments a TornadoVM task takes. */
    static final int MAX_ARITY = 20;

    /** The number of arguments of the task: buffers, reduction terms, uniforms and the count. */
    static int arity(Kernel kernel) {
        return kernel.buffers().size() + (kernel.reductions().isEmpty() ? 0 : 1) + 2;
    }

    /**
     * The generated class for {@code plan}: its simple name, {@code K_<kernel name>_<hash>} where the
     * hash is of the source, so that equal kernels share a name and no two different ones do (the
     * class files outlive the process, see {@link KernelClassCompiler}), and its source.
     */
    record Generated(String simpleName, String source) {}

    /** The task class for {@code plan}. */
    static Generated of(KernelPlan plan) {
        if (arity(plan.kernel()) > MAX_ARITY) {
            throw new IllegalArgumentException("Kernel " + plan.kernel().name() + " binds "
                    + plan.kernel().buffers().size() + " buffers; a TornadoVM task takes at most " + MAX_ARITY
                    + " arguments (buffers, reduction terms, uniforms, count)");
        }
        String template = new KernelSource(plan.kernel()).generate(plan);
        String name = "K_" + plan.kernel().name().replaceAll("[^A-Za-z0-9]", "_") + "_" + sha256(template);
        return new Generated(name, template.replace(NAME_PLACEHOLDER, name));
    }

    private static String sha256(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    private String generate(KernelPlan plan) {
        int arity = arity(kernel);
        int arrays = arity - 1;
        out.append("package ").append(PACKAGE).append(";\n\n")
                .append("import uk.ac.manchester.tornado.api.annotations.Parallel;\n\n")
                .append("/** Kernel ").append(kernel.name().replace("*/", "* /")).append(", generated. */\n")
                .append("@SuppressWarnings(\"rawtypes\")\n")
                .append("public final class ").append(NAME_PLACEHOLDER)
                .append(" implements uk.ac.manchester.tornado.api.common.TornadoFunctions.Task").append(arity)
                .append(" {\n    @Override\n    public void apply(");
        for (int a = 0; a < arity; a++) {
            out.append(a == 0 ? "" : ", ").append("Object a").append(a);
        }
        out.append(") {\n        run(");
        for (int a = 0; a < arrays; a++) {
            out.append("(float[]) a").append(a).append(", ");
        }
        out.append("(Integer) a").append(arrays).append(");\n    }\n\n    public static void run(");
        for (int b = 0; b < kernel.buffers().size(); b++) {
            out.append("float[] b").append(b).append(", ");
        }
        if (!kernel.reductions().isEmpty()) {
            out.append("float[] r, ");
        }
        out.append("float[] u, int n) {\n        for (@Parallel int i = 0; i < n; i++) {\n");
        int local = 0;
        Map<String, String> locals = new HashMap<>();
        for (Statement st : plan.statements()) {
            out.append("            ");
            switch (st) {
                case Statement.Let let -> {
                    String name = "t" + local++;
                    out.append("float ").append(name).append(" = ").append(expr(let.value(), locals)).append(";\n");
                    locals.put(let.name(), name);
                }
                case Statement.Store s -> out.append('b').append(kernel.bufferIndex(s.buffer())).append("[i] = ")
                        .append(expr(s.value(), locals)).append(";\n");
                case Statement.Reduce r -> out.append("r[").append(kernel.reductions().indexOf(r.name()))
                        .append(" * n + i] = ").append(expr(r.value(), locals)).append(";\n");
            }
        }
        return out.append("        }\n    }\n}\n").toString();
    }

    private String expr(Expr e, Map<String, String> locals) {
        return switch (e) {
            case Expr.Const c -> constant(c.value());
            case Expr.Scalar s -> {
                int slot = KernelPlan.slot(s);
                if (slot < 0) {
                    throw new IllegalStateException("scalar '" + s.name() + "' was not hoisted into a uniform slot");
                }
                yield "u[" + slot + "]";
            }
            case Expr.Buffer b -> "b" + kernel.bufferIndex(b.name()) + "[i]";
            case Expr.Local l -> locals.get(l.name());
            case Expr.Unary u -> unary(u.op(), expr(u.x(), locals));
            case Expr.Binary b -> binary(b.op(), expr(b.a(), locals), expr(b.b(), locals));
            case Expr.Select s -> "(" + expr(s.condition(), locals) + " != 0f ? " + expr(s.ifTrue(), locals)
                    + " : " + expr(s.ifFalse(), locals) + ")";
        };
    }

    private static String constant(float v) {
        if (Float.isNaN(v)) {
            return "Float.NaN";
        }
        if (Float.isInfinite(v)) {
            return v > 0 ? "Float.POSITIVE_INFINITY" : "Float.NEGATIVE_INFINITY";
        }
        return "Float.intBitsToFloat(0x" + Integer.toHexString(Float.floatToRawIntBits(v)) + ")";
    }

    private static String unary(UnaryOp op, String x) {
        return switch (op) {
            case NEG -> "(-" + x + ")";
            case ABS -> "Math.abs(" + x + ")";
            case SQRT -> "((float) Math.sqrt((double) " + x + "))";
            case SQUARE -> "(" + x + " * " + x + ")";
            case RECIPROCAL -> "(1f / " + x + ")";
            case SIGN -> "Math.signum(" + x + ")";
            case EXP, LOG, TANH, SIGMOID, SOFTPLUS, SOFTSIGN, ATAN, ERF ->
                    MATH + "." + op.name().toLowerCase(Locale.ROOT) + "(" + x + ")";
        };
    }

    private static String binary(BinaryOp op, String a, String b) {
        return switch (op) {
            case ADD -> "(" + a + " + " + b + ")";
            case SUB -> "(" + a + " - " + b + ")";
            case MUL -> "(" + a + " * " + b + ")";
            case DIV -> "(" + a + " / " + b + ")";
            case POW -> MATH + ".pow(" + a + ", " + b + ")";
            case MAX -> "Math.max(" + a + ", " + b + ")";
            case MIN -> "Math.min(" + a + ", " + b + ")";
            case GT -> "(" + a + " > " + b + " ? 1f : 0f)";
            case GE -> "(" + a + " >= " + b + " ? 1f : 0f)";
            case LT -> "(" + a + " < " + b + " ? 1f : 0f)";
            case LE -> "(" + a + " <= " + b + " ? 1f : 0f)";
        };
    }
}
