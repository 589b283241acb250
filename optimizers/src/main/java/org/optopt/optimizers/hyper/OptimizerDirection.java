package org.optopt.optimizers.hyper;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiFunction;
import org.optopt.api.backend.Backend;
import org.optopt.api.optim.Optimizer;
import org.optopt.api.optim.OptimizerProvider;
import org.optopt.api.optim.ParameterSet;
import org.optopt.api.optim.StateDict;
import org.optopt.api.tensor.Tensor;

/**
 * The direction of a registered optimizer whose update is {@code p = p - lr*buf}: it runs with
 * {@code lr = 0} (so its own step leaves the parameters as they are) and its state buffer
 * {@code buf} is the direction. Cost: one extra pass over the parameters per step.
 */
final class OptimizerDirection implements DirectionSource {
    private final OptimizerProvider provider;
    private final Map<String, Object> config;
    private final String stepSize;
    private final BiFunction<Optimizer, String, Tensor> buffer;

    /**
     * @param provider the optimizer
     * @param config its configuration (the step size is replaced by 0)
     * @param stepSize the name of its step size, e.g. {@code lr}
     * @param buffer the live direction tensor of the created optimizer for a parameter name
     */
    OptimizerDirection(OptimizerProvider provider, Map<String, ?> config, String stepSize,
                       BiFunction<Optimizer, String, Tensor> buffer) {
        this.provider = provider;
        this.config = new LinkedHashMap<>(config);
        this.config.put(stepSize, 0.0);
        this.stepSize = stepSize;
        this.buffer = buffer;
    }

    @Override
    public String buffer() {
        return "D";
    }

    @Override
    public Bound bind(Backend backend, ParameterSet parameters) {
        Optimizer inner = provider.create(backend, parameters, config);
        inner.setHyperparameter(stepSize, 0.0);
        return new Bound() {
            @Override
            public void compute() {
                inner.step();
            }

            @Override
            public Tensor direction(String parameter) {
                return buffer.apply(inner, parameter);
            }

            @Override
            public void setHyperparameter(String group, String name, double value) {
                if (!name.equals(stepSize)) {
                    inner.setHyperparameter(group, name, value);
                }
            }

            @Override
            public void setFrozen(String group, boolean frozen) {
                inner.setFrozen(group, frozen);
            }

            @Override
            public StateDict state() {
                return inner.state();
            }

            @Override
            public void loadState(StateDict state) {
                inner.loadState(state);
            }

            @Override
            public void close() {
                inner.close();
            }
        };
    }
}
