package org.optopt.tasks.training;

import java.util.List;
import java.util.Map;
import org.optopt.api.backend.Backend;
import org.optopt.api.optim.Hyperparameter;
import org.optopt.api.optim.NonFinitePolicy;
import org.optopt.api.optim.Optimizer;
import org.optopt.api.optim.Parameter;
import org.optopt.api.optim.ParameterSet;
import org.optopt.api.optim.StateDict;

/**
 * Plain SGD ({@code p -= lr * g} with {@code axpyInPlace}) for the runner's tests, written here so
 * that they need no optimizer library; it counts its {@link #close()} calls and can fail at a step.
 */
final class PlainSgd implements Optimizer {
    private final Backend backend;
    private final ParameterSet parameters;
    private final double lr;
    private final long failAt;
    private long steps;
    int closed;

    /** SGD with rate {@code lr} that throws at step {@code failAt} (never if 0). */
    PlainSgd(Backend backend, ParameterSet parameters, double lr, long failAt) {
        this.backend = backend;
        this.parameters = parameters;
        this.lr = lr;
        this.failAt = failAt;
    }

    @Override
    public void step() {
        if (++steps == failAt) {
            throw new IllegalStateException("failing at step " + steps + " as told");
        }
        for (Parameter p : parameters.parameters()) {
            backend.axpyInPlace((float) -lr, p.gradient(), p.value());
        }
    }

    @Override
    public String name() {
        return "plain-sgd";
    }

    @Override
    public ParameterSet parameters() {
        return parameters;
    }

    @Override
    public List<Hyperparameter> hyperparameterDefinitions() {
        return List.of();
    }

    @Override
    public Map<String, String> choices() {
        return Map.of();
    }

    @Override
    public Map<String, Double> hyperparameters(String group) {
        return Map.of("lr", lr);
    }

    @Override
    public void setHyperparameter(String group, String name, double value) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void setHyperparameter(String name, double value) {
        throw new UnsupportedOperationException();
    }

    @Override
    public boolean isFrozen(String group) {
        return false;
    }

    @Override
    public void setFrozen(String group, boolean frozen) {
        throw new UnsupportedOperationException();
    }

    @Override
    public NonFinitePolicy nonFinitePolicy() {
        return NonFinitePolicy.FAIL;
    }

    @Override
    public void setNonFinitePolicy(NonFinitePolicy policy) {
        throw new UnsupportedOperationException();
    }

    @Override
    public long stepCount() {
        return steps;
    }

    @Override
    public long skippedSteps() {
        return 0;
    }

    @Override
    public StateDict state() {
        return new StateDict(name(), List.of(), steps, 0, Map.of(), Map.of(), List.of());
    }

    @Override
    public void loadState(StateDict state) {
        steps = state.stepCount();
    }

    @Override
    public void close() {
        closed++;
    }
}
