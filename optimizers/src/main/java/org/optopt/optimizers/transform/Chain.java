package org.optopt.optimizers.transform;

import java.util.List;
import org.optopt.api.kernel.Expr;
import org.optopt.api.kernel.Kernel;
import org.optopt.optimizers.ElementwiseRule;
import org.optopt.optimizers.Rules;

/**
 * Optax's {@code chain}: transforms applied in order to the gradient, fused into one
 * {@link ElementwiseRule} (or a {@link Stage} of a matrix optimizer). The last update is subtracted
 * from the iterate ({@code p = p - update}) here and nowhere else.
 */
public final class Chain {
    private Chain() {}

    /**
     * An elementwise stage of an optimizer that is not one elementwise rule (e.g. the parts before
     * and after a matrix preconditioner): its kernel and the state buffers its transforms declare.
     *
     * @param kernel the stage's kernel
     * @param state the state buffers it reads and writes besides its input and output
     */
    public record Stage(Kernel kernel, List<ElementwiseRule.StateBuffer> state) {
        /** Copies the list. */
        public Stage {
            state = List.copyOf(state);
        }
    }

    /**
     * The stage that applies {@code transforms} to the buffer {@code input} (written by an earlier
     * stage) and subtracts the result from the parameter.
     *
     * @param name the kernel's name
     */
    public static Stage from(String name, String input, Transform... transforms) {
        return run(new RuleBuilder(name), Update.of(Expr.buffer(input)), transforms).stage(null);
    }

    /**
     * The stage that applies {@code transforms} to the gradient and stores the result, unsubtracted,
     * into buffer {@code output} for a later stage.
     *
     * @param name the kernel's name
     */
    public static Stage into(String name, String output, Transform... transforms) {
        return run(new RuleBuilder(name), Update.of(Rules.g()), transforms).stage(output);
    }

    private record Run(RuleBuilder rule, Update update) {
        Stage stage(String output) {
            return rule.stage(update, output);
        }
    }

    private static Run run(RuleBuilder rule, Update start, Transform... transforms) {
        Update update = start;
        for (Transform t : transforms) {
            update = t.apply(update, rule);
        }
        return new Run(rule, update);
    }

    /**
     * The rule of {@code transforms} applied in order to the gradient {@code g}.
     *
     * @param name the kernel's name
     */
    public static ElementwiseRule chain(String name, Transform... transforms) {
        Run run = run(new RuleBuilder(name), Update.of(Rules.g()), transforms);
        return run.rule().build(run.update());
    }
}
