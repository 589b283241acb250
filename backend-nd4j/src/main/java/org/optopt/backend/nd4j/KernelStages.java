package org.optopt.backend.nd4j;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.optopt.api.kernel.Expr;
import org.optopt.api.kernel.KernelPlan;
import org.optopt.api.kernel.ReduceOp;
import org.optopt.api.kernel.Statement;
import org.optopt.api.kernel.UnaryOp;

/**
 * A plan's element program cut into stages, each small enough for C2 to unroll and vectorize its
 * loop. {@link KernelCompiler} runs a kernel of several stages block by block: for every block of
 * at most {@link #BLOCK} elements ({@link SumLanes#LANES} in a kernel with sums), one loop per
 * stage; a local that a later stage reads is written
 * to a scratch array ({@link StageScratch}) and read back there while the block is still in the L1
 * cache.
 *
 * <p>Why: HotSpot's C2 unrolls a loop only while its body is small ({@code -XX:LoopUnrollLimit}, 60
 * ideal nodes on x86), and a loop it does not unroll is not vectorized at all. Measured on compiled
 * kernels over 802,816 elements (one thread, thread CPU time, best of 180 runs): three tanh in a row
 * took 22.2 ms in one loop and 1.8-2.2 ms in stages, against 1.5 ms for two in one loop; a max-pool
 * backward of four slots took 27 ms ({@code -XX:LoopUnrollLimit=250} brought it to 3.5 ms but made
 * other kernels 50 times slower, so that flag is not set). Between about 24 and 40 estimated nodes
 * C2 vectorizes some loops and not others (chains of 9 to 15 multiply-adds: 0.5 to 3.3 ms, not
 * monotonic in the length), and staging such loops at a lower {@link #LIMIT} won as often as it lost;
 * so only programs above 40 are cut, which no optimizer of the registry reaches. The cost model
 * ({@link #cost(List)}) counts roughly the ideal nodes of each operation.
 *
 * <p>A stage holds at most {@link #MAX_SUMS} sums: {@link KernelCompiler} adds a sum's terms into
 * an array of lanes ({@link SumLanes}), a load, an add and a store per element, and a loop of a few
 * such sums vectorizes where one of five did not.
 *
 * <p>Staging keeps every stored value and reduction bit for bit: float locals go through float
 * scratch arrays unchanged, a subexpression moved into a new local has the value it had inline (Java
 * float arithmetic is exact IEEE 754), and element i adds into the same sum lane in every stage
 * layout, so sums accumulate in the same order as in one loop. Stages keep the program's order, elements are
 * independent, and a plan reads a buffer's old value only before its first store, so running stage
 * after stage over a block computes what one loop computes.
 */
final class KernelStages {
    /** The most estimated ideal nodes in one stage's loop body. */
    static final int LIMIT = 40;

    /**
     * The most sums in one stage. Each adds into its lanes ({@link SumLanes}); measured with
     * {@code optopt bench probes} (mnist-mlp, JDK 25, AVX2, scalar loops, two runs each, ms per
     * observation), one, two and three sums per stage: the autocorrelation probe's five sums 0.19,
     * 0.17, 0.15 (all five in one loop: 0.33, which C2 no longer vectorizes); the curvature probe's
     * four 0.14, 0.14-0.15, 0.23-0.26; the one pass of both fusible probes 0.25, 0.24-0.25, 0.33-0.35.
     * Fewer stages stream more buffers at once, which pays while C2 still vectorizes the loop.
     */
    static final int MAX_SUMS = 2;

    /** Elements per block of a kernel without sums: blocks of scratch arrays of 4 KiB. */
    static final int BLOCK = 1024;

    /**
     * What a call of a transcendental function in double ({@link org.optopt.api.kernel.KernelMath}'s
     * exp, log, sigmoid, ...) counts: its loop is never vectorized, so it should share a stage with
     * little else; but a kernel of one such call and its load and store stays one loop.
     */
    private static final int CALL = LIMIT / 2;

    /** What a load or a store of an array element costs, in the units of {@link #cost}. */
    private static final int MEMORY = 2;

    /**
     * One stage: its statements, the locals it reads from scratch (defined in earlier stages) and
     * those it writes to scratch (read by later stages).
     */
    record Stage(List<Statement> statements, List<String> loads, List<String> spills) {}

    private KernelStages() {}

    /** The stages of {@code plan}: one stage holding its program unchanged if that fits {@link #LIMIT}. */
    static List<Stage> of(KernelPlan plan) {
        return of(plan.statements(), LIMIT);
    }

    /** The plan's program as one stage. */
    static Stage single(KernelPlan plan) {
        return new Stage(plan.statements(), List.of(), List.of());
    }

    /** The stages of a plan's {@code program} (in single-assignment form) for a given limit. */
    static List<Stage> of(List<Statement> program, int limit) {
        if (cost(program) <= limit && sums(program) <= MAX_SUMS) {
            return List.of(new Stage(program, List.of(), List.of()));
        }
        return withScratch(pack(new Splitter(program, limit).parts, limit));
    }

    /**
     * Estimated ideal nodes of a loop body running {@code statements}: their operations, one load
     * per distinct buffer read (C2 loads a buffer's element once however often it is read), one
     * store per store.
     */
    static int cost(List<Statement> statements) {
        Set<String> buffers = new HashSet<>();
        int total = 0;
        for (Statement st : statements) {
            total += operations(st.value()) + (st instanceof Statement.Store ? MEMORY : 0);
            buffers.addAll(buffersRead(st.value()));
        }
        return total + MEMORY * buffers.size();
    }

    /** {@link #cost(List)} of one expression. */
    private static int cost(Expr e) {
        return operations(e) + MEMORY * buffersRead(e).size();
    }

    /** Estimated ideal nodes of an expression's operations (operands are free). */
    private static int operations(Expr e) {
        return switch (e) {
            case Expr.Const c -> 0;
            case Expr.Scalar s -> 0;
            case Expr.Local l -> 0;
            case Expr.Buffer b -> 0;
            case Expr.Unary u -> operations(u.x()) + cost(u.op());
            case Expr.Binary b -> operations(b.a()) + operations(b.b()) + switch (b.op()) {
                case GT, LT -> 7; // BranchFreeCompare: subtract, two scalings, convert, clamp, convert
                case GE, LE -> 14;
                case POW -> CALL;
                default -> 1;
            };
            case Expr.Select s -> operations(s.condition()) + operations(s.ifTrue()) + operations(s.ifFalse()) + 4;
        };
    }

    private static int cost(UnaryOp op) {
        return switch (op) {
            case NEG, ABS, SQRT, SQUARE, RECIPROCAL -> 1;
            case SIGN, SOFTSIGN -> 3;
            case TANH -> 18; // KernelMath.tanh: clamp, 12 fused multiply-adds, 3 multiplications, a division
            case EXP, LOG, SIGMOID, SOFTPLUS, ATAN, ERF -> CALL;
        };
    }

    /**
     * The program with every statement at most {@code limit}: a statement above it has its costliest
     * operand moved into a new local first (repeatedly, depth first), so that each part fits.
     */
    private static final class Splitter {
        final List<Statement> parts = new ArrayList<>();
        private final Set<String> names = new HashSet<>();
        private final int limit;
        private int fresh;

        Splitter(List<Statement> program, int limit) {
            this.limit = limit;
            for (Statement st : program) {
                if (st instanceof Statement.Let let) {
                    names.add(let.name());
                }
            }
            for (Statement st : program) {
                Expr v = fit(st.value(), limit - (st instanceof Statement.Store ? MEMORY : 0));
                parts.add(switch (st) {
                    case Statement.Let let -> new Statement.Let(let.name(), v);
                    case Statement.Store s -> new Statement.Store(s.buffer(), v);
                    case Statement.Reduce r -> new Statement.Reduce(r.name(), r.op(), v);
                });
            }
        }

        /** {@code e}, with operands moved into new locals (appended to {@code parts}) until it costs at most {@code budget}. */
        private Expr fit(Expr e, int budget) {
            while (cost(e) > budget) {
                List<Expr> operands = operands(e);
                Expr costliest = operands.stream().filter(o -> cost(o) > 0)
                        .max((a, b) -> Integer.compare(cost(a), cost(b))).orElse(null);
                if (costliest == null) {
                    return e; // a single operation above the budget: it gets a stage of its own
                }
                Expr hoisted = hoist(costliest);
                e = replace(e, costliest, hoisted);
            }
            return e;
        }

        private Expr hoist(Expr operand) {
            Expr fitted = fit(operand, limit);
            String name;
            do {
                name = "stage@" + fresh++;
            } while (!names.add(name));
            parts.add(new Statement.Let(name, fitted));
            return new Expr.Local(name);
        }

        private static List<Expr> operands(Expr e) {
            return switch (e) {
                case Expr.Unary u -> List.of(u.x());
                case Expr.Binary b -> List.of(b.a(), b.b());
                case Expr.Select s -> List.of(s.condition(), s.ifTrue(), s.ifFalse());
                default -> List.of();
            };
        }

        /** {@code e} with its first operand identical to {@code operand} replaced (operands only, not deeper). */
        private static Expr replace(Expr e, Expr operand, Expr by) {
            return switch (e) {
                case Expr.Unary u -> new Expr.Unary(u.op(), by);
                case Expr.Binary b -> b.a() == operand ? new Expr.Binary(b.op(), by, b.b())
                        : new Expr.Binary(b.op(), b.a(), by);
                case Expr.Select s -> s.condition() == operand ? new Expr.Select(by, s.ifTrue(), s.ifFalse())
                        : s.ifTrue() == operand ? new Expr.Select(s.condition(), by, s.ifFalse())
                        : new Expr.Select(s.condition(), s.ifTrue(), by);
                default -> throw new IllegalStateException("no operands: " + e);
            };
        }
    }

    /**
     * Statements in order into groups of at most {@code limit}, counting a scratch load for each
     * local a group reads from an earlier one, and of at most {@link #MAX_SUMS} sums; a statement above the limit
     * alone gets a group.
     */
    private static List<List<Statement>> pack(List<Statement> parts, int limit) {
        List<List<Statement>> groups = new ArrayList<>();
        List<Statement> group = new ArrayList<>();
        for (Statement st : parts) {
            group.add(st);
            if (group.size() > 1 && (costWithLoads(group) > limit || sums(group) > MAX_SUMS)) {
                group.removeLast();
                groups.add(group);
                group = new ArrayList<>(List.of(st));
            }
        }
        groups.add(group);
        return groups;
    }

    /** The sums among {@code statements}. */
    private static long sums(List<Statement> statements) {
        return statements.stream().filter(st -> st instanceof Statement.Reduce r && r.op().isSum()).count();
    }

    /** {@link #cost(List)} of a group plus a scratch load per local it reads from an earlier group. */
    private static int costWithLoads(List<Statement> group) {
        Set<String> defined = new HashSet<>();
        Set<String> loaded = new HashSet<>();
        for (Statement st : group) {
            for (String l : localsRead(st.value())) {
                if (!defined.contains(l)) {
                    loaded.add(l);
                }
            }
            if (st instanceof Statement.Let let) {
                defined.add(let.name());
            }
        }
        return cost(group) + MEMORY * loaded.size();
    }

    /** The stages of the groups, with the locals each one loads from and spills to scratch. */
    private static List<Stage> withScratch(List<List<Statement>> groups) {
        Map<String, Integer> definedIn = new HashMap<>();
        List<Set<String>> loads = new ArrayList<>();
        List<Set<String>> spills = new ArrayList<>();
        for (int g = 0; g < groups.size(); g++) {
            loads.add(new LinkedHashSet<>());
            spills.add(new LinkedHashSet<>());
            for (Statement st : groups.get(g)) {
                for (String l : localsRead(st.value())) {
                    int from = definedIn.get(l);
                    if (from != g) {
                        loads.get(g).add(l);
                        spills.get(from).add(l);
                    }
                }
                if (st instanceof Statement.Let let) {
                    definedIn.put(let.name(), g);
                }
            }
        }
        List<Stage> stages = new ArrayList<>();
        for (int g = 0; g < groups.size(); g++) {
            stages.add(new Stage(List.copyOf(groups.get(g)), List.copyOf(loads.get(g)), List.copyOf(spills.get(g))));
        }
        return stages;
    }

    private static Set<String> localsRead(Expr e) {
        return namesIn(e, x -> x instanceof Expr.Local l ? l.name() : null);
    }

    private static Set<String> buffersRead(Expr e) {
        return namesIn(e, x -> x instanceof Expr.Buffer b ? b.name() : null);
    }

    /** The non-null names that {@code name} gives the nodes of {@code e}, in first-seen order. */
    private static Set<String> namesIn(Expr e, Function<Expr, String> name) {
        Set<String> out = new LinkedHashSet<>();
        e.walk(x -> {
            String n = name.apply(x);
            if (n != null) {
                out.add(n);
            }
        });
        return out;
    }
}
