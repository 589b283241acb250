package org.optopt.optimizers.gap;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.optopt.api.backend.Backend;
import org.optopt.api.backend.CompiledKernel;
import org.optopt.api.backend.KernelArgs;
import org.optopt.api.optim.Parameter;
import org.optopt.api.optim.ParameterGroup;
import org.optopt.api.optim.ParameterSet;
import org.optopt.api.tensor.Tensor;
import org.optopt.optimizers.ElementwiseRule;
import org.optopt.optimizers.OptimizerDefinition;
import org.optopt.optimizers.SlotOptimizer;

/**
 * Runs a {@link GapDefinition}: per parameter, one state buffer per candidate plus the shared
 * ones; a step runs the accumulate kernel over every stepped tensor, scores and chooses on the
 * host, then runs the apply kernel with the chosen candidate's buffer and value bound.
 *
 * <p>State per parameter: the step count {@code t}, the smoothed scores {@code score_<j>} and the
 * last chosen candidate's index {@code choice} (-1 before the first step); optimizer-wide: the
 * model's last choice (switch mode) and the number of {@code switches} (changes of the model's
 * choice in switch mode; of any tensor's choice, summed over tensors, per tensor).
 *
 * <p>{@link #trace()} adds the chosen candidate's value — one column ({@code momentum} or
 * {@code beta1}) in switch mode, one per tensor ({@code momentum.<parameter>}) per tensor — and
 * {@code switches}, so a run's {@code steps.csv} shows the choice of every step.
 */
public final class GapOptimizer extends SlotOptimizer {
    private static final String SWITCHES = "switches";
    private static final String MODEL_CHOICE = "choice";

    private final GapDefinition gap;
    private final List<Double> candidates;
    private final boolean perTensor;
    private final CompiledKernel accumulate;
    private final CompiledKernel apply;
    private int modelChoice = -1;
    private long switches;

    /** One parameter's state: a buffer per candidate, the shared buffers, the scores and the last choice. */
    private final class GapSlot extends Slot {
        final KernelArgs accumulateArgs = accumulate.args();
        final KernelArgs applyArgs = apply.args();
        final double[] scores = new double[candidates.size()];
        final int size;
        int choice = -1;

        GapSlot(Parameter p, Map<String, Double> hyper) {
            size = p.value().shape().size();
            for (int j = 0; j < candidates.size(); j++) {
                state(gap.candidateBuffer(j), backend.zeros(p.value().shape()));
            }
            for (ElementwiseRule.StateBuffer b : gap.sharedState()) {
                state(b.name(), b.allocate(backend, p.value(), hyper));
            }
            Map<String, Tensor> bound = new LinkedHashMap<>(state);
            bound.put(ElementwiseRule.PARAMETER, p.value());
            bound.put(ElementwiseRule.GRADIENT, p.gradient());
            for (Map.Entry<String, Tensor> b : bound.entrySet()) {
                bindIfRead(accumulateArgs, b.getKey(), b.getValue());
                bindIfRead(applyArgs, b.getKey(), b.getValue());
            }
        }

        /** Binds candidate {@code j}'s buffer as the chosen one of the apply kernel. */
        void bindChosen(int j) {
            applyArgs.buffer(gap.chosenBuffer(), state.get(gap.candidateBuffer(j)));
        }

        @Override
        protected Map<String, Double> scalars() {
            Map<String, Double> out = super.scalars();
            for (int j = 0; j < scores.length; j++) {
                out.put("score_" + j, scores[j]);
            }
            out.put(MODEL_CHOICE, (double) choice);
            return out;
        }

        @Override
        protected void restore(Map<String, Double> scalars) {
            super.restore(scalars);
            for (int j = 0; j < scores.length; j++) {
                scores[j] = scalars.get("score_" + j);
            }
            choice = scalars.get(MODEL_CHOICE).intValue();
        }
    }

    GapOptimizer(GapDefinition definition, Backend backend, ParameterSet parameters, OptimizerDefinition.Config config) {
        super(definition, backend, parameters, config);
        this.gap = definition;
        this.candidates = config.lists().get(definition.candidates().name());
        this.perTensor = config.choices().get("mode").equals(GapDefinition.SWITCH_PER_TENSOR);
        this.accumulate = backend.compile(definition.accumulate(candidates.size()));
        this.apply = backend.compile(definition.apply());
        for (ParameterGroup g : parameters.groups()) {
            Map<String, Double> hyper = groupValues(g.name());
            for (Parameter p : g.parameters()) {
                addSlot(p, new GapSlot(p, hyper));
            }
        }
    }

    private static void bindIfRead(KernelArgs args, String buffer, Tensor tensor) {
        if (args.kernel().bufferIndex(buffer) >= 0) {
            args.buffer(buffer, tensor);
        }
    }

    /** The candidates this optimizer chooses among, ascending. */
    public List<Double> candidates() {
        return candidates;
    }

    /** The number of switches so far (see the class description). */
    public long switches() {
        return switches;
    }

    /**
     * The index of the candidate that parameter {@code parameter} used in its last step, or -1.
     *
     * @throws IllegalArgumentException on an unknown parameter
     */
    public int choice(String parameter) {
        return ((GapSlot) slot(parameter)).choice;
    }

    @Override
    protected void update(ParameterGroup group, Map<String, Double> hyper) {
        update(Map.of(group, hyper));
    }

    @Override
    protected void update(Map<ParameterGroup, Map<String, Double>> active) {
        Map<Parameter, Map<String, Double>> env = new LinkedHashMap<>();
        Map<Parameter, double[]> scores = new LinkedHashMap<>();
        for (Map.Entry<ParameterGroup, Map<String, Double>> g : active.entrySet()) {
            for (Parameter p : g.getKey().parameters()) {
                GapSlot s = (GapSlot) slot(p.name());
                Map<String, Double> e = withStep(g.getValue(), s);
                for (int j = 0; j < candidates.size(); j++) {
                    e.put(gap.candidateScalar(j), candidates.get(j));
                }
                bind(s.accumulateArgs, e);
                var reductions = accumulate.run(s.accumulateArgs);
                double jEma = g.getValue().get("j_ema");
                for (int j = 0; j < candidates.size(); j++) {
                    s.scores[j] = jEma * s.scores[j] + (1 - jEma) * gap.score(candidates.get(j), j, reductions, s.size);
                }
                env.put(p, e);
                scores.put(p, s.scores);
            }
        }
        if (!perTensor) {
            double[] total = new double[candidates.size()];
            scores.values().forEach(s -> {
                for (int j = 0; j < total.length; j++) {
                    total[j] += s[j];
                }
            });
            int chosen = argmax(total);
            if (modelChoice >= 0 && chosen != modelChoice) {
                switches++;
            }
            modelChoice = chosen;
        }
        for (Map.Entry<Parameter, Map<String, Double>> e : env.entrySet()) {
            GapSlot s = (GapSlot) slot(e.getKey().name());
            int chosen = perTensor ? argmax(s.scores) : modelChoice;
            if (perTensor && s.choice >= 0 && chosen != s.choice) {
                switches++;
            }
            s.choice = chosen;
            Map<String, Double> values = e.getValue();
            values.put(gap.candidate(), candidates.get(chosen));
            s.bindChosen(chosen);
            apply.run(bind(s.applyArgs, values));
            advance(s);
        }
    }

    /** The index of the largest score, the first on a tie. */
    private static int argmax(double[] scores) {
        int best = 0;
        for (int j = 1; j < scores.length; j++) {
            if (scores[j] > scores[best]) {
                best = j;
            }
        }
        return best;
    }

    @Override
    public Map<String, Double> trace() {
        Map<String, Double> out = super.trace();
        if (perTensor) {
            parameters().parameters().forEach(p -> out.put(gap.candidate() + "." + p.name(), value(choice(p.name()))));
        } else {
            out.put(gap.candidate(), value(modelChoice));
        }
        out.put(SWITCHES, (double) switches);
        return out;
    }

    private double value(int choice) {
        return choice < 0 ? Double.NaN : candidates.get(choice);
    }

    /** A state's choices must be candidate indices (or -1, none yet). */
    @Override
    protected void checkState(Map<Parameter, Map<String, Double>> perParameter, Map<String, Double> optimizerWide) {
        perParameter.forEach((p, s) -> requireIndex(s.get(MODEL_CHOICE), "of parameter " + p.name()));
        requireIndex(optimizerWide.get(MODEL_CHOICE), "of the model");
    }

    @Override
    protected Map<String, Double> optimizerState() {
        Map<String, Double> out = new LinkedHashMap<>();
        out.put(MODEL_CHOICE, (double) modelChoice);
        out.put(SWITCHES, (double) switches);
        return out;
    }

    @Override
    protected void restoreOptimizerState(Map<String, Double> state) {
        modelChoice = state.get(MODEL_CHOICE).intValue();
        switches = state.get(SWITCHES).longValue();
    }

    private void requireIndex(double choice, String whose) {
        if (choice != Math.rint(choice) || choice < -1 || choice >= candidates.size()) {
            throw new IllegalArgumentException("State holds candidate index " + choice + " " + whose + ", not one of -1 to "
                    + (candidates.size() - 1));
        }
    }
}
