package org.optopt.optimizers.transform;

/**
 * One small piece of an elementwise update rule, as Optax's {@code GradientTransformation}: it
 * receives the update so far, adds its statements and declares its own state on the
 * {@link RuleBuilder}, and returns the update it passes on. A {@link Chain} of transforms fuses
 * into one kernel; see {@link Transforms} for the library.
 */
@FunctionalInterface
public interface Transform {

    /**
     * Applies this transform.
     *
     * @param update the update so far (the gradient at the start of a chain)
     * @param rule the rule under construction: statements, state buffers, scalar states
     * @return the update passed to the next transform
     */
    Update apply(Update update, RuleBuilder rule);
}
