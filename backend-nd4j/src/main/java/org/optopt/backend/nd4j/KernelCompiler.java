package org.optopt.backend.nd4j;

import static java.lang.constant.ConstantDescs.CD_Object;
import static java.lang.constant.ConstantDescs.CD_double;
import static java.lang.constant.ConstantDescs.CD_float;
import static java.lang.constant.ConstantDescs.CD_int;
import static java.lang.constant.ConstantDescs.CD_void;
import static java.lang.constant.ConstantDescs.INIT_NAME;
import static java.lang.constant.ConstantDescs.MTD_void;

import java.lang.classfile.ClassFile;
import java.lang.classfile.CodeBuilder;
import java.lang.classfile.Label;
import java.lang.classfile.TypeKind;
import java.lang.classfile.attribute.CodeAttribute;
import java.lang.constant.ClassDesc;
import java.lang.constant.MethodTypeDesc;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.optopt.api.kernel.BinaryOp;
import org.optopt.api.kernel.Expr;
import org.optopt.api.kernel.Kernel;
import org.optopt.api.kernel.KernelMath;
import org.optopt.api.kernel.KernelPlan;
import org.optopt.api.kernel.ReduceOp;
import org.optopt.api.kernel.Statement;
import org.optopt.api.kernel.UnaryOp;

/**
 * Compiles a kernel's {@link KernelPlan} into a hidden class implementing {@link ElementLoop}:
 * one counted loop whose body is the element program in straight-line bytecode, so that C2 sees
 * a single tight loop it can unroll and auto-vectorize.
 *
 * <p>Generated code, per call of {@code run(buffers, uniforms, reductions, from, to)}:
 * <pre>{@code
 * float[] b0 = buffers[0]; ...            // each buffer once, into a local
 * float u0 = uniforms[0]; ...             // each hoisted uniform slot once
 * double r0 = reductions[0]; ...          // each reduction accumulator
 * for (int i = from; i < to; i++) {
 *     float t0 = <expr>;                  // Let
 *     bK[i] = t0;                         // Store
 *     r0 = r0 + (double) <expr>;          // Reduce (Math.max / Math.min for MAX / MIN)
 * }
 * reductions[0] = r0; ...
 * }</pre>
 *
 * <p>A program too large for C2 to vectorize as one loop is cut into {@link KernelStages}: the
 * loop above becomes, per block of elements, one such loop per stage, locals passing between stages
 * through per-thread scratch arrays.
 *
 * <p>A kernel with sums whose ops the Vector API computes bit for bit first runs a vector loop
 * ({@link VectorLoopEmitter}: sums in double vector lanes, 2.5-3x faster than the scalar loop
 * below, which C2 cannot vectorize), then the loop above for the elements after the last whole
 * vector; this needs {@code jdk.incubator.vector} resolved (see the module's documentation), and
 * without it such a kernel runs the scalar loops below.
 *
 * <p>Maxima and minima accumulate in float (the same value as in double, since the result is one
 * of the operands), so a kernel without sums runs one loop that C2 vectorizes. Any other kernel
 * with sums first runs a loop unrolled four times whose copies accumulate into
 * four separate accumulators per reduction (combined at the end), then the loop above for the
 * remaining elements: one chain of double additions is latency-bound at ~1.1 ns per element
 * (a 10M-element dot product took 10.8 ms), four chains are not. Sums therefore add in another
 * order than the interpreter's, which the kernel semantics allow. If unrolling would make
 * {@code run} longer than HotSpot's huge-method limit (8000 bytes, never JIT-compiled), the single
 * loop is generated instead.
 *
 * <p>Every op is the instruction or method that {@link KernelMath} uses, so stored values equal the
 * {@link org.optopt.api.kernel.KernelInterpreter} bit for bit: {@code fadd}, {@code fsub},
 * {@code fmul}, {@code fdiv}, {@code fneg} inline; square root as
 * {@code (float) Math.sqrt((double) x)} (which C2 turns into a float square root); abs, max, min
 * and sign through {@link Math}; every transcendental through its {@link KernelMath} method;
 * comparisons through {@link BranchFreeCompare} (the same 0/1 results without a branch, so that
 * data-dependent masks such as a ReLU derivative vectorize). A select branches on
 * {@code condition != 0} and evaluates only the chosen operand (an exact branch-free blend of two
 * floats did not vectorize and ran slower than the branch).
 *
 * <p>Loops are cached per kernel (by {@link Kernel#equals}) for the life of the process: equal
 * kernels share one class. Kernels are meant to be built once per optimizer (hyperparameters are
 * runtime scalars, not constants), so the cache stays small.
 */
final class KernelCompiler {
    /**
     * Whether the JVM resolved {@code jdk.incubator.vector} (this module requires it {@code static}:
     * a launcher adds it with {@code --add-modules}); without it no class of the vector loop is loaded.
     */
    private static final boolean VECTOR_API = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    private static final ClassDesc CD_ELEMENT_LOOP = ClassDesc.of(ElementLoop.class.getName());
    private static final ClassDesc CD_LOOP = ClassDesc.of(KernelCompiler.class.getPackageName(), "FusedLoop");
    private static final ClassDesc CD_MATH = ClassDesc.of("java.lang.Math");
    private static final ClassDesc CD_KERNEL_MATH = ClassDesc.of(KernelMath.class.getName());
    private static final ClassDesc CD_COMPARE = ClassDesc.of(BranchFreeCompare.class.getName());
    private static final MethodTypeDesc MTD_RUN = MethodTypeDesc.of(CD_void, CD_float.arrayType(2),
            CD_float.arrayType(), CD_double.arrayType(), CD_int, CD_int);
    private static final MethodTypeDesc MTD_F_F = MethodTypeDesc.of(CD_float, CD_float);
    private static final MethodTypeDesc MTD_FF_F = MethodTypeDesc.of(CD_float, CD_float, CD_float);
    private static final MethodTypeDesc MTD_D_D = MethodTypeDesc.of(CD_double, CD_double);
    private static final MethodTypeDesc MTD_DD_D = MethodTypeDesc.of(CD_double, CD_double, CD_double);
    private static final ClassDesc CD_SCRATCH = ClassDesc.of(StageScratch.class.getName());
    private static final MethodTypeDesc MTD_SCRATCH = MethodTypeDesc.of(CD_float.arrayType(2), CD_int, CD_int);

    private static final int BUFFERS = 1;
    private static final int UNIFORMS = 2;
    private static final int REDUCTIONS = 3;
    private static final int FROM = 4;
    private static final int TO = 5;

    /** Independent accumulators per reduction (see {@code unrolledLoop}). */
    private static final int REDUCTION_LANES = 4;

    /** HotSpot does not JIT-compile methods with more bytecode than this ({@code -XX:HugeMethodLimit}). */
    private static final int HUGE_METHOD_LIMIT = 8000;

    private static final Map<Kernel, ElementLoop> CACHE = new ConcurrentHashMap<>();

    private KernelCompiler() {}

    /** The loop of {@code plan}'s kernel, generated on first use and cached. */
    static ElementLoop loop(KernelPlan plan) {
        return CACHE.computeIfAbsent(plan.kernel(), k -> define(generate(plan)));
    }

    /** A new loop of {@code plan} that runs its program in the given stages (not cached). */
    static ElementLoop loop(KernelPlan plan, List<KernelStages.Stage> stages) {
        return define(generate(plan, stages));
    }

    /**
     * The class file of the loop, in the stages of {@link KernelStages#of(KernelPlan)}, or in one
     * stage where the staged {@code run} would be too large to be JIT-compiled.
     */
    static byte[] generate(KernelPlan plan) {
        if (VECTOR_API && VectorLoopEmitter.supports(plan)) {
            byte[] vector = generateVector(plan);
            if (vector != null) {
                return vector;
            }
        }
        List<KernelStages.Stage> stages = KernelStages.of(plan);
        byte[] staged = generate(plan, stages);
        return stages.size() == 1 || runCodeLength(staged) <= HUGE_METHOD_LIMIT
                ? staged : generate(plan, List.of(KernelStages.single(plan)));
    }

    /**
     * The class file of the loop, with reductions unrolled into lanes unless that makes
     * {@code run} too large to be JIT-compiled (then the single loop, which is still correct).
     */
    private static byte[] generate(KernelPlan plan, List<KernelStages.Stage> stages) {
        if (!hasSum(plan.kernel())) {
            // No sum: maxima and minima accumulate in one float lane, which C2 vectorizes.
            return generate(plan, stages, 1, false);
        }
        byte[] unrolled;
        try {
            unrolled = generate(plan, stages, REDUCTION_LANES, false);
        } catch (IllegalArgumentException beyondTheClassFileLimit) {
            return generate(plan, stages, 1, false); // the unrolled code exceeded 64 KiB: far beyond the limit below
        }
        return plan.kernel().reductions().isEmpty() || runCodeLength(unrolled) <= HUGE_METHOD_LIMIT
                ? unrolled : generate(plan, stages, 1, false);
    }

    /** The class file of the vector loop ({@link VectorLoopEmitter}), or null where its {@code run} would be too large. */
    private static byte[] generateVector(KernelPlan plan) {
        try {
            byte[] vector = generate(plan, List.of(KernelStages.single(plan)), 1, true);
            return runCodeLength(vector) <= HUGE_METHOD_LIMIT ? vector : null;
        } catch (IllegalArgumentException beyondTheClassFileLimit) {
            return null;
        }
    }

    private static boolean hasSum(Kernel kernel) {
        return kernel.statements().stream()
                .anyMatch(st -> st instanceof Statement.Reduce r && r.op() == ReduceOp.SUM);
    }

    /** The bytecode length of the generated {@code run} method. */
    static int runCodeLength(byte[] classFile) {
        return ClassFile.of().parse(classFile).methods().stream()
                .filter(m -> m.methodName().equalsString("run"))
                .flatMap(m -> m.code().stream())
                .mapToInt(code -> ((CodeAttribute) code).codeLength())
                .sum();
    }

    private static byte[] generate(KernelPlan plan, List<KernelStages.Stage> stages, int lanes, boolean vector) {
        return ClassFile.of().build(CD_LOOP, cls -> cls
                .withFlags(ClassFile.ACC_FINAL | ClassFile.ACC_SUPER | ClassFile.ACC_SYNTHETIC)
                .withInterfaceSymbols(CD_ELEMENT_LOOP)
                .withMethodBody(INIT_NAME, MTD_void, ClassFile.ACC_PUBLIC, code -> code
                        .aload(0)
                        .invokespecial(CD_Object, INIT_NAME, MTD_void)
                        .return_())
                .withMethodBody("run", MTD_RUN, ClassFile.ACC_PUBLIC | ClassFile.ACC_FINAL,
                        code -> new Emitter(plan, stages, code, lanes, vector).emitRun()));
    }

    private static ElementLoop define(byte[] classFile) {
        try {
            MethodHandles.Lookup hidden = MethodHandles.lookup().defineHiddenClass(classFile, true);
            return (ElementLoop) hidden.findConstructor(hidden.lookupClass(), MethodType.methodType(void.class))
                    .invoke();
        } catch (Throwable t) {
            throw new IllegalStateException("Could not define the generated kernel loop", t);
        }
    }

    /** Emits the body of {@code run} for one plan. */
    private static final class Emitter {
        private final List<KernelStages.Stage> stages;
        private final Kernel kernel;
        private final CodeBuilder code;
        private final int[] bufferSlots;
        private final int[] uniformSlots;
        private final int lanes;
        private final boolean vector;
        private final int[][] accumulatorSlots;
        private final ReduceOp[] reduceOps;
        private final Map<String, Integer> localSlots = new HashMap<>();
        private int index;
        private int lane;

        Emitter(KernelPlan plan, List<KernelStages.Stage> stages, CodeBuilder code, int lanes, boolean vector) {
            this.stages = stages;
            this.kernel = plan.kernel();
            this.code = code;
            this.bufferSlots = new int[kernel.buffers().size()];
            this.uniformSlots = new int[plan.uniforms().size()];
            this.lanes = lanes;
            this.vector = vector;
            this.accumulatorSlots = new int[kernel.reductions().size()][lanes];
            this.reduceOps = new ReduceOp[kernel.reductions().size()];
            for (Statement st : kernel.statements()) {
                if (st instanceof Statement.Reduce r) {
                    reduceOps[kernel.reductions().indexOf(r.name())] = r.op();
                }
            }
        }

        void emitRun() {
            for (int b = 0; b < bufferSlots.length; b++) {
                bufferSlots[b] = code.allocateLocal(TypeKind.REFERENCE);
                code.aload(BUFFERS).loadConstant(b).aaload().astore(bufferSlots[b]);
            }
            for (int u = 0; u < uniformSlots.length; u++) {
                uniformSlots[u] = code.allocateLocal(TypeKind.FLOAT);
                code.aload(UNIFORMS).loadConstant(u).faload().fstore(uniformSlots[u]);
            }
            for (int r = 0; r < accumulatorSlots.length; r++) {
                boolean inFloat = inFloat(reduceOps[r]);
                for (int l = 0; l < lanes; l++) {
                    accumulatorSlots[r][l] = code.allocateLocal(inFloat ? TypeKind.FLOAT : TypeKind.DOUBLE);
                    if (l == 0) {
                        code.aload(REDUCTIONS).loadConstant(r).daload();
                    } else {
                        code.loadConstant(reduceOps[r].identity());
                    }
                    if (inFloat) {
                        code.d2f().fstore(accumulatorSlots[r][l]);
                    } else {
                        code.dstore(accumulatorSlots[r][l]);
                    }
                }
            }
            for (KernelStages.Stage stage : stages) {
                for (Statement st : stage.statements()) {
                    if (st instanceof Statement.Let let) {
                        localSlots.put(let.name(), code.allocateLocal(TypeKind.FLOAT));
                    }
                }
            }
            int i = code.allocateLocal(TypeKind.INT);
            if (stages.size() == 1) {
                code.iload(FROM).istore(i);
                if (vector) {
                    int[] sums = java.util.Arrays.stream(accumulatorSlots).mapToInt(slots -> slots[0]).toArray();
                    new VectorLoopEmitter(code, kernel, stages.getFirst().statements(), bufferSlots, uniformSlots, sums)
                            .emit(i, TO);
                }
                elementLoops(() -> stages.getFirst().statements().forEach(this::statement), i, TO);
            } else {
                stagedLoops(i);
            }
            for (int r = 0; r < accumulatorSlots.length; r++) {
                boolean inFloat = inFloat(reduceOps[r]);
                code.aload(REDUCTIONS).loadConstant(r);
                load(accumulatorSlots[r][0], inFloat);
                for (int l = 1; l < lanes; l++) {
                    load(accumulatorSlots[r][l], inFloat);
                    combine(reduceOps[r], inFloat);
                }
                if (inFloat) {
                    code.f2d();
                }
                code.dastore();
            }
            code.return_();
        }

        /**
         * The loops over {@code [i, end)} (the int locals in those slots), {@code element} emitting
         * the code of one element at {@link #index}: with reductions, first a loop unrolled into
         * lanes ({@link #unrolledLoop}).
         */
        private void elementLoops(Runnable element, int i, int end) {
            if (accumulatorSlots.length > 0 && lanes > 1) {
                unrolledLoop(element, i, end);
            }
            Label head = code.newLabel();
            Label exit = code.newLabel();
            code.labelBinding(head);
            code.iload(i).iload(end).if_icmpge(exit);
            index = i;
            lane = 0;
            element.run();
            code.iinc(i, 1).goto_(head);
            code.labelBinding(exit);
        }

        /**
         * While {@code i + lanes <= end}: the element program for {@code i, i+1, ...}, each copy
         * accumulating into its own lane, so the reductions form independent dependency chains
         * instead of one chain of double additions (whose latency would bound the loop).
         */
        private void unrolledLoop(Runnable element, int i, int end) {
            int j = code.allocateLocal(TypeKind.INT);
            Label head = code.newLabel();
            Label exit = code.newLabel();
            code.labelBinding(head);
            code.iload(i).iload(end).loadConstant(lanes - 1).isub().if_icmpge(exit);
            for (lane = 0; lane < lanes; lane++) {
                if (lane == 0) {
                    index = i;
                } else {
                    code.iload(i).loadConstant(lane).iadd().istore(j);
                    index = j;
                }
                element.run();
            }
            code.iinc(i, lanes).goto_(head);
            code.labelBinding(exit);
        }

        /**
         * A program of several {@link KernelStages stages}: per block {@code [base, end)} of at most
         * {@link KernelStages#BLOCK} elements, each stage's loops in turn, its locals from earlier
         * stages read from scratch arrays at the element's index and those of later stages written
         * to them.
         */
        private void stagedLoops(int i) {
            Map<String, Integer> scratch = new LinkedHashMap<>();
            for (KernelStages.Stage stage : stages) {
                for (String local : stage.spills()) {
                    scratch.put(local, code.allocateLocal(TypeKind.REFERENCE));
                }
            }
            int arrays = code.allocateLocal(TypeKind.REFERENCE);
            code.loadConstant(scratch.size()).iload(TO)
                    .invokestatic(CD_SCRATCH, "arrays", MTD_SCRATCH).astore(arrays);
            int k = 0;
            for (int slot : scratch.values()) {
                code.aload(arrays).loadConstant(k++).aaload().astore(slot);
            }
            int base = code.allocateLocal(TypeKind.INT);
            int end = code.allocateLocal(TypeKind.INT);
            Label head = code.newLabel();
            Label exit = code.newLabel();
            Label lastBlock = code.newLabel();
            Label bounded = code.newLabel();
            code.iload(FROM).istore(base);
            code.labelBinding(head);
            code.iload(base).iload(TO).if_icmpge(exit);
            // end = to - base > BLOCK ? base + BLOCK : to (without overflowing near Integer.MAX_VALUE)
            code.iload(TO).iload(base).isub().loadConstant(KernelStages.BLOCK).if_icmple(lastBlock);
            code.iload(base).loadConstant(KernelStages.BLOCK).iadd().istore(end).goto_(bounded);
            code.labelBinding(lastBlock);
            code.iload(TO).istore(end);
            code.labelBinding(bounded);
            for (KernelStages.Stage stage : stages) {
                code.iload(base).istore(i);
                elementLoops(() -> stageElement(stage, scratch), i, end);
            }
            code.iload(end).istore(base).goto_(head);
            code.labelBinding(exit);
        }

        /** One element of a stage: its locals from scratch, its statements, its locals to scratch. */
        private void stageElement(KernelStages.Stage stage, Map<String, Integer> scratch) {
            for (String local : stage.loads()) {
                code.aload(scratch.get(local)).iload(index).faload().fstore(localSlots.get(local));
            }
            stage.statements().forEach(this::statement);
            for (String local : stage.spills()) {
                code.aload(scratch.get(local)).iload(index).fload(localSlots.get(local)).fastore();
            }
        }

        private void statement(Statement st) {
            switch (st) {
                case Statement.Let let -> {
                    expr(let.value());
                    code.fstore(localSlots.get(let.name()));
                }
                case Statement.Store s -> {
                    code.aload(bufferSlots[kernel.bufferIndex(s.buffer())]).iload(index);
                    expr(s.value());
                    code.fastore();
                }
                case Statement.Reduce r -> {
                    int acc = accumulatorSlots[kernel.reductions().indexOf(r.name())][lane];
                    boolean inFloat = inFloat(r.op());
                    load(acc, inFloat);
                    expr(r.value());
                    if (!inFloat) {
                        code.f2d();
                    }
                    combine(r.op(), inFloat);
                    if (inFloat) {
                        code.fstore(acc);
                    } else {
                        code.dstore(acc);
                    }
                }
            }
        }

        /**
         * Whether reductions of {@code op} accumulate in float: the maximum or minimum of float
         * values is one of them, so float and double accumulation give the same value (and NaN
         * when any is NaN), and a float max/min reduction vectorizes.
         */
        private static boolean inFloat(ReduceOp op) {
            return op != ReduceOp.SUM;
        }

        private void load(int slot, boolean inFloat) {
            if (inFloat) {
                code.fload(slot);
            } else {
                code.dload(slot);
            }
        }

        /** {@code ReduceOp.combine}: Math.max/min already return NaN when either operand is NaN. */
        private void combine(ReduceOp op, boolean inFloat) {
            switch (op) {
                case SUM -> code.dadd();
                case MAX -> code.invokestatic(CD_MATH, "max", inFloat ? MTD_FF_F : MTD_DD_D);
                case MIN -> code.invokestatic(CD_MATH, "min", inFloat ? MTD_FF_F : MTD_DD_D);
            }
        }

        /** Leaves the float value of {@code e} on the stack. */
        private void expr(Expr e) {
            switch (e) {
                case Expr.Const c -> code.loadConstant(c.value());
                case Expr.Scalar s -> code.fload(uniformSlots[uniformSlot(s)]);
                case Expr.Buffer b -> code.aload(bufferSlots[kernel.bufferIndex(b.name())]).iload(index).faload();
                case Expr.Local l -> code.fload(localSlots.get(l.name()));
                case Expr.Unary u -> {
                    expr(u.x());
                    unary(u.op());
                }
                case Expr.Binary b -> {
                    expr(b.a());
                    expr(b.b());
                    binary(b.op());
                }
                case Expr.Select s -> {
                    Label otherwise = code.newLabel();
                    Label join = code.newLabel();
                    expr(s.condition());
                    code.fconst_0().fcmpl().ifeq(otherwise);
                    expr(s.ifTrue());
                    code.goto_(join);
                    code.labelBinding(otherwise);
                    expr(s.ifFalse());
                    code.labelBinding(join);
                }
            }
        }

        private static int uniformSlot(Expr.Scalar s) {
            int slot = KernelPlan.slot(s);
            if (slot < 0) {
                throw new IllegalStateException("scalar '" + s.name() + "' was not hoisted into a uniform slot");
            }
            return slot;
        }

        private void unary(UnaryOp op) {
            switch (op) {
                case NEG -> code.fneg();
                case ABS -> code.invokestatic(CD_MATH, "abs", MTD_F_F);
                case SQRT -> code.f2d().invokestatic(CD_MATH, "sqrt", MTD_D_D).d2f();
                case SQUARE -> code.dup().fmul();
                case RECIPROCAL -> code.fconst_1().swap().fdiv();
                case SIGN -> code.invokestatic(CD_MATH, "signum", MTD_F_F);
                case EXP, LOG, TANH, SIGMOID, SOFTPLUS, SOFTSIGN, ATAN, ERF ->
                        code.invokestatic(CD_KERNEL_MATH, kernelMathName(op), MTD_F_F);
            }
        }

        private static String kernelMathName(UnaryOp op) {
            return op.name().toLowerCase(java.util.Locale.ROOT);
        }

        private void binary(BinaryOp op) {
            switch (op) {
                case ADD -> code.fadd();
                case SUB -> code.fsub();
                case MUL -> code.fmul();
                case DIV -> code.fdiv();
                case POW -> code.invokestatic(CD_KERNEL_MATH, "pow", MTD_FF_F);
                case MAX -> code.invokestatic(CD_MATH, "max", MTD_FF_F);
                case MIN -> code.invokestatic(CD_MATH, "min", MTD_FF_F);
                case GT -> code.invokestatic(CD_COMPARE, "gt", MTD_FF_F);
                case GE -> code.invokestatic(CD_COMPARE, "ge", MTD_FF_F);
                case LT -> code.invokestatic(CD_COMPARE, "lt", MTD_FF_F);
                case LE -> code.invokestatic(CD_COMPARE, "le", MTD_FF_F);
            }
        }
    }
}
