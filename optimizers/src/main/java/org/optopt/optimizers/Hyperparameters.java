package org.optopt.optimizers;

import org.optopt.api.optim.Domain;
import org.optopt.api.optim.Hyperparameter;

/** Definitions of the hyperparameters that many optimizers share; each optimizer passes its default. */
public final class Hyperparameters {
    private Hyperparameters() {}

    /** {@code lr >= 0}: the learning rate. */
    public static Hyperparameter lr(double defaultValue) {
        return new Hyperparameter("lr", defaultValue, Domain.atLeast(0), "learning rate");
    }

    /** {@code 0 <= beta1 < 1}: decay of the first-moment average. */
    public static Hyperparameter beta1(double defaultValue) {
        return new Hyperparameter("beta1", defaultValue, Domain.closedOpen(0, 1), "decay of the first moment (torch betas[0])");
    }

    /** {@code 0 <= beta2 < 1}: decay of the second-moment average. */
    public static Hyperparameter beta2(double defaultValue) {
        return new Hyperparameter("beta2", defaultValue, Domain.closedOpen(0, 1), "decay of the second moment (torch betas[1])");
    }

    /** {@code eps > 0}: added for numerical stability. */
    public static Hyperparameter eps(double defaultValue) {
        return new Hyperparameter("eps", defaultValue, Domain.greaterThan(0), "term added to the denominator");
    }

    /** {@code weight_decay >= 0}. */
    public static Hyperparameter weightDecay(double defaultValue, String how) {
        return new Hyperparameter("weight_decay", defaultValue, Domain.atLeast(0), how);
    }

    /** {@code momentum >= 0}. */
    public static Hyperparameter momentum(double defaultValue, String description) {
        return new Hyperparameter("momentum", defaultValue, Domain.atLeast(0), description);
    }
}
