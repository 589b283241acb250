package org.optopt.optimizers.transform;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.optopt.api.kernel.Expr;
import org.optopt.api.kernel.Kernel;
import org.optopt.optimizers.ElementwiseRule;

/**
 * The rule a {@link Chain} builds: the kernel's statements in order, the state buffers and scalar
 * states that transforms declare, the iterate the update is subtracted from (the parameter,
 * unless a transform such as Schedule-Free redirects it) and the statements that run after that
 * subtraction. Kernel semantics apply: a buffer read after its store reads the stored value.
 */
public final class RuleBuilder {
    private final String ruleName;
    private final Kernel.Builder kernel;
    private final List<ElementwiseRule.StateBuffer> buffers = new ArrayList<>();
    private final List<ElementwiseRule.ScalarState> scalars = new ArrayList<>();
    private final List<Consumer<RuleBuilder>> afterStep = new ArrayList<>();
    private String iterate = ElementwiseRule.PARAMETER;
    private Optional<ElementwiseRule.Averaged> averaged = Optional.empty();

    RuleBuilder(String name) {
        this.ruleName = name;
        this.kernel = Kernel.builder(name);
    }

    /** Binds local {@code local} to {@code value}; returns the local. */
    public Expr let(String local, Expr value) {
        kernel.let(local, value);
        return Expr.local(local);
    }

    /** Stores {@code value} into buffer {@code buffer}; returns the buffer (its later reads see the new value). */
    public Expr store(String buffer, Expr value) {
        kernel.store(buffer, value);
        return Expr.buffer(buffer);
    }

    /**
     * Declares a state buffer with its initial value (uniform, or the parameter {@code p}).
     *
     * @return the buffer
     * @throws IllegalArgumentException if another transform declared it already
     */
    public Expr state(String name, Expr initial) {
        if (buffers.stream().anyMatch(b -> b.name().equals(name))) {
            throw new IllegalArgumentException("State buffer " + name + " is declared by two transforms of rule "
                    + ruleName);
        }
        buffers.add(new ElementwiseRule.StateBuffer(name, initial));
        return Expr.buffer(name);
    }

    /** Declares a host scalar state (see {@link ElementwiseRule.ScalarState}); returns its scalar. */
    public Expr scalarState(String name, double initial, Expr next) {
        scalars.add(new ElementwiseRule.ScalarState(name, initial, next));
        return Expr.scalar(name);
    }

    /** Runs {@code statements} after the chain has subtracted the update from the iterate. */
    public void afterStep(Consumer<RuleBuilder> statements) {
        afterStep.add(statements);
    }

    /** Subtracts the update from state buffer {@code buffer} instead of the parameter. */
    public void redirect(String buffer) {
        iterate = buffer;
    }

    /** Declares the rule's averaged evaluation view. */
    public void averaged(ElementwiseRule.Averaged view) {
        averaged = Optional.of(view);
    }

    ElementwiseRule build(Update update) {
        step(update);
        return new ElementwiseRule(kernel.build(), buffers, scalars, averaged);
    }

    /** The stage that subtracts {@code update} from the iterate, or stores its value into {@code output} if not null. */
    Chain.Stage stage(Update update, String output) {
        if (output == null) {
            step(update);
        } else {
            store(output, update.value());
        }
        if (!scalars.isEmpty() || averaged.isPresent()) {
            throw new IllegalArgumentException("Stage " + ruleName + " of a non-elementwise optimizer keeps no scalar state");
        }
        return new Chain.Stage(kernel.build(), buffers);
    }

    private void step(Update update) {
        store(iterate, update.subtractFrom(Expr.buffer(iterate)));
        afterStep.forEach(s -> s.accept(this));
    }
}
