package org.optopt.backend.tornado.device;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
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
 * count. A TornadoVM task takes at most {@value #MAX_ARITY} arguments, so a kernel binding more
 * buffers than fit ({@link #packed}) gets one buffer table {@code tab} instead, buffer {@code k}'s
 * element {@code i} at {@code tab[k * n + i]}, which {@link DevicePlans} fills from the bound
 * tensors and empties into the stored ones at every run. Packing was chosen over splitting such a
 * kernel into several tasks because a split would recompute (or spill to memory) every local value
 * that statements on both sides share; its cost, copies on the host and no device residency, falls
 * only on such kernels.
 *
 * <p>Arithmetic is the float instructions of {@link org.optopt.api.kernel.KernelMath}; square
 * root and comparisons are written out as {@code KernelMath} computes them ({@code >=} and
 * {@code <=} as {@code > || ==}: TornadoVM turns {@code a <= b} into {@code !(a > b)}, true for NaN),
 * and {@code exp}, {@code log}, {@code sigmoid}, {@code softsign} and {@code atan} call
 * {@code KernelMath}'s own methods, which TornadoVM compiles for the device from their bytecode (the
 * device's {@code exp}, {@code log}, ... in double, rounded to float). The other functions would not
 * compile, or not to the same bits: {@code tanh} calls {@link Math#fma}, {@code erf}
 * {@link Math#copySign}, {@code softplus} {@link Math#log1p}, {@code sign} {@link Math#signum}, and
 * {@code max}, {@code min} and {@code pow} would become the device's {@code fmax}, {@code fmin} and
 * {@code pow}, which differ on NaN, signed zeros and {@code pow(1, inf)}. For these the class
 * declares native methods that {@link DeviceMethods} fills with bytecode: {@code KernelMath}'s own,
 * its calls of such {@code Math} methods redirected to
 * {@link org.optopt.backend.tornado.PortableMath}'s arithmetic-only equivalents. So the device
 * computes the host's bits, and the approximations' coefficients are not written twice.
 */
final class KernelSource {
    static final String PACKAGE = "org.optopt.backend.tornado.generated";
    private static final String MATH = "org.optopt.api.kernel.KernelMath";
    private static final String NAME_PLACEHOLDER = "@NAME@";

    private final Kernel kernel;
    private final StringBuilder out = new StringBuilder();
    /** The native methods the class declares, which {@link DeviceMethods} fills. */
    private final Set<String> natives = new TreeSet<>();

    private KernelSource(Kernel kernel) {
        this.kernel = kernel;
    }

    /** The most arguments a TornadoVM task takes. */
    static final int MAX_ARITY = 20;

    /** Whether the kernel binds too many buffers for one task argument each, and gets a buffer table. */
    static boolean packed(Kernel kernel) {
        return kernel.buffers().size() + (kernel.reductions().isEmpty() ? 0 : 1) + 2 > MAX_ARITY;
    }

    /** The number of task arguments holding buffers: the buffers, or the one buffer table. */
    static int bufferArguments(Kernel kernel) {
        return packed(kernel) ? 1 : kernel.buffers().size();
    }

    /** The number of arguments of the task: buffers (or their table), reduction terms, uniforms and the count. */
    static int arity(Kernel kernel) {
        return bufferArguments(kernel) + (kernel.reductions().isEmpty() ? 0 : 1) + 2;
    }

    /**
     * The generated class for {@code plan}: its simple name, {@code K_<kernel name>_<hash>} where the
     * hash is of the source, so that equal kernels share a name and no two different ones do (the
     * class files outlive the process, see {@link KernelClassCompiler}), and its source.
     */
    record Generated(String simpleName, String source) {}

    /** The task class for {@code plan}. */
    static Generated of(KernelPlan plan) {
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
        if (packed(kernel)) {
            out.append("float[] tab, ");
        } else {
            for (int b = 0; b < kernel.buffers().size(); b++) {
                out.append("float[] b").append(b).append(", ");
            }
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
                case Statement.Store s -> out.append(element(kernel.bufferIndex(s.buffer()))).append(" = ")
                        .append(expr(s.value(), locals)).append(";\n");
                case Statement.Reduce r -> out.append("r[").append(kernel.reductions().indexOf(r.name()))
                        .append(" * n + i] = ").append(expr(r.value(), locals)).append(";\n");
            }
        }
        out.append("        }\n    }\n");
        for (String name : natives) {
            out.append("\n    private static native ").append(DeviceMethods.declaration(name)).append(";\n");
        }
        return out.append("}\n").toString();
    }

    /** Element {@code i} of buffer {@code b}: its own argument, or its part of the buffer table. */
    private String element(int b) {
        return packed(kernel) ? "tab[" + b + " * n + i]" : "b" + b + "[i]";
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
            case Expr.Buffer b -> element(kernel.bufferIndex(b.name()));
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

    private String unary(UnaryOp op, String x) {
        return switch (op) {
            case NEG -> "(-" + x + ")";
            case ABS -> "Math.abs(" + x + ")";
            case SQRT -> "((float) Math.sqrt((double) " + x + "))";
            case SQUARE -> "(" + x + " * " + x + ")";
            case RECIPROCAL -> "(1f / " + x + ")";
            case SIGN -> call("signum(F)F", x);
            case TANH -> call("tanh(F)F", x);
            case ERF -> call("erf(F)F", x);
            case SOFTPLUS -> call("softplus(F)F", x);
            case EXP, LOG, SIGMOID, SOFTSIGN, ATAN ->
                    MATH + "." + op.name().toLowerCase(Locale.ROOT) + "(" + x + ")";
        };
    }

    /**
     * A call of the class's own copy of {@code method} (name and descriptor, e.g. {@code tanh(F)F}),
     * declared with everything its body calls.
     */
    private String call(String method, String... args) {
        natives.addAll(DeviceMethods.closure(method));
        return DeviceMethods.copyName(method) + "(" + String.join(", ", args) + ")";
    }

    private String binary(BinaryOp op, String a, String b) {
        return switch (op) {
            case ADD -> "(" + a + " + " + b + ")";
            case SUB -> "(" + a + " - " + b + ")";
            case MUL -> "(" + a + " * " + b + ")";
            case DIV -> "(" + a + " / " + b + ")";
            case POW -> call("pow(FF)F", a, b);
            case MAX -> call("max(FF)F", a, b);
            case MIN -> call("min(FF)F", a, b);
            case GT -> "(" + a + " > " + b + " ? 1f : 0f)";
            case GE -> "(" + a + " > " + b + " || " + a + " == " + b + " ? 1f : 0f)";
            case LT -> "(" + a + " < " + b + " ? 1f : 0f)";
            case LE -> "(" + a + " < " + b + " || " + a + " == " + b + " ? 1f : 0f)";
        };
    }
}
