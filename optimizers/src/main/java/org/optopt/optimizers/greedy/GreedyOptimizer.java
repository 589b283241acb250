package org.optopt.optimizers.greedy;

import static org.optopt.api.kernel.Expr.buffer;
import static org.optopt.api.kernel.Expr.scalar;
import static org.optopt.optimizers.Rules.g;
import static org.optopt.optimizers.Rules.p;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.optopt.api.backend.Backend;
import org.optopt.api.backend.CompiledKernel;
import org.optopt.api.backend.KernelArgs;
import org.optopt.api.kernel.Kernel;
import org.optopt.api.optim.Parameter;
import org.optopt.api.optim.ParameterGroup;
import org.optopt.api.optim.ParameterSet;
import org.optopt.api.tensor.Shape;
import org.optopt.api.tensor.Tensor;
import org.optopt.optimizers.BaseOptimizer;
import org.optopt.optimizers.OptimizerDefinition;
import org.optopt.optimizers.probe.AutocorrelationProbe;
import org.optopt.optimizers.probe.KroneckerProbe;
import org.optopt.optimizers.probe.SecondMomentProbe;
import org.optopt.theory.MomentumScore;
import org.optopt.theory.StepSize;
import org.optopt.theory.SymmetricFunction;
import org.optopt.theory.UpdateRms;

/**
 * Runs {@link Greedy}. The probes observe the gradients inside the step (after the non-finite
 * check), so they see exactly the gradients the updates use. State per parameter: {@code q} (the
 * diagonal preconditioner, 1 before the first design), {@code buf}, and {@code L_root},
 * {@code R_root} for a Kronecker-preconditioned matrix; optimizer-wide: the designed {@code lr}
 * and {@code momentum}, and with {@code step_size = curvature} whether that lr came from eta*
 * ({@code measured_step}, which decides whether the next design is clipped). The probes' moving averages are not part of the state: after a load they
 * start again, and the next design uses the statistics observed since.
 */
public final class GreedyOptimizer extends BaseOptimizer {
    private static final double PROBE_BETA = 0.99;
    /** Matrices with a longer side are preconditioned diagonally under {@code kronecker} (host eigen cost). */
    static final int MAX_FACTOR_SIDE = 256;
    private static final Kernel DIAGONAL = Kernel.builder("greedy_diagonal")
            .store("buf", scalar("momentum").times(buffer("buf")).plus(g()))
            .store("p", p().minus(scalar("lr").times(buffer("q")).times(buffer("buf"))))
            .build();
    private static final Kernel MOMENTUM = Kernel.builder("greedy_momentum")
            .store("buf", scalar("momentum").times(buffer("buf")).plus(g()))
            .build();
    private static final Kernel APPLY = Kernel.builder("greedy_apply")
            .store("p", p().minus(scalar("lr").times(buffer("P"))))
            .build();

    private final String budget;
    private final CompiledKernel diagonal;
    private final CompiledKernel momentumKernel;
    private final CompiledKernel apply;
    private final SecondMomentProbe secondMoment;
    private final AutocorrelationProbe autocorrelation;
    private final KroneckerProbe kronecker;
    /** With {@code step_size = curvature}: the rule that designs lr from eta*; else null. */
    private final CurvatureStepSize curvature;
    private final Map<String, Slot> slots = new LinkedHashMap<>();
    private double lr;
    private double momentum;
    private long designs;
    /**
     * With {@code step_size = curvature}: whether lr was installed from eta* (possibly halved by
     * the guard since), so that the next design's clip has a measured step to compare with.
     */
    private boolean measuredStep;
    /** With {@code step_size = curvature}: the guard's halvings of lr since the last design. */
    private long halvings;
    private Map<String, Double> decision = Map.of();

    private final class Slot {
        final Map<String, Tensor> state = new LinkedHashMap<>();
        final List<Tensor> workspace = new ArrayList<>();
        final KernelArgs diagonalArgs;
        final boolean factored;
        Tensor bufMatrix;
        Tensor left;
        Tensor preconditioned;
        KernelArgs momentumArgs;
        KernelArgs applyArgs;

        Slot(Parameter p, boolean factored) {
            this.factored = factored;
            Shape shape = p.value().shape();
            state.put("q", backend.full(shape, 1f));
            state.put("buf", backend.zeros(shape));
            diagonalArgs = diagonal.args().buffer("buf", state.get("buf")).buffer("q", state.get("q"))
                    .buffer("g", p.gradient()).buffer("p", p.value());
            if (factored) {
                int rows = shape.dim(0);
                int cols = shape.dim(1);
                state.put("L_root", identity(rows));
                state.put("R_root", identity(cols));
                bufMatrix = work(backend.reshape(state.get("buf"), Shape.matrix(rows, cols)));
                left = work(backend.zeros(Shape.matrix(rows, cols)));
                preconditioned = work(backend.zeros(Shape.matrix(rows, cols)));
                momentumArgs = momentumKernel.args().buffer("buf", state.get("buf")).buffer("g", p.gradient());
                applyArgs = apply.args().buffer("P", work(backend.reshape(preconditioned, shape)))
                        .buffer("p", p.value());
            }
        }

        private Tensor work(Tensor t) {
            workspace.add(t);
            return t;
        }
    }

    GreedyOptimizer(Greedy definition, Backend backend, ParameterSet parameters, OptimizerDefinition.Config config) {
        super(definition, backend, parameters, config);
        this.budget = config.choices().get("budget");
        this.diagonal = backend.compile(DIAGONAL);
        this.momentumKernel = backend.compile(MOMENTUM);
        this.apply = backend.compile(APPLY);
        this.secondMoment = new SecondMomentProbe(backend, parameters, PROBE_BETA);
        this.autocorrelation = new AutocorrelationProbe(backend, parameters, AutocorrelationProbe.DEFAULT_LAGS, PROBE_BETA);
        this.kronecker = budget.equals("kronecker")
                ? new KroneckerProbe(backend, parameters, PROBE_BETA, MAX_FACTOR_SIDE) : null;
        List<String> factored = kronecker == null ? List.of() : kronecker.factored();
        for (Parameter p : parameters.parameters()) {
            slots.put(p.name(), new Slot(p, factored.contains(p.name())));
        }
        Map<String, Tensor> buffers = new LinkedHashMap<>();
        slots.forEach((name, s) -> buffers.put(name, s.state.get("buf")));
        this.curvature = config.choices().get("step_size").equals("curvature")
                ? new CurvatureStepSize(backend, parameters, buffers, PROBE_BETA) : null;
        this.lr = groupValues(parameters.groups().get(0).name()).get("lr");
        this.momentum = 0;
    }

    @Override
    protected void update(Map<ParameterGroup, Map<String, Double>> active) {
        secondMoment.observe(parameters());
        autocorrelation.observe(parameters());
        if (kronecker != null) {
            kronecker.observe(parameters());
        }
        if (curvature != null) {
            curvature.observe();
        }
        Map<String, Double> first = active.values().iterator().next();
        long every = Math.round(first.get("redesign_every"));
        decision = (stepCount() + 1) % every == 0 ? redesign(first) : Map.of();
        if (designs == 0) {
            lr = warmUpRate(first.get("lr"));
        } else if (curvature != null && decision.isEmpty() && curvature.unstable(momentum)) {
            lr /= 2;
            halvings++;
        }
        active.forEach(this::update);
        if (curvature != null) {
            curvature.stepped(applied());
        }
    }

    /** The step's coefficient on the fresh gradient, lr sqrt(1 - m^2). */
    private double applied() {
        return lr * Math.sqrt(1 - momentum * momentum);
    }

    @Override
    protected void update(ParameterGroup group, Map<String, Double> hyper) {
        double applied = applied();
        for (Parameter p : group.parameters()) {
            Slot s = slots.get(p.name());
            if (!s.factored) {
                diagonal.run(s.diagonalArgs.scalar("momentum", momentum).scalar("lr", applied));
                continue;
            }
            momentumKernel.run(s.momentumArgs.scalar("momentum", momentum));
            backend.gemmInPlace(1f, s.state.get("L_root"), false, s.bufMatrix, false, 0f, s.left);
            backend.gemmInPlace(1f, s.left, false, s.state.get("R_root"), false, 0f, s.preconditioned);
            apply.run(s.applyArgs.scalar("lr", applied));
        }
    }

    /**
     * Before the first design: the metric budget with P = I on this step's own gradient, lr =
     * c sqrt(d) / |g| (normalized SGD at the per-coordinate radius; 0 for a zero gradient).
     */
    private double warmUpRate(double c) {
        double sq = 0;
        long d = 0;
        for (Parameter p : parameters().parameters()) {
            sq += backend.dot(p.gradient(), p.gradient());
            d += p.value().shape().size();
        }
        return sq > 0 ? StepSize.fromRadius(c * Math.sqrt(d), sq).eta() : 0;
    }

    /**
     * Solves the design from the current statistics and installs it, or keeps the previous one if
     * a statistic or a designed value is not finite; returns the decision's trace entries.
     */
    private Map<String, Double> redesign(Map<String, Double> hyper) {
        double c = hyper.get("lr");
        double sqNorm = secondMoment.statistics().get("sq_norm");
        double[] r = autocorrelation.autocorrelations();
        Map<String, float[]> diagonals = new LinkedHashMap<>();
        Map<String, float[][]> roots = new LinkedHashMap<>();
        double value = 0;
        double designedLr = c;
        boolean finite = Double.isFinite(sqNorm) && sqNorm > 0 && allFinite(r);
        long d = 0;
        for (Parameter p : parameters().parameters()) {
            d += p.value().shape().size();
        }
        if (finite && budget.equals("metric")) {
            designedLr = StepSize.fromRadius(c * Math.sqrt(d), sqNorm).eta();
        } else if (finite) {
            UpdateRms rms = new UpdateRms(c);
            for (Parameter p : parameters().parameters()) {
                double[] s = secondMoment.secondMoment(p.name());
                if (slots.get(p.name()).factored) {
                    float[][] lr = factorRoots(p, hyper.get("damping"));
                    roots.put(p.name(), lr);
                    continue;
                }
                double[] q = rms.optimum(s);
                float[] unit = new float[q.length];
                for (int i = 0; i < q.length; i++) {
                    unit[i] = (float) (q[i] / c);
                    value += q[i] * s[i];
                }
                diagonals.put(p.name(), unit);
            }
        }
        double m = 0;
        CurvatureStepSize.Design step = null;
        if (finite) {
            m = Math.min(new MomentumScore(r).argmax(), hyper.get("max_momentum"));
            if (curvature != null) {
                double effective = measuredStep ? applied() / (1 - momentum) : Double.NaN;
                step = curvature.design(m, effective, designedLr);
                designedLr = step.lr();
            }
            if (budget.equals("metric")) {
                value = designedLr * sqNorm;
            }
            finite = Double.isFinite(value) && Double.isFinite(designedLr) && Double.isFinite(m)
                    && diagonals.values().stream().allMatch(GreedyOptimizer::allFinite)
                    && roots.values().stream().allMatch(f -> allFinite(f[0]) && allFinite(f[1]));
        }
        Map<String, Double> out = new LinkedHashMap<>();
        String prefix = "decision." + budget + ".";
        if (finite) {
            diagonals.forEach((name, q) -> slots.get(name).state.get("q").copyFrom(q));
            roots.forEach((name, f) -> {
                slots.get(name).state.get("L_root").copyFrom(f[0]);
                slots.get(name).state.get("R_root").copyFrom(f[1]);
            });
            lr = designedLr;
            momentum = m;
            measuredStep = step != null && step.fallback() == CurvatureStepSize.Fallback.NONE;
            designs++;
        }
        out.put(prefix + "value", finite ? value : Double.NaN);
        out.put(prefix + "lr", lr);
        out.put(prefix + "momentum", momentum);
        out.put(prefix + "skipped", finite ? 0.0 : 1.0);
        if (curvature != null) {
            out.put(prefix + "curvature", step == null ? Double.NaN : step.curvature());
            out.put(prefix + "eta_star", step == null ? Double.NaN : step.etaStar());
            out.put(prefix + "fallback", step == null ? Double.NaN : step.fallback().code);
            out.put(prefix + "clipped", step == null ? 0.0 : step.clipped());
            out.put(prefix + "halvings", (double) halvings);
            halvings = 0;
        }
        return out;
    }

    /**
     * The Kronecker budget's factors for a rows x cols parameter, (rows cols)^(1/4) (L + delta I)^-1/4
     * and (R + delta I)^-1/4 with delta = damping times the factor's mean eigenvalue, row-major;
     * with lr = c this is Q* = c' L^-1/4 (x) R^-1/4 at the per-coordinate radius c' = c (rows cols)^(1/4).
     */
    private float[][] factorRoots(Parameter p, double damping) {
        Shape shape = p.value().shape();
        double scale = Math.pow((double) shape.dim(0) * shape.dim(1), 0.25);
        return new float[][] {root(kronecker.left(p.name()), damping, scale), root(kronecker.right(p.name()), damping, 1)};
    }

    private static float[] root(double[][] factor, double damping, double scale) {
        int n = factor.length;
        double trace = 0;
        for (int i = 0; i < n; i++) {
            trace += factor[i][i];
        }
        double delta = damping * trace / n;
        double[][] symmetric = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                symmetric[i][j] = 0.5 * (factor[i][j] + factor[j][i]);
            }
        }
        double[][] r = SymmetricFunction.apply(symmetric, x -> scale * Math.pow(Math.max(x, 0) + delta, -0.25));
        float[] out = new float[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                out[i * n + j] = (float) r[i][j];
            }
        }
        return out;
    }

    private static boolean allFinite(double[] v) {
        for (double x : v) {
            if (!Double.isFinite(x)) {
                return false;
            }
        }
        return true;
    }

    private static boolean allFinite(float[] v) {
        for (float x : v) {
            if (!Float.isFinite(x)) {
                return false;
            }
        }
        return true;
    }

    /** The hyperparameters, the designed lr and momentum, and at a design step its decision. */
    @Override
    public Map<String, Double> trace() {
        Map<String, Double> out = super.trace();
        out.put("designed_lr", lr);
        out.put("designed_momentum", momentum);
        out.putAll(decision);
        return out;
    }

    @Override
    protected Map<String, Double> optimizerState() {
        return Map.of("lr", lr, "momentum", momentum, "designs", (double) designs, "measured_step", measuredStep ? 1.0 : 0.0);
    }

    @Override
    protected void restoreOptimizerState(Map<String, Double> state) {
        lr = state.get("lr");
        momentum = state.get("momentum");
        designs = state.get("designs").longValue();
        measuredStep = state.get("measured_step") != 0;
    }

    @Override
    protected Map<String, Tensor> buffers(Parameter p) {
        return slots.get(p.name()).state;
    }

    @Override
    protected Map<String, Double> scalarState(Parameter p) {
        return Map.of();
    }

    @Override
    protected void restoreScalarState(Parameter p, Map<String, Double> state) {
    }

    @Override
    protected void releaseWorkspace() {
        slots.values().forEach(s -> s.workspace.forEach(Tensor::close));
        secondMoment.close();
        autocorrelation.close();
        if (kronecker != null) {
            kronecker.close();
        }
        if (curvature != null) {
            curvature.close();
        }
    }
}
