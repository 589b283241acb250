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
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
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
 * through per-thread scratch arrays (below: each stage a method of its own).
 *
 * <p>A kernel with sums whose ops the Vector API computes bit for bit first runs a vector loop
 * ({@link VectorLoopEmitter}: sums in double vector lanes, 2.5-3x faster than the scalar loop
 * below, which C2 cannot vectorize, or float partial sums in whole float vectors where every sum is a
 * {@link ReduceOp#FLOAT_PARTIAL_SUM}, about 2x faster again), then the loop above for the elements after the last whole
 * vector; this needs {@code jdk.incubator.vector} resolved (see the module's documentation), and
 * without it such a kernel runs the scalar loops below.
 *
 * <p>Maxima and minima accumulate in float (the same value as in double, since the result is one
 * of the operands), so a kernel without sums runs one loop that C2 vectorizes. Any other kernel
 * with sums runs in blocks of {@link SumLanes#LANES} elements, one loop per stage and at most
 * {@link KernelStages#MAX_SUMS} sums per stage, each element adding its term to the lane of its sum's
 * array at its offset in the block, {@code lanes[i - base] += (double) term}, which C2 vectorizes;
 * the lanes are added after the loop ({@link SumLanes#total}). One double accumulator per sum is one
 * chain of dependent additions, latency-bound at ~1.1 ns per element (a 10M-element dot product
 * took 10.8 ms), and four accumulators per sum, the loop before lanes, still ran scalar (the
 * autocorrelation probe's five sums over 100,352 elements, data in the cache: 0.25 ms, against
 * 0.10 ms in lanes).
 * Sums therefore add in another order than the interpreter's, which the kernel semantics allow.
 *
 * <p>In a blocked layout (a kernel with sums, or of several stages) each stage's loop is a static
 * method of its own, {@code stageK(buffers, uniforms, lanes, scratch, extrema, base, end)}, which
 * {@code run} calls per block. Why: a method is JIT-compiled once it is called often, and a stage's
 * method is called once per block; with every stage's loop inside {@code run}, called once per
 * tensor, HotSpot compiled the loops on stack replacement and {@code run} itself seconds late, and
 * {@code optopt bench probes} read the autocorrelation probe at 0.17 ms in some runs and 0.48-0.56
 * ms in others (the profiling tier's code), against 0.15-0.21 ms in every run with stage methods.
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

    /** How kernels with sums run here, for a backend listing: in Vector API loops, or scalar ones and why. */
    static String sumLoops() {
        return VECTOR_API ? "kernels with sums in Vector API loops"
                : "kernels with sums in scalar loops (jdk.incubator.vector not resolved)";
    }
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
    private static final ClassDesc CD_LANES = ClassDesc.of(SumLanes.class.getName());
    private static final MethodTypeDesc MTD_LANES = MethodTypeDesc.of(CD_double.arrayType(2), CD_int, CD_int);
    private static final MethodTypeDesc MTD_TOTAL = MethodTypeDesc.of(CD_double, CD_double.arrayType(), CD_int);
    private static final MethodTypeDesc MTD_II_I = MethodTypeDesc.of(CD_int, CD_int, CD_int);

    private static final MethodTypeDesc MTD_STAGE = MethodTypeDesc.of(CD_void, CD_float.arrayType(2),
            CD_float.arrayType(), CD_double.arrayType(2), CD_float.arrayType(2), CD_float.arrayType(), CD_int, CD_int);

    // The argument slots of run(buffers, uniforms, reductions, from, to)
    private static final int RUN_BUFFERS = 1;
    private static final int RUN_UNIFORMS = 2;
    private static final int RUN_REDUCTIONS = 3;
    private static final int RUN_FROM = 4;
    private static final int RUN_TO = 5;
    // and of the static stageK(buffers, uniforms, lanes, scratch, extrema, base, end)
    private static final int STAGE_BUFFERS = 0;
    private static final int STAGE_UNIFORMS = 1;
    private static final int STAGE_LANES = 2;
    private static final int STAGE_SCRATCH = 3;
    private static final int STAGE_EXTREMA = 4;
    private static final int STAGE_BASE = 5;
    private static final int STAGE_END = 6;

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
     * The class file of the loop: the vector loop where the Vector API is resolved and supports the
     * plan, else the scalar loops in the stages of {@link KernelStages#of(KernelPlan)}.
     */
    static byte[] generate(KernelPlan plan) {
        if (VECTOR_API && VectorLoopEmitter.supports(plan)) {
            byte[] vector = generateVector(plan);
            if (vector != null) {
                return vector;
            }
        }
        return generate(plan, KernelStages.of(plan));
    }

    /** The class file of the scalar loops of {@code plan} in {@code stages}. */
    private static byte[] generate(KernelPlan plan, List<KernelStages.Stage> stages) {
        return generate(plan, stages, false);
    }

    /** The class file of the vector loop ({@link VectorLoopEmitter}), or null where its {@code run} would be too large. */
    private static byte[] generateVector(KernelPlan plan) {
        try {
            byte[] vector = generate(plan, List.of(KernelStages.single(plan)), true);
            return codeLength(vector) <= HUGE_METHOD_LIMIT ? vector : null;
        } catch (IllegalArgumentException beyondTheClassFileLimit) {
            return null;
        }
    }

    /** The bytecode length of the longest generated method. */
    static int codeLength(byte[] classFile) {
        return ClassFile.of().parse(classFile).methods().stream()
                .flatMap(m -> m.code().stream())
                .mapToInt(code -> ((CodeAttribute) code).codeLength())
                .max().orElse(0);
    }

    private static byte[] generate(KernelPlan plan, List<KernelStages.Stage> stages, boolean vector) {
        Layout layout = new Layout(plan.kernel(), stages, vector);
        return ClassFile.of().build(CD_LOOP, cls -> {
            cls.withFlags(ClassFile.ACC_FINAL | ClassFile.ACC_SUPER | ClassFile.ACC_SYNTHETIC)
                    .withInterfaceSymbols(CD_ELEMENT_LOOP)
                    .withMethodBody(INIT_NAME, MTD_void, ClassFile.ACC_PUBLIC, code -> code
                            .aload(0)
                            .invokespecial(CD_Object, INIT_NAME, MTD_void)
                            .return_())
                    .withMethodBody("run", MTD_RUN, ClassFile.ACC_PUBLIC | ClassFile.ACC_FINAL,
                            code -> new Emitter(plan, layout, code).emitRun());
            if (layout.blocked) {
                for (int s = 0; s < stages.size(); s++) {
                    int stage = s;
                    cls.withMethodBody(stageName(s), MTD_STAGE, ClassFile.ACC_PRIVATE | ClassFile.ACC_STATIC,
                            code -> new Emitter(plan, layout, code).emitStage(stage));
                }
            }
        });
    }

    private static String stageName(int stage) {
        return "stage" + stage;
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

    /**
     * How a plan's loops are laid out: one loop in {@code run} (vector loop first where
     * {@code vector}), or blocks whose stages are methods of their own; and where each reduction
     * accumulates.
     */
    private static final class Layout {
        final List<KernelStages.Stage> stages;
        final boolean vector;
        /** Whether {@code run} runs the stages block by block, each stage's loop in its own method. */
        final boolean blocked;
        /** Elements per block. */
        final int block;
        final ReduceOp[] reduceOps;
        /** Per reduction, its lane array's index among the sums in lanes, or -1. */
        final int[] lane;
        final int sumsInLanes;
        final boolean extrema;
        /** Per local spilled between stages, its scratch array's index. */
        final Map<String, Integer> scratch = new LinkedHashMap<>();

        Layout(Kernel kernel, List<KernelStages.Stage> stages, boolean vector) {
            this.stages = stages;
            this.vector = vector;
            this.reduceOps = new ReduceOp[kernel.reductions().size()];
            for (Statement st : kernel.statements()) {
                if (st instanceof Statement.Reduce r) {
                    reduceOps[kernel.reductions().indexOf(r.name())] = r.op();
                }
            }
            boolean sums = Arrays.stream(reduceOps).anyMatch(ReduceOp::isSum);
            this.blocked = !vector && (stages.size() > 1 || sums);
            this.block = sums ? SumLanes.LANES : KernelStages.BLOCK;
            this.lane = new int[reduceOps.length];
            int lanes = 0;
            for (int r = 0; r < reduceOps.length; r++) {
                lane[r] = blocked && reduceOps[r].isSum() ? lanes++ : -1;
            }
            this.sumsInLanes = lanes;
            this.extrema = blocked && lanes < reduceOps.length;
            for (KernelStages.Stage stage : stages) {
                stage.spills().forEach(local -> scratch.put(local, scratch.size()));
            }
        }
    }

    /**
     * Emits one method of a plan's loop: {@code run}, or the loop of one stage over a block,
     * {@code stageK(buffers, uniforms, lanes, scratch, extrema, base, end)}.
     */
    private static final class Emitter {
        private final Kernel kernel;
        private final Layout layout;
        private final CodeBuilder code;
        private final int[] bufferSlots;
        private final int[] uniformSlots;
        /** Per reduction: its double or float accumulator, or for a sum in lanes its lane array. */
        private final int[] accumulatorSlots;
        private final Map<String, Integer> localSlots = new HashMap<>();
        private int index;

        Emitter(KernelPlan plan, Layout layout, CodeBuilder code) {
            this.kernel = plan.kernel();
            this.layout = layout;
            this.code = code;
            this.bufferSlots = new int[kernel.buffers().size()];
            this.uniformSlots = new int[plan.uniforms().size()];
            this.accumulatorSlots = new int[kernel.reductions().size()];
        }

        /** Each buffer and uniform slot once, into a local, from the arrays in those argument slots. */
        private void loadArguments(int buffers, int uniforms) {
            for (int b = 0; b < bufferSlots.length; b++) {
                bufferSlots[b] = code.allocateLocal(TypeKind.REFERENCE);
                code.aload(buffers).loadConstant(b).aaload().astore(bufferSlots[b]);
            }
            for (int u = 0; u < uniformSlots.length; u++) {
                uniformSlots[u] = code.allocateLocal(TypeKind.FLOAT);
                code.aload(uniforms).loadConstant(u).faload().fstore(uniformSlots[u]);
            }
        }

        void emitRun() {
            if (layout.blocked) {
                emitBlocks();
                return;
            }
            loadArguments(RUN_BUFFERS, RUN_UNIFORMS);
            for (int r = 0; r < accumulatorSlots.length; r++) {
                boolean inFloat = inFloat(layout.reduceOps[r]);
                accumulatorSlots[r] = code.allocateLocal(inFloat ? TypeKind.FLOAT : TypeKind.DOUBLE);
                code.aload(RUN_REDUCTIONS).loadConstant(r).daload();
                if (inFloat) {
                    code.d2f().fstore(accumulatorSlots[r]);
                } else {
                    code.dstore(accumulatorSlots[r]);
                }
            }
            KernelStages.Stage stage = layout.stages.getFirst();
            declareLocals(stage);
            int i = code.allocateLocal(TypeKind.INT);
            code.iload(RUN_FROM).istore(i);
            if (layout.vector) {
                new VectorLoopEmitter(code, kernel, stage.statements(), bufferSlots, uniformSlots, accumulatorSlots)
                        .emit(i, RUN_TO);
            }
            elementLoop(() -> stage.statements().forEach(this::statement), i, RUN_TO);
            for (int r = 0; r < accumulatorSlots.length; r++) {
                boolean inFloat = inFloat(layout.reduceOps[r]);
                code.aload(RUN_REDUCTIONS).loadConstant(r);
                if (inFloat) {
                    code.fload(accumulatorSlots[r]).f2d();
                } else {
                    code.dload(accumulatorSlots[r]);
                }
                code.dastore();
            }
            code.return_();
        }

        /**
         * {@code run} of a blocked layout: per block {@code [base, end)} of at most
         * {@link Layout#block} elements, each stage's method in turn; then the reductions from the
         * lanes and the extrema.
         */
        private void emitBlocks() {
            int used = code.allocateLocal(TypeKind.INT);
            int lanes = code.allocateLocal(TypeKind.REFERENCE);
            if (layout.sumsInLanes > 0) {
                code.iload(RUN_TO).iload(RUN_FROM).isub().loadConstant(SumLanes.LANES)
                        .invokestatic(CD_MATH, "min", MTD_II_I).istore(used);
                code.loadConstant(layout.sumsInLanes).iload(used).invokestatic(CD_LANES, "zeroed", MTD_LANES);
            } else {
                code.aconst_null();
            }
            code.astore(lanes);
            int scratch = code.allocateLocal(TypeKind.REFERENCE);
            if (!layout.scratch.isEmpty()) {
                code.loadConstant(layout.scratch.size()).iload(RUN_TO).invokestatic(CD_SCRATCH, "arrays", MTD_SCRATCH);
            } else {
                code.aconst_null();
            }
            code.astore(scratch);
            int extrema = code.allocateLocal(TypeKind.REFERENCE);
            if (layout.extrema) {
                code.loadConstant(accumulatorSlots.length).newarray(TypeKind.FLOAT).astore(extrema);
                for (int r = 0; r < accumulatorSlots.length; r++) {
                    if (layout.lane[r] < 0) {
                        code.aload(extrema).loadConstant(r).aload(RUN_REDUCTIONS).loadConstant(r).daload().d2f().fastore();
                    }
                }
            } else {
                code.aconst_null().astore(extrema);
            }
            int base = code.allocateLocal(TypeKind.INT);
            int end = code.allocateLocal(TypeKind.INT);
            Label head = code.newLabel();
            Label exit = code.newLabel();
            Label lastBlock = code.newLabel();
            Label bounded = code.newLabel();
            code.iload(RUN_FROM).istore(base);
            code.labelBinding(head);
            code.iload(base).iload(RUN_TO).if_icmpge(exit);
            // end = to - base > block ? base + block : to (without overflowing near Integer.MAX_VALUE)
            code.iload(RUN_TO).iload(base).isub().loadConstant(layout.block).if_icmple(lastBlock);
            code.iload(base).loadConstant(layout.block).iadd().istore(end).goto_(bounded);
            code.labelBinding(lastBlock);
            code.iload(RUN_TO).istore(end);
            code.labelBinding(bounded);
            for (int s = 0; s < layout.stages.size(); s++) {
                code.aload(RUN_BUFFERS).aload(RUN_UNIFORMS).aload(lanes).aload(scratch).aload(extrema)
                        .iload(base).iload(end).invokestatic(CD_LOOP, stageName(s), MTD_STAGE);
            }
            code.iload(end).istore(base).goto_(head);
            code.labelBinding(exit);
            for (int r = 0; r < accumulatorSlots.length; r++) {
                code.aload(RUN_REDUCTIONS).loadConstant(r);
                if (layout.lane[r] >= 0) {
                    code.dup2().daload().aload(lanes).loadConstant(layout.lane[r]).aaload().iload(used)
                            .invokestatic(CD_LANES, "total", MTD_TOTAL).dadd();
                } else {
                    code.aload(extrema).loadConstant(r).faload().f2d();
                }
                code.dastore();
            }
            code.return_();
        }

        /**
         * The method of stage {@code s}: its loop over {@code [base, end)}, sums adding into their
         * lanes at {@code i - base}, extrema in float locals loaded from and stored back to
         * {@code extrema}, locals of other stages through the scratch arrays at {@code i}.
         */
        void emitStage(int s) {
            KernelStages.Stage stage = layout.stages.get(s);
            loadArguments(STAGE_BUFFERS, STAGE_UNIFORMS);
            List<Integer> reductions = reductionsOf(stage);
            for (int r : reductions) {
                if (layout.lane[r] >= 0) {
                    accumulatorSlots[r] = code.allocateLocal(TypeKind.REFERENCE);
                    code.aload(STAGE_LANES).loadConstant(layout.lane[r]).aaload().astore(accumulatorSlots[r]);
                } else {
                    accumulatorSlots[r] = code.allocateLocal(TypeKind.FLOAT);
                    code.aload(STAGE_EXTREMA).loadConstant(r).faload().fstore(accumulatorSlots[r]);
                }
            }
            Map<String, Integer> scratch = new LinkedHashMap<>();
            for (String local : Stream.concat(stage.loads().stream(), stage.spills().stream()).toList()) {
                int slot = code.allocateLocal(TypeKind.REFERENCE);
                code.aload(STAGE_SCRATCH).loadConstant(layout.scratch.get(local)).aaload().astore(slot);
                scratch.put(local, slot);
            }
            declareLocals(stage);
            stage.loads().forEach(local -> localSlots.putIfAbsent(local, code.allocateLocal(TypeKind.FLOAT)));
            int i = code.allocateLocal(TypeKind.INT);
            code.iload(STAGE_BASE).istore(i);
            elementLoop(() -> stageElement(stage, scratch), i, STAGE_END);
            for (int r : reductions) {
                if (layout.lane[r] < 0) {
                    code.aload(STAGE_EXTREMA).loadConstant(r).fload(accumulatorSlots[r]).fastore();
                }
            }
            code.return_();
        }

        /** The reductions that {@code stage} accumulates, by index. */
        private List<Integer> reductionsOf(KernelStages.Stage stage) {
            return stage.statements().stream()
                    .flatMap(st -> st instanceof Statement.Reduce r ? Stream.of(kernel.reductions().indexOf(r.name()))
                            : Stream.empty())
                    .distinct().toList();
        }

        private void declareLocals(KernelStages.Stage stage) {
            for (Statement st : stage.statements()) {
                if (st instanceof Statement.Let let) {
                    localSlots.put(let.name(), code.allocateLocal(TypeKind.FLOAT));
                }
            }
        }

        /** The loop over {@code [i, end)} (the int locals in those slots), {@code element} emitting the code of one element at {@link #index}. */
        private void elementLoop(Runnable element, int i, int end) {
            Label head = code.newLabel();
            Label exit = code.newLabel();
            code.labelBinding(head);
            code.iload(i).iload(end).if_icmpge(exit);
            index = i;
            element.run();
            code.iinc(i, 1).goto_(head);
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
                case Statement.Reduce r when layout.lane[kernel.reductions().indexOf(r.name())] >= 0 -> {
                    // lanes[index - base] += (double) value
                    code.aload(accumulatorSlots[kernel.reductions().indexOf(r.name())])
                            .iload(index).iload(STAGE_BASE).isub().dup2().daload();
                    expr(r.value());
                    code.f2d().dadd().dastore();
                }
                case Statement.Reduce r -> {
                    int acc = accumulatorSlots[kernel.reductions().indexOf(r.name())];
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
            return !op.isSum();
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
                case SUM, FLOAT_PARTIAL_SUM -> code.dadd();
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
