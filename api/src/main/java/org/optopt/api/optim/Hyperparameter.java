package org.optopt.api.optim;

import java.util.Objects;

/**
 * The definition of a real hyperparameter: a runtime scalar of the update rule, readable and
 * writable between steps (see {@link Optimizer#setHyperparameter(String, String, double)}).
 *
 * @param name the torch.optim-style name, e.g. {@code lr}, {@code beta1}, {@code weight_decay}
 * @param defaultValue the value used when the configuration gives none; it lies in the domain
 * @param domain the valid values
 * @param description one line on the hyperparameter's role
 */
public record Hyperparameter(String name, double defaultValue, Domain domain, String description) {
    /** Validates the definition: the default must lie in the domain. */
    public Hyperparameter {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(domain, "domain of " + name);
        Objects.requireNonNull(description, "description of " + name);
        domain.require(name + " (default)", defaultValue);
    }

    /** Returns {@code value} if valid, else throws an {@link IllegalArgumentException} naming this hyperparameter. */
    public double require(double value) {
        return domain.require(name, value);
    }

    /** The reparameterization through which a hyper-optimizer learns this hyperparameter. */
    public Reparameterization reparameterization() {
        return domain.reparameterization();
    }

    /** {@code name = default (domain): description}. */
    @Override
    public String toString() {
        return name + " = " + defaultValue + " (" + domain.describe(name) + "): " + description;
    }
}
