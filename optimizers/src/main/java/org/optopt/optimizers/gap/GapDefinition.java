package org.optopt.optimizers.gap;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.optopt.api.backend.Backend;
import org.optopt.api.kernel.Kernel;
import org.optopt.api.kernel.Reductions;
import org.optopt.api.optim.Choice;
import org.optopt.api.optim.Domain;
import org.optopt.api.optim.Hyperparameter;
import org.optopt.api.optim.HyperparameterList;
import org.optopt.api.optim.ParameterSet;
import org.optopt.optimizers.ElementwiseRule;
import org.optopt.optimizers.OptimizerDefinition;

/**
 * GAP momentum selection (paper A, SEEDS.md A.4; issue 19): an optimizer that keeps one momentum
 * state per candidate of a list, scores every candidate's direction by its alignment with the
 * gradient, and steps along the best. Per step t = 1, 2, ...:
 * <pre>
 * every tensor, every candidate j:  update candidate j's state; J_j = score from (g . direction_j)
 * mode switch:             the J_j of all tensors are summed and one candidate is chosen for all
 * mode switch-per-tensor:  each tensor chooses alone
 * S_j = j_ema*S_j + (1 - j_ema)*J_j   (S starts at 0);  j* = argmax S_j, the first on a tie
 * p = p - lr*direction_{j*}
 * </pre>
 * The per-element work is two fused kernels: {@link #accumulate(int)} updates every candidate's
 * state and reduces the alignments (accumulated in double) in one pass; after the choice,
 * {@link #apply()} steps along the chosen direction, reading the chosen candidate's state as
 * {@link #chosenBuffer()} and its value as {@link #candidate()}.
 *
 * <p>Smoothing is kept per tensor (each with its group's {@code j_ema}); in switch mode the choice
 * maximizes the sum of the tensors' S. With one {@code j_ema} for all tensors this is exactly the
 * smoothing of the summed scores (S is linear in J), and it stays defined when parameter groups
 * have their own {@code j_ema} or are frozen (only stepped tensors take part in a step's choice).
 */
public abstract class GapDefinition extends OptimizerDefinition {
    /** The mode choosing one candidate for the whole model. */
    public static final String SWITCH = "switch";
    /** The mode choosing a candidate per tensor. */
    public static final String SWITCH_PER_TENSOR = "switch-per-tensor";
    /** The default candidates of both GAP optimizers. */
    static final List<Double> DEFAULT_CANDIDATES = List.of(0.5, 0.9, 0.99);

    private final String candidate;
    private final String buffer;

    /**
     * Defines a GAP optimizer.
     *
     * @param hyperparameters its own real hyperparameters; {@code j_ema} is added
     * @param candidates the list of candidate values, e.g. {@code momenta}
     * @param candidate the name of one candidate's value in the kernels, e.g. {@code momentum}
     * @param buffer the name of one candidate's state buffer in the kernels, e.g. {@code buf}
     */
    protected GapDefinition(String name, String description, List<Hyperparameter> hyperparameters,
                            HyperparameterList candidates, String candidate, String buffer) {
        super(name, description, withSmoothing(hyperparameters), List.of(candidates),
                List.of(new Choice("mode", SWITCH, List.of(SWITCH, SWITCH_PER_TENSOR),
                        "one choice for the whole model, or one per tensor")));
        this.candidate = candidate;
        this.buffer = buffer;
    }

    private static List<Hyperparameter> withSmoothing(List<Hyperparameter> hyperparameters) {
        List<Hyperparameter> all = new ArrayList<>(hyperparameters);
        all.add(new Hyperparameter("j_ema", 0, Domain.closedOpen(0, 1),
                "smoothing of the candidates' scores: S = j_ema*S + (1 - j_ema)*J"));
        return all;
    }

    /** The list-valued hyperparameter holding the candidates. */
    public final HyperparameterList candidates() {
        return hyperparameterLists().get(0);
    }

    /** The name of the chosen candidate's value in {@link #apply()} and in traces, e.g. {@code momentum}. */
    public final String candidate() {
        return candidate;
    }

    /** The name of the chosen candidate's state buffer in {@link #apply()}, e.g. {@code buf}. */
    public final String chosenBuffer() {
        return buffer;
    }

    /** The scalar holding candidate {@code j}'s value in {@link #accumulate(int)}, e.g. {@code momentum_0}. */
    public final String candidateScalar(int j) {
        return candidate + "_" + j;
    }

    /** Candidate {@code j}'s state buffer in {@link #accumulate(int)}, e.g. {@code buf_0}. */
    public final String candidateBuffer(int j) {
        return buffer + "_" + j;
    }

    /** The reduction holding {@code g . direction_j} in {@link #accumulate(int)}. */
    public static String alignment(int j) {
        return "alignment_" + j;
    }

    /**
     * The kernel that updates the state of {@code candidates} candidates (buffers
     * {@link #candidateBuffer(int)} and {@link #sharedState()}) and reduces each candidate's
     * {@link #alignment(int)}; its scalars are hyperparameters, {@link ElementwiseRule#STEP} and
     * the {@link #candidateScalar(int)}s.
     */
    public abstract Kernel accumulate(int candidates);

    /** The kernel that stores the new parameter, stepping along the chosen candidate's direction. */
    public abstract Kernel apply();

    /** State buffers that all candidates share (e.g. Adam's v), with their initial values. */
    public abstract List<ElementwiseRule.StateBuffer> sharedState();

    /**
     * Candidate {@code j}'s score J from the reductions of {@link #accumulate(int)} over a tensor
     * of {@code size} elements.
     */
    public abstract double score(double candidate, int j, Reductions reductions, int size);

    /** The scoring rule as text, for {@link #updateRule(Map)}. */
    protected abstract String scoreRule();

    @Override
    public final String updateRule(Map<String, String> choices) {
        String mode = resolveChoices(choices).get("mode");
        return accumulate(candidates().defaultValue().size()) + scoreRule()
                + "S_j = j_ema*S_j + (1 - j_ema)*J_j; j* = argmax S_j (first on a tie)"
                + (mode.equals(SWITCH) ? ", J_j summed over all tensors\n" : ", per tensor\n")
                + "then, for the chosen j*: " + buffer + " = " + buffer + "_<j*>, " + candidate + " = " + candidate + "_<j*>\n"
                + apply();
    }

    @Override
    public final GapOptimizer create(Backend backend, ParameterSet parameters, Map<String, ?> config) {
        return new GapOptimizer(this, backend, parameters, resolve(config));
    }
}
