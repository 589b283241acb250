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
 * Emits the vector loop of a kernel with sums: the element program over a vector of elements at a
 * time with the Vector API ({@code jdk.incubator.vector}), in one of two forms. {@link KernelCompiler}
 * runs the remaining elements (fewer than a vector, or all of a call's elements if they are fewer
 * than {@link #MIN_ELEMENTS}) through its scalar loop.
 *
 * <p><b>Sums in double</b> (a kernel with a {@link ReduceOp#SUM}): floats {@link VectorOps#LANES}
 * at a time, as many as a double vector holds, each sum widening its float terms into one double
 * vector, whose lanes are added in lane order after the loop.
 * <pre>{@code
 * FloatVector s0 = broadcast(u0); ...          // each uniform slot
 * DoubleVector v0 = zero(); ...                // each sum
 * for (; i <= to - LANES; i += LANES) {
 *     FloatVector t0 = load(b0, i).mul(s0);    // Let
 *     <expr>.intoArray(bK, i);                 // Store
 *     v0 = v0.add(<expr>.convertShape(F2D));   // Reduce: the terms widened to double, exactly
 * }
 * r0 = r0 + total(v0); ...
 * }</pre>
 *
 * <p><b>Float partial sums</b> (every reduction a {@link ReduceOp#FLOAT_PARTIAL_SUM}): floats
 * {@link VectorOps#FULL_LANES} at a time, the machine's whole float vector, each sum adding its terms
 * in a float vector for {@link VectorOps#CHUNK} iterations (at most that many terms per lane), storing
 * its lanes as partial sums and starting again from zero; after the loop the partials are added in
 * double in a fixed order ({@link VectorOps#total(float[], int)}).
 * <pre>{@code
 * float[] p0 = partials[0]; ...; int o = 0;    // each sum
 * while (i <= to - LANES) {
 *     int stop = min(to - LANES + 1, i + CHUNK * LANES);
 *     FloatVector v0 = zero(); ...
 *     for (; i < stop; i += LANES) { ...; v0 = v0.add(<expr>); }
 *     v0.intoArray(p0, o); ...; o += LANES;
 * }
 * r0 = r0 + total(p0, o); ...
 * }</pre>
 * Measured on the autocorrelation probe's kernel (five sums and a store over 100,352 elements, AVX2,
 * JDK 25, data in the cache): 33-35 us against 72 us in double vectors; in whole mnist-mlp training steps
 * with the probe attached, 5.4-7.2% slower than plain Adam against 9.0-9.5% (docs/theory.md).
 *
 * <p>Why vector loops: HotSpot's C2 does not vectorize a floating-point sum (its order would
 * change), so a compiled loop with sums runs scalar or in lanes of doubles ({@link SumLanes}).
 * Kernels without sums keep C2's auto-vectorized loop, which already runs at memory bandwidth. Why
 * stored partials, not {@code reduceLanes(ADD)}: the Vector API leaves the order of a float
 * reduction open, and the interpreter and C2 may add in different orders, so results would depend
 * on JIT compilation; lanes added in index order keep every sum deterministic.
 *
 * <p>Which kernels: those whose reductions are all sums and whose element program uses only ops
 * that are exact lane by lane and equal to their scalar form bit for bit: loads, stores, +, -, *,
 * /, negation, abs, square root (correctly rounded in float, the same as {@code (float) Math.sqrt}),
 * square and reciprocal; and at most {@link #MAX_OPERATIONS} vector operations per iteration (every
 * buffer is loaded once per iteration, constants and uniforms are broadcast before the loop).
 * Others (selects, comparisons, transcendentals, max/min reductions, larger programs) keep the
 * scalar loop, and so do all kernels where the {@code jdk.incubator.vector} module is not in the boot
 * layer (a class-path launch without {@code --add-modules jdk.incubator.vector}). Stored values stay
 * bit-identical to the interpreter; only the summation changes: element {@code from + i} goes to
 * lane {@code i mod LANES} (of partial {@code i / (CHUNK * LANES)}), so the order depends on the
 * machine's vector width.
 */
final class VectorLoopEmitter {
    private static final String MODULE = "jdk.incubator.vector";
    private static final ClassDesc CD_OPS = ClassDesc.of(VectorOps.class.getName());
    private static final ClassDesc CD_FLOATS = ClassDesc.of(MODULE, "FloatVector");
    private static final ClassDesc CD_VECTOR = ClassDesc.of(MODULE, "Vector");
    private static final ClassDesc CD_DOUBLES = ClassDesc.of(MODULE, "DoubleVector");
    private static final ClassDesc CD_SPECIES = ClassDesc.of(MODULE, "VectorSpecies");
    private static final ClassDesc CD_CONVERSION = ClassDesc.of(MODULE, "VectorOperators$Conversion");
    private static final ClassDesc CD_OPERATORS = ClassDesc.of(MODULE, "VectorOperators");
    private static final MethodTypeDesc MTD_LOAD = MethodTypeDesc.of(CD_FLOATS, CD_SPECIES, CD_float.arrayType(), CD_int);
    private static final MethodTypeDesc MTD_STORE = MethodTypeDesc.of(CD_void, CD_float.arrayType(), CD_int);
    private static final MethodTypeDesc MTD_BROADCAST = MethodTypeDesc.of(CD_FLOATS, CD_SPECIES, CD_float);
    private static final MethodTypeDesc MTD_ZERO_FLOATS = MethodTypeDesc.of(CD_FLOATS, CD_SPECIES);
    private static final MethodTypeDesc MTD_ZERO_DOUBLES = MethodTypeDesc.of(CD_DOUBLES, CD_SPECIES);
    private static final MethodTypeDesc MTD_CONVERT = MethodTypeDesc.of(CD_VECTOR, CD_CONVERSION, CD_SPECIES, CD_int);
    private static final MethodTypeDesc MTD_ADD_DOUBLES = MethodTypeDesc.of(CD_DOUBLES, CD_VECTOR);
    private static final MethodTypeDesc MTD_TOTAL_DOUBLES = MethodTypeDesc.of(CD_double, CD_DOUBLES);
    private static final MethodTypeDesc MTD_PARTIALS = MethodTypeDesc.of(CD_float.arrayType(2), CD_int, CD_int);
    private static final MethodTypeDesc MTD_TOTAL_PARTIALS = MethodTypeDesc.of(CD_double, CD_float.arrayType(), CD_int);
    private static final MethodTypeDesc MTD_MIN = MethodTypeDesc.of(CD_int, CD_int, CD_int);
    private static final ClassDesc CD_MATH = ClassDesc.of("java.lang.Math");
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
    /** Whether every sum may add float partial sums ({@link ReduceOp#FLOAT_PARTIAL_SUM}): the second form. */
    private final boolean partialSums;
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
        this.partialSums = partialSums(statements);
    }

    /** Whether every reduction of {@code statements} is a {@link ReduceOp#FLOAT_PARTIAL_SUM}. */
    private static boolean partialSums(List<Statement> statements) {
        return statements.stream().allMatch(st -> !(st instanceof Statement.Reduce r) || r.op() == ReduceOp.FLOAT_PARTIAL_SUM);
    }

    /** Whether {@code plan} gets a vector loop (see the class description). */
    static boolean supports(KernelPlan plan) {
        List<Statement.Reduce> reductions = plan.statements().stream()
                .flatMap(st -> st instanceof Statement.Reduce r ? Stream.of(r) : Stream.empty()).toList();
        List<Expr> nodes = new ArrayList<>();
        plan.statements().forEach(st -> st.value().walk(nodes::add));
        return AVAILABLE && !reductions.isEmpty() && reductions.stream().allMatch(r -> r.op().isSum())
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

    /** Elements per vector of {@code plan}'s loop; valid only where {@link #supports} can be true. */
    static int lanes(KernelPlan plan) {
        return partialSums(plan.statements()) ? VectorOps.FULL_LANES : VectorOps.LANES;
    }

    /**
     * The vector loop from the int local {@code i} while a whole vector fits below the int local
     * {@code to}, leaving {@code i} at the first element it did not process, then each sum added to
     * its double accumulator.
     */
    void emit(int i, int to) {
        Label scalarOnly = code.newLabel();
        code.iload(to).iload(i).isub().loadConstant(MIN_ELEMENTS).if_icmplt(scalarOnly);
        declare();
        index = i;
        if (partialSums) {
            emitPartialSums(i, to);
        } else {
            emitDoubleSums(i, to);
        }
        code.labelBinding(scalarOnly);
    }

    /** Broadcasts the uniforms and constants, and allocates a local per loaded buffer, Let and sum. */
    private void declare() {
        vectorUniforms = new int[uniformSlots.length];
        for (int u = 0; u < uniformSlots.length; u++) {
            vectorUniforms[u] = code.allocateLocal(TypeKind.REFERENCE);
            floats().fload(uniformSlots[u]).invokestatic(CD_FLOATS, "broadcast", MTD_BROADCAST).astore(vectorUniforms[u]);
        }
        vectorSums = new int[accumulatorSlots.length];
        for (int r = 0; r < vectorSums.length; r++) {
            vectorSums[r] = code.allocateLocal(TypeKind.REFERENCE);
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
    }

    /** One iteration's loads and statements, then {@code i} advanced by a vector. */
    private void body(int i) {
        loaded.forEach((buffer, slot) -> floats().aload(bufferSlots[kernel.bufferIndex(buffer)]).iload(index)
                .invokestatic(CD_FLOATS, "fromArray", MTD_LOAD).astore(slot));
        statements.forEach(this::statement);
        code.iinc(i, lanes());
    }

    /** The first form: each sum in a double vector, its lanes added in lane order after the loop. */
    private void emitDoubleSums(int i, int to) {
        for (int sum : vectorSums) {
            code.getstatic(CD_OPS, "DOUBLES", CD_SPECIES).invokestatic(CD_DOUBLES, "zero", MTD_ZERO_DOUBLES).astore(sum);
        }
        Label head = code.newLabel();
        Label exit = code.newLabel();
        code.labelBinding(head);
        code.iload(i).iload(to).loadConstant(lanes()).isub().if_icmpgt(exit);
        body(i);
        code.goto_(head);
        code.labelBinding(exit);
        for (int r = 0; r < vectorSums.length; r++) {
            code.dload(accumulatorSlots[r]).aload(vectorSums[r]).invokestatic(CD_OPS, "total", MTD_TOTAL_DOUBLES)
                    .dadd().dstore(accumulatorSlots[r]);
        }
    }

    /** The second form: each sum in float vectors stored as partials every {@link VectorOps#CHUNK} iterations. */
    private void emitPartialSums(int i, int to) {
        int arrays = code.allocateLocal(TypeKind.REFERENCE);
        code.loadConstant(vectorSums.length).iload(to).iload(i).isub().invokestatic(CD_OPS, "partials", MTD_PARTIALS)
                .astore(arrays);
        int[] partials = new int[vectorSums.length];
        for (int r = 0; r < partials.length; r++) {
            partials[r] = code.allocateLocal(TypeKind.REFERENCE);
            code.aload(arrays).loadConstant(r).aaload().astore(partials[r]);
        }
        int used = code.allocateLocal(TypeKind.INT);
        int last = code.allocateLocal(TypeKind.INT);
        int stop = code.allocateLocal(TypeKind.INT);
        code.iconst_0().istore(used);
        code.iload(to).loadConstant(lanes()).isub().istore(last);
        Label chunk = code.newLabel();
        Label exit = code.newLabel();
        Label head = code.newLabel();
        Label flush = code.newLabel();
        code.labelBinding(chunk);
        code.iload(i).iload(last).if_icmpgt(exit);
        // stop = min(last + 1, i + CHUNK * LANES)
        code.iload(last).iconst_1().iadd().iload(i).loadConstant(VectorOps.CHUNK * lanes()).iadd()
                .invokestatic(CD_MATH, "min", MTD_MIN).istore(stop);
        for (int sum : vectorSums) {
            floats().invokestatic(CD_FLOATS, "zero", MTD_ZERO_FLOATS).astore(sum);
        }
        code.labelBinding(head);
        code.iload(i).iload(stop).if_icmpge(flush);
        body(i);
        code.goto_(head);
        code.labelBinding(flush);
        for (int r = 0; r < vectorSums.length; r++) {
            code.aload(vectorSums[r]).aload(partials[r]).iload(used).invokevirtual(CD_FLOATS, "intoArray", MTD_STORE);
        }
        code.iinc(used, lanes()).goto_(chunk);
        code.labelBinding(exit);
        for (int r = 0; r < vectorSums.length; r++) {
            code.dload(accumulatorSlots[r]).aload(partials[r]).iload(used).invokestatic(CD_OPS, "total", MTD_TOTAL_PARTIALS)
                    .dadd().dstore(accumulatorSlots[r]);
        }
    }

    /** Elements per vector of this loop. */
    private int lanes() {
        return partialSums ? VectorOps.FULL_LANES : VectorOps.LANES;
    }

    /** Pushes the species of every float vector of this loop ({@link VectorOps#FLOATS} or {@link VectorOps#FULL_FLOATS}). */
    private CodeBuilder floats() {
        return code.getstatic(CD_OPS, partialSums ? "FULL_FLOATS" : "FLOATS", CD_SPECIES);
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
                code.aload(sum);
                expr(r.value());
                if (partialSums) {
                    code.invokevirtual(CD_FLOATS, "add", MTD_BINARY).astore(sum);
                } else {
                    // sum = sum.add(terms.convertShape(F2D, DOUBLES, 0)): the terms widened to double, exactly
                    code.getstatic(CD_OPERATORS, "F2D", CD_CONVERSION).getstatic(CD_OPS, "DOUBLES", CD_SPECIES).iconst_0()
                            .invokevirtual(CD_FLOATS, "convertShape", MTD_CONVERT)
                            .invokevirtual(CD_DOUBLES, "add", MTD_ADD_DOUBLES).astore(sum);
                }
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
