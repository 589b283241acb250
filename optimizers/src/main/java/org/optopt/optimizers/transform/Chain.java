package org.optopt.optimizers.transform;

import org.optopt.optimizers.ElementwiseRule;
import org.optopt.optimizers.Rules;

/**
 * Optax's {@code chain}: transforms applied in order to the gradient, fused into one
 * {@link ElementwiseRule}. The last update is subtracted from the iterate ({@code p = p - update})
 * here and nowhere else.
 */
public final class Chain {
    private Chain() {}

    /**
     * The rule of {@code transforms} applied in order to the gradient {@code g}.
     *
     * @param name the kernel's name
     */
    public static ElementwiseRule chain(String name, Transform... transforms) {
        RuleBuilder rule = new RuleBuilder(name);
        Update update = Update.of(Rules.g());
        for (Transform t : transforms) {
            update = t.apply(update, rule);
        }
        return rule.build(update);
    }
}
