package org.optopt.backend.nd4j;

import static java.lang.constant.ConstantDescs.CD_double;
import static java.lang.constant.ConstantDescs.CD_float;
import static java.lang.constant.ConstantDescs.CD_int;
import static java.lang.constant.ConstantDescs.CD_void;

import java.lang.classfile.CodeBuilder;
import java.lang.classfile.Label;
import java.lang.classfile.TypeKind;
import java.lang.constant.ClassDesc;
import java.lang.constant.MethodTypeDesc;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.optopt.api.kernel.BinaryOp;
import org.optopt.api.kernel.Expr;
import org.optopt.api.kernel.Kernel;
import org.optopt.api.kernel.KernelPlan;
import org.optopt.api.kernel.ReduceOp;
import org.optopt.api.kernel.Statement;
import org.optopt.api.kernel.UnaryOp;

/**
 * Emits the vector loop of a kernel with sums: the element program over {@link VectorOps#LANES}
 * elements at a time with the Vector API ({@code jdk.incubator.vector}), each sum accumulating its
 * widened float terms in one double vector. {@link KernelCompiler} runs the remaining elements (fewer
 * than a vector, or all of a call's elements if they are fewer than {@link #MIN_ELEMENTS}) through
 * its scalar loop and adds the lanes of each vector sum, in lane order, to the sum's scalar accumulator.
 * <pre>{@code
 * FloatVector s0 = broadcast(u0); ...          // each uniform slot
 * DoubleVector v0 = zero(); ...                // each sum
 * for (; i <= to - LANES; i += LANES) {
 *     FloatVector t0 = load(b0, i).mul(s0);    // Let
 *     <expr>.intoArray(bK, i);                 // Store
 *     v0 = accumulate(v0, <expr>);             // Reduce: v0 + (double) <expr>, lane by lane
 * }
 * r0 = r0 + total(v0); ...
 * }</pre>
 *
 * <p>Why: HotSpot's C2 does not vectorize a floating-point sum (its order would change), so a
 * compiled loop with sums ran scalar: about 0.045 ms per sum over 100,352 elements, 0.18 ms for the
 * autocorrelation probe's five sums (four scalar accumulator lanes), against 0.073 ms in vector lanes.
 * Kernels without sums keep C2's auto-vectorized loop, which already runs at memory bandwidth.
 *
 * <p>Which kernels: those whose reductions are all sums and whose element program uses only ops
 * that are exact lane by lane and equal to their scalar form bit for bit: loads, stores, +, -, *,
 * /, negation, abs, square root (correctly rounded in float, the same as {@code (float) Math.sqrt}),
 * square and reciprocal; and at most {@link #MAX_OPERATIONS} vector operations per iteration (every
 * buffer is loaded once per iteration, constants and uniforms are broadcast before the loop).
 * Others (selects, comparisons, transcendentals, max/min reductions, larger programs) keep the
 * scalar loop, and so do all kernels where the {@code jdk.incubator.vector} module is not in the boot
 * layer (a class-path launch without {@code --add-modules jdk.incubator.vector}). Stored values stay
 * bit-identical to the interpreter; only the summation order changes (element {@code from + i}
 * goes to lane {@code i mod LANES}, so the order depends on the machine's vector width).
 */
final class VectorLoopEmitter {
    private static final String MODULE = "jdk.incubator.vector";
    private static final ClassDesc CD_OPS = ClassDesc.of(VectorOps.class.getName());
    private static final ClassDesc CD_FLOATS = ClassDesc.of(MODULE, "FloatVector");
    private static final ClassDesc CD_DOUBLES = ClassDesc.of(MODULE, "DoubleVector");
    private static final ClassDesc CD_VECTOR = ClassDesc.of(MODULE, "Vector");
    private static final ClassDesc CD_SPECIES = ClassDesc.of(MODULE, "VectorSpecies");
    private static final ClassDesc CD_CONVERSION = ClassDesc.of(MODULE, "VectorOperators$Conversion");
    private static final ClassDesc CD_OPERATORS = ClassDesc.of(MODULE, "VectorOperators");
    private static final MethodTypeDesc MTD_LOAD = MethodTypeDesc.of(CD_FLOATS, CD_SPECIES, CD_float.arrayType(), CD_int);
    private static final MethodTypeDesc MTD_STORE = MethodTypeDesc.of(CD_void, CD_float.arrayType(), CD_int);
    private static final MethodTypeDesc MTD_BROADCAST = MethodTypeDesc.of(CD_FLOATS, CD_SPECIES, CD_float);
    private static final MethodTypeDesc MTD_ZERO = MethodTypeDesc.of(CD_DOUBLES, CD_SPECIES);
    private static final MethodTypeDesc MTD_CONVERT = MethodTypeDesc.of(CD_VECTOR, CD_CONVERSION, CD_SPECIES, CD_int);
    private static final MethodTypeDesc MTD_ADD_DOUBLES = MethodTypeDesc.of(CD_DOUBLES, CD_VECTOR);
    private static final MethodTypeDesc MTD_TOTAL = MethodTypeDesc.of(CD_double, CD_DOUBLES);
    private static final MethodTypeDesc MTD_UNARY = MethodTypeDesc.of(CD_FLOATS);
    private static final MethodTypeDesc MTD_BINARY = MethodTypeDesc.of(CD_FLOATS, CD_VECTOR);

    private static final Set<UnaryOp> UNARY = EnumSet.of(UnaryOp.NEG, UnaryOp.ABS, UnaryOp.SQRT, UnaryOp.SQUARE,
            UnaryOp.RECIPROCAL);
    private static final Set<BinaryOp> BINARY = EnumSet.of(BinaryOp.ADD, BinaryOp.SUB, BinaryOp.MUL, BinaryOp.DIV);

    /**
     * The most Vector API calls per iteration ({@link #vectorOperations}). Each call is inlined with
     * its implementation, and C2 stops inlining in a method beyond a node budget
     * ({@code NodeCountInliningCutoff}); a vector operation left as a call allocates its vectors and
     * runs several times slower than the scalar loop. Measured on mnist-mlp's parameters (AVX2,
     * {@code optopt bench probes}): Adam with the autocorrelation probe fused (37 calls) took
     * 0.12 ms more than Adam alone against 0.50 ms in the scalar loop; with the second-moment probe
     * fused as well (43 calls) 1.2-1.3 ms against 0.56 ms.
     */
    static final int MAX_OPERATIONS = 38;

    /**
     * The fewest elements of a call that run the vector loop; fewer run the scalar loop only. Until
     * C2 has compiled a loop, the Vector API runs as plain Java that allocates every vector (some
     * microseconds per iteration), and small tensors, called most often, would pay that on every
     * call before the compilation: teacher-student-mlp trained with Adam (a full sum over small
     * tensors per step) for 1500 steps took 0.94 ms per step against 0.44 before vector loops, and
     * 0.35-0.57 against 0.24-0.75 with this minimum (same machine, runs alternated, load 5).
     */
    static final int MIN_ELEMENTS = 1024;

    /** Whether the Vector API can be used: its module is in the boot layer and vectors hold 2+ doubles. */
    private static final boolean AVAILABLE = ModuleLayer.boot().findModule(MODULE).isPresent() && VectorOps.LANES >= 2;

    private final CodeBuilder code;
    private final Kernel kernel;
    private final List<Statement> statements;
    private final int[] bufferSlots;
    private final int[] uniformSlots;
    private final int[] accumulatorSlots;
    private final Map<String, Integer> locals = new HashMap<>();
    private final Map<String, Integer> loaded = new LinkedHashMap<>();
    private final Map<Float, Integer> constants = new LinkedHashMap<>();
    private int[] vectorUniforms;
    private int[] vectorSums;
    private int index;

    /**
     * An emitter of {@code statements} (the kernel's plan) into {@code code}, whose locals hold the
     * buffers, the float uniform slots and the double accumulators of the kernel's reductions.
     */
    VectorLoopEmitter(CodeBuilder code, Kernel kernel, List<Statement> statements, int[] bufferSlots,
            int[] uniformSlots, int[] accumulatorSlots) {
        this.code = code;
        this.kernel = kernel;
        this.statements = statements;
        this.bufferSlots = bufferSlots;
        this.uniformSlots = uniformSlots;
        this.accumulatorSlots = accumulatorSlots;
    }

    /** Whether {@code plan} gets a vector loop (see the class description). */
    static boolean supports(KernelPlan plan) {
        List<Statement.Reduce> reductions = plan.statements().stream()
                .flatMap(st -> st instanceof Statement.Reduce r ? Stream.of(r) : Stream.empty()).toList();
        List<Expr> nodes = new ArrayList<>();
        plan.statements().forEach(st -> st.value().walk(nodes::add));
        return AVAILABLE && !reductions.isEmpty() && reductions.stream().allMatch(r -> r.op() == ReduceOp.SUM)
                && nodes.stream().allMatch(VectorLoopEmitter::vectorizable)
                && vectorOperations(plan.statements(), nodes) <= MAX_OPERATIONS;
    }

    /**
     * The Vector API calls of one iteration: a load per buffer read, an operation per operator, an
     * accumulation per sum and a store per store.
     */
    private static int vectorOperations(List<Statement> statements, List<Expr> nodes) {
        long buffers = nodes.stream().flatMap(e -> e instanceof Expr.Buffer b ? Stream.of(b.name()) : Stream.empty())
                .distinct().count();
        long operators = nodes.stream().filter(e -> e instanceof Expr.Unary || e instanceof Expr.Binary).count();
        long statementsOut = statements.stream().filter(st -> !(st instanceof Statement.Let)).count();
        return (int) (buffers + operators + statementsOut);
    }

    private static boolean vectorizable(Expr e) {
        return switch (e) {
            case Expr.Unary u -> UNARY.contains(u.op());
            case Expr.Binary b -> BINARY.contains(b.op());
            case Expr.Select s -> false;
            default -> true;
        };
    }

    /** Elements per vector; valid only where {@link #supports} can be true. */
    static int lanes() {
        return VectorOps.LANES;
    }

    /**
     * The vector loop from the int local {@code i} while a whole vector fits below the int local
     * {@code to}, leaving {@code i} at the first element it did not process, then each vector sum
     * added to its double accumulator.
     */
    void emit(int i, int to) {
        Label scalarOnly = code.newLabel();
        code.iload(to).iload(i).isub().loadConstant(MIN_ELEMENTS).if_icmplt(scalarOnly);
        vectorUniforms = new int[uniformSlots.length];
        for (int u = 0; u < uniformSlots.length; u++) {
            vectorUniforms[u] = code.allocateLocal(TypeKind.REFERENCE);
            floats().fload(uniformSlots[u]).invokestatic(CD_FLOATS, "broadcast", MTD_BROADCAST).astore(vectorUniforms[u]);
        }
        vectorSums = new int[accumulatorSlots.length];
        for (int r = 0; r < vectorSums.length; r++) {
            vectorSums[r] = code.allocateLocal(TypeKind.REFERENCE);
            code.getstatic(CD_OPS, "DOUBLES", CD_SPECIES).invokestatic(CD_DOUBLES, "zero", MTD_ZERO).astore(vectorSums[r]);
        }
        for (Statement st : statements) {
            if (st instanceof Statement.Let let) {
                locals.put(let.name(), code.allocateLocal(TypeKind.REFERENCE));
            }
            st.value().walk(e -> {
                if (e instanceof Expr.Buffer b) {
                    loaded.computeIfAbsent(b.name(), name -> code.allocateLocal(TypeKind.REFERENCE));
                } else if (e instanceof Expr.Const c && !constants.containsKey(c.value())) {
                    int slot = code.allocateLocal(TypeKind.REFERENCE);
                    floats().loadConstant(c.value()).invokestatic(CD_FLOATS, "broadcast", MTD_BROADCAST).astore(slot);
                    constants.put(c.value(), slot);
                }
            });
        }
        index = i;
        Label head = code.newLabel();
        Label exit = code.newLabel();
        code.labelBinding(head);
        code.iload(i).iload(to).loadConstant(VectorOps.LANES).isub().if_icmpgt(exit);
        loaded.forEach((buffer, slot) -> floats().aload(bufferSlots[kernel.bufferIndex(buffer)]).iload(index)
                .invokestatic(CD_FLOATS, "fromArray", MTD_LOAD).astore(slot));
        statements.forEach(this::statement);
        code.iinc(i, VectorOps.LANES).goto_(head);
        code.labelBinding(exit);
        for (int r = 0; r < vectorSums.length; r++) {
            code.dload(accumulatorSlots[r]).aload(vectorSums[r]).invokestatic(CD_OPS, "total", MTD_TOTAL)
                    .dadd().dstore(accumulatorSlots[r]);
        }
        code.labelBinding(scalarOnly);
    }

    /** Pushes {@link VectorOps#FLOATS}, the species of every float vector. */
    private CodeBuilder floats() {
        return code.getstatic(CD_OPS, "FLOATS", CD_SPECIES);
    }

    private void statement(Statement st) {
        switch (st) {
            case Statement.Let let -> {
                expr(let.value());
                code.astore(locals.get(let.name()));
            }
            case Statement.Store s -> {
                expr(s.value());
                code.aload(bufferSlots[kernel.bufferIndex(s.buffer())]).iload(index)
                        .invokevirtual(CD_FLOATS, "intoArray", MTD_STORE);
            }
            case Statement.Reduce r -> {
                int sum = vectorSums[kernel.reductions().indexOf(r.name())];
                // sum = sum.add(terms.convertShape(F2D, DOUBLES, 0)): the terms widened to double, exactly
                code.aload(sum);
                expr(r.value());
                code.getstatic(CD_OPERATORS, "F2D", CD_CONVERSION).getstatic(CD_OPS, "DOUBLES", CD_SPECIES).iconst_0()
                        .invokevirtual(CD_FLOATS, "convertShape", MTD_CONVERT)
                        .invokevirtual(CD_DOUBLES, "add", MTD_ADD_DOUBLES).astore(sum);
            }
        }
    }

    /** Leaves the float vector of {@code e} on the stack. */
    private void expr(Expr e) {
        switch (e) {
            case Expr.Const c -> code.aload(constants.get(c.value()));
            case Expr.Scalar s -> code.aload(vectorUniforms[KernelPlan.slot(s)]);
            case Expr.Buffer b -> code.aload(loaded.get(b.name()));
            case Expr.Local l -> code.aload(locals.get(l.name()));
            case Expr.Unary u -> {
                expr(u.x());
                unary(u.op());
            }
            case Expr.Binary b -> {
                expr(b.a());
                expr(b.b());
                code.invokevirtual(CD_FLOATS, b.op().name().toLowerCase(Locale.ROOT), MTD_BINARY);
            }
            case Expr.Select s -> throw new IllegalStateException("not vectorized: " + s);
        }
    }

    private void unary(UnaryOp op) {
        switch (op) {
            case NEG, ABS, SQRT -> code.invokevirtual(CD_FLOATS, op.name().toLowerCase(Locale.ROOT), MTD_UNARY);
            case SQUARE -> code.dup().invokevirtual(CD_FLOATS, "mul", MTD_BINARY);
            case RECIPROCAL -> floats().loadConstant(1f).invokestatic(CD_FLOATS, "broadcast", MTD_BROADCAST).swap()
                    .invokevirtual(CD_FLOATS, "div", MTD_BINARY);
            default -> throw new IllegalStateException("not vectorized: " + op);
        }
    }
}
