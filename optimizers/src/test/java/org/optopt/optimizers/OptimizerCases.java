package org.optopt.optimizers;

import java.util.List;
import java.util.Map;
import org.optopt.api.optim.Capabilities;

/**
 * The one table that drives the optimizer tests (torch.optim's test style): per registered
 * optimizer, configurations that must be accepted (the first one converges on a parabola),
 * configurations that must be refused with an exception type and message pattern.
 */
public final class OptimizerCases {
    private OptimizerCases() {}

    /** A configuration that must be refused. */
    public record ErrorCase(Map<String, Object> config, Class<? extends Exception> type, String messagePattern) {}

    /**
     * One row.
     *
     * @param name the registered name
     * @param capabilities what the optimizer declares it can do ({@link OptimizerDefinition#capabilities()})
     * @param valid accepted configurations; the first converges: the loss of a random parabola
     *     falls below {@code convergeBelow} times its initial value within {@value #CONVERGE_STEPS} steps
     * @param convergeBelow the required fraction of the initial loss
     * @param errors refused configurations
     */
    public record Case(String name, Capabilities capabilities, List<Map<String, Object>> valid, double convergeBelow,
                       List<ErrorCase> errors) {}

    /** Neither elementwise, nor matrix, nor a tower level, nor averaged. */
    private static final Capabilities NONE = Capabilities.NONE;
    /** A matrix optimizer that is no tower level. */
    private static final Capabilities MATRIX = Capabilities.matrixOnly();
    /** The differentiable hyperparameters of Adam and its relatives. */
    private static final String ADAM_LEVEL = "lr, beta1, beta2, eps, weight_decay";

    /** An elementwise tower level, differentiable in {@code differentiable} (comma-separated). */
    private static Capabilities level(String differentiable) {
        return new Capabilities(true, false, true, List.of(differentiable.split(", ")), false);
    }

    /** An elementwise tower level with an averaged evaluation view. */
    private static Capabilities averagedLevel(String differentiable) {
        return new Capabilities(true, false, true, List.of(differentiable.split(", ")), true);
    }

    /** Steps of the convergence check. */
    public static final int CONVERGE_STEPS = 200;

    private static ErrorCase error(Map<String, Object> config, String pattern) {
        return new ErrorCase(config, IllegalArgumentException.class, pattern);
    }

    private static final List<ErrorCase> COMMON_ERRORS = List.of(
            error(Map.of("lr", -0.1), "lr = -0\\.1.*lr >= 0"),
            error(Map.of("no_such_hyperparameter", 1.0), "Unknown hyperparameter 'no_such_hyperparameter' = 1\\.0"),
            error(Map.of("lr", "fast"), "lr .*needs a number"));

    private static List<ErrorCase> errors(ErrorCase... specific) {
        List<ErrorCase> all = new java.util.ArrayList<>(COMMON_ERRORS);
        all.addAll(List.of(specific));
        return all;
    }

    private static final List<ErrorCase> BETA_EPS_ERRORS = List.of(
            error(Map.of("beta1", 1.0), "beta1 = 1\\.0.*0 <= beta1 < 1"),
            error(Map.of("beta2", -0.5), "beta2 = -0\\.5.*0 <= beta2 < 1"),
            error(Map.of("eps", 0.0), "eps = 0\\.0.*eps > 0"));

    private static List<ErrorCase> adamLike(ErrorCase... specific) {
        List<ErrorCase> all = new java.util.ArrayList<>(errors(specific));
        all.addAll(BETA_EPS_ERRORS);
        return all;
    }

    /** Every row. */
    public static final List<Case> CASES = List.of(
            new Case("sgd", level("lr, momentum, dampening, weight_decay"), List.of(Map.of("lr", 0.1), Map.of("lr", 0.05, "momentum", 0.9),
                    Map.of("lr", 0.05, "momentum", 0.9, "nesterov", true, "weight_decay", 0.01),
                    Map.of("lr", 0.05, "momentum", 0.5, "dampening", 0.5)), 1e-3,
                    errors(error(Map.of("momentum", -0.9), "momentum = -0\\.9.*momentum >= 0"),
                            error(Map.of("nesterov", true), "Nesterov momentum requires momentum > 0.*momentum = 0\\.0"),
                            error(Map.of("nesterov", true, "momentum", 0.9, "dampening", 0.1), "Nesterov.*dampening = 0\\.1"),
                            error(Map.of("nesterov", "maybe"), "nesterov = maybe.*one of \\[false, true\\]"))),
            new Case("adagrad", level("lr, lr_decay, weight_decay, eps"), List.of(Map.of("lr", 0.5), Map.of("lr_decay", 0.01, "initial_accumulator_value", 0.1)),
                    1e-2, errors(error(Map.of("eps", -1e-10), "eps = -1\\.0E-10.*eps > 0"),
                            error(Map.of("lr_decay", -1.0), "lr_decay = -1\\.0"))),
            new Case("rmsprop", level("lr, alpha, eps, weight_decay, momentum"), List.of(Map.of("lr", 0.01), Map.of("centered", true, "momentum", 0.9),
                    Map.of("alpha", 0.9, "weight_decay", 0.1)), 1e-2,
                    errors(error(Map.of("alpha", 1.0), "alpha = 1\\.0.*0 <= alpha < 1"),
                            error(Map.of("momentum", -0.1), "momentum = -0\\.1.*momentum >= 0"))),
            new Case("adam", level(ADAM_LEVEL), List.of(Map.of("lr", 0.05), Map.of("amsgrad", true), Map.of("beta1", 0.0, "weight_decay", 0.1)),
                    1e-2, adamLike(error(Map.of("amsgrad", 1.0), "Option amsgrad of optimizer adam needs a boolean or a string, got 1\\.0"))),
            new Case("adamw", level(ADAM_LEVEL), List.of(Map.of("lr", 0.05), Map.of("amsgrad", true, "weight_decay", 0.0)), 1e-2, adamLike()),
            new Case("adamax", level(ADAM_LEVEL), List.of(Map.of("lr", 0.05), Map.of("weight_decay", 0.01)), 1e-2, adamLike()),
            new Case("nadam", level(ADAM_LEVEL + ", momentum_decay"), List.of(Map.of("lr", 0.05), Map.of("momentum_decay", 0.0, "torch113", true)), 1e-2,
                    adamLike(error(Map.of("momentum_decay", -4e-3), "momentum_decay = -0\\.004"))),
            new Case("radam", level(ADAM_LEVEL), List.of(Map.of("lr", 0.05), Map.of("weight_decay", 0.1)), 1e-2, adamLike()),
            new Case("adadelta", level("lr, rho, eps, weight_decay"), List.of(Map.of("lr", 20.0), Map.of("rho", 0.5, "eps", 1e-3)), 0.5,
                    errors(error(Map.of("rho", 1.5), "rho = 1\\.5.*0 <= rho < 1"),
                            error(Map.of("eps", 0.0), "eps = 0\\.0.*eps > 0"))),
            new Case("lion", level("lr, beta1, beta2, weight_decay"), List.of(Map.of("lr", 0.03), Map.of("weight_decay", 0.1)), 0.05,
                    errors(error(Map.of("beta1", 1.0), "beta1 = 1\\.0.*0 <= beta1 < 1"))),
            new Case("roaree", level("lr, beta1, beta2, weight_decay, kappa"), List.of(Map.of("lr", 0.03), Map.of("surrogate", "atan", "kappa", 10.0),
                    Map.of("surrogate", "norm"), Map.of("surrogate", "erf"), Map.of("surrogate", "softsign"),
                    Map.of("surrogate", "sigmoid")), 0.05,
                    errors(error(Map.of("kappa", 0.0), "kappa = 0\\.0.*kappa > 0"),
                            error(Map.of("surrogate", "sigmoidal"), "surrogate = sigmoidal.*one of"))),
            new Case("shampoo", Capabilities.matrixLevel(List.of("lr")), List.of(Map.of("lr", 0.5), Map.of("grafting", "sgd", "momentum", 0.9, "update_every", 3),
                    Map.of("grafting", "adagrad", "weight_decay", 0.01, "lr", 0.5)), 1e-2,
                    errors(error(Map.of("eps", 0.0), "eps = 0\\.0.*eps > 0"),
                            error(Map.of("update_every", 1.5), "update_every = 1\\.5.*update_every integer >= 1"),
                            error(Map.of("update_every", 0), "update_every = 0\\.0"),
                            error(Map.of("grafting", "lion"), "grafting = lion.*one of \\[none, sgd, adagrad\\]"))),
            new Case("gap-sgdm", NONE, List.of(Map.of("lr", 0.05), Map.of("momenta", List.of(0.0, 0.9), "mode", "switch-per-tensor",
                    "j_ema", 0.5, "weight_decay", 0.01), Map.of("momenta", 0.9)), 1e-3, gapErrors("momenta")),
            new Case("gap-adam", NONE, List.of(Map.of("lr", 0.05), Map.of("beta1s", List.of(0.0, 0.8, 0.95), "mode", "switch-per-tensor",
                    "j_ema", 0.9, "weight_decay", 0.1)), 1e-2, gapErrors("beta1s")),
            new Case("muon", MATRIX, List.of(Map.of("lr", 0.05, "adam_lr", 0.05), Map.of("nesterov", false, "weight_decay", 0.1),
                    Map.of("ns_steps", 0, "momentum", 0.0)), 0.05,
                    errors(error(Map.of("momentum", 1.0), "momentum = 1\\.0.*0 <= momentum < 1"),
                            error(Map.of("ns_steps", 2.5), "ns_steps = 2\\.5.*ns_steps integer >= 0"),
                            error(Map.of("adam_eps", 0.0), "adam_eps = 0\\.0.*adam_eps > 0"),
                            error(Map.of("adam_beta2", 1.0), "adam_beta2 = 1\\.0"),
                            error(Map.of("nesterov", "maybe"), "nesterov = maybe.*one of \\[false, true\\]"))),
            new Case("schedule-free-adamw", averagedLevel(ADAM_LEVEL + ", warmup_steps, r, weight_lr_power"), List.of(Map.of("lr", 0.05), Map.of("warmup_steps", 3, "r", 1.0,
                    "weight_lr_power", 0.0, "weight_decay", 0.1)), 1e-2,
                    adamLike(error(Map.of("warmup_steps", 2.5), "warmup_steps = 2\\.5.*warmup_steps integer >= 0"),
                            error(Map.of("r", -1.0), "r = -1\\.0.*r >= 0"),
                            error(Map.of("weight_lr_power", -2.0), "weight_lr_power = -2\\.0"))),
            new Case("schedule-free-sgd", averagedLevel("lr, momentum, weight_decay, warmup_steps, r, weight_lr_power"), List.of(Map.of("lr", 0.3), Map.of("momentum", 0.5, "weight_decay", 0.01,
                    "warmup_steps", 5)), 1e-2,
                    errors(error(Map.of("momentum", 0.0), "momentum = 0\\.0.*0 < momentum < 1"),
                            error(Map.of("momentum", 1.0), "momentum = 1\\.0"),
                            error(Map.of("warmup_steps", -1.0), "warmup_steps = -1\\.0"))),
            new Case("lamb", NONE, List.of(Map.of("lr", 0.05, "weight_decay", 0.0), Map.of("weight_decay", 0.1, "eps", 1e-3)), 1e-2,
                    adamLike(error(Map.of("weight_decay", -0.01), "weight_decay = -0\\.01.*weight_decay >= 0"))),
            new Case("adafactor", NONE, List.of(Map.of("lr", 0.5), Map.of("beta2_decay", -0.5, "d", 2.0, "weight_decay", 0.01),
                    Map.of("eps1", 0.0, "eps2", 0.0)), 1e-2,
                    errors(error(Map.of("beta2_decay", 0.5), "beta2_decay = 0\\.5.*beta2_decay <= 0"),
                            error(Map.of("d", 0.5), "d = 0\\.5.*d >= 1"),
                            error(Map.of("eps2", -1e-3), "eps2 = -0\\.001.*eps2 >= 0"))),
            new Case("prodigy", NONE, List.of(Map.of(), Map.of("decouple", false, "weight_decay", 0.01, "use_bias_correction", true),
                    Map.of("safeguard_warmup", true, "growth_rate", 1.02, "beta3", 0.9, "d_coef", 0.5)), 1e-2,
                    List.of(error(Map.of("lr", 0.0), "lr = 0\\.0.*lr > 0"),
                            error(Map.of("no_such_hyperparameter", 1.0), "Unknown hyperparameter 'no_such_hyperparameter'"),
                            error(Map.of("d0", 0.0), "d0 = 0\\.0.*d0 > 0"),
                            error(Map.of("growth_rate", 0.5), "growth_rate = 0\\.5.*growth_rate >= 1"),
                            error(Map.of("beta3", 1.0), "beta3 = 1\\.0"),
                            error(Map.of("decouple", "sometimes"), "decouple = sometimes.*one of \\[false, true\\]"))),
            new Case("saferate", NONE, List.of(Map.of(), Map.of("lr", 1e-3)), 1e-2,
                    List.of(error(Map.of("lr", 0.0), "lr = 0\\.0.*lr > 0"),
                            error(Map.of("lr", -0.1), "lr = -0\\.1.*lr > 0"),
                            error(Map.of("no_such_hyperparameter", 1.0), "Unknown hyperparameter 'no_such_hyperparameter'"),
                            error(Map.of("lr", "fast"), "lr .*needs a number"))),
            new Case("to-diag", level("lr, gamma_a, gamma_b, tau"), List.of(Map.of("lr", 0.3), Map.of("gamma_a", 0.0, "tau", 10.0),
                    Map.of("normalized", true, "gamma_b", 0.5)), 1e-2, trainableErrors()),
            new Case("to-rank1", level("lr, gamma_a, gamma_b, tau"), List.of(Map.of("lr", 0.3, "gamma_a", 1e-3),
                    Map.of("normalized", true, "tau", 5.0, "init", 0.1), Map.of("lr", 0.3, "normalized", true)), 1e-2,
                    trainableErrors(error(Map.of("init", 0.0), "init = 0\\.0.*init > 0"))),
            new Case("to-full", NONE, List.of(Map.of("lr", 0.3), Map.of("normalized", true, "tau", 5.0, "max_elements", 64)),
                    1e-2, trainableErrors(error(Map.of("max_elements", 0), "max_elements = 0\\.0.*integer >= 1"))),
            new Case("greedy", NONE, List.of(Map.of("lr", 0.05, "redesign_every", 10),
                    Map.of("lr", 0.05, "redesign_every", 10, "budget", "metric"),
                    Map.of("lr", 0.05, "redesign_every", 10, "budget", "kronecker"),
                    Map.of("lr", 0.05, "redesign_every", 10, "budget", "metric", "step_size", "curvature")), 0.5, List.of(
                            error(Map.of("lr", 0.0), "lr = 0\\.0.*lr > 0"),
                            error(Map.of("step_size", "curvature"), "step_size = curvature needs budget = metric"),
                            error(Map.of("redesign_every", 0), "redesign_every = 0\\.0.*integer >= 1"),
                            error(Map.of("budget", "spectral"), "budget = spectral.*one of \\[update-rms"))),
            new Case("adagrad-full", MATRIX, List.of(Map.of("lr", 0.5), Map.of("lr", 0.5, "eps", 1e-6, "update_every", 3)), 1e-2,
                    errors(error(Map.of("max_elements", 2), "max_elements = 2"),
                            error(Map.of("eps", -1.0), "eps = -1\\.0.*eps >= 0"))),
            new Case("kfac", MATRIX, List.of(Map.of("lr", 0.03, "damping", 1.0), Map.of("lr", 0.05, "momentum", 0.5, "update_every", 3, "max_side", 4)),
                    1e-2, errors(error(Map.of("damping", 0.0), "damping = 0\\.0.*damping > 0"),
                            error(Map.of("beta", 1.0), "beta = 1\\.0"))));

    /** The Trainable Optimizer's refusals: zero or negative step sizes, a negative decay, a bad option. */
    private static List<ErrorCase> trainableErrors(ErrorCase... specific) {
        List<ErrorCase> all = new java.util.ArrayList<>(List.of(
                error(Map.of("lr", 0.0), "lr = 0\\.0.*lr > 0"),
                error(Map.of("gamma_a", -0.1), "gamma_a = -0\\.1.*gamma_a >= 0"),
                error(Map.of("gamma_b", 0.0), "gamma_b = 0\\.0.*gamma_b > 0"),
                error(Map.of("tau", -1.0), "tau = -1\\.0.*tau >= 0"),
                error(Map.of("normalized", "maybe"), "normalized = maybe.*one of \\[false, true\\]"),
                error(Map.of("no_such_hyperparameter", 1.0), "Unknown hyperparameter 'no_such_hyperparameter' = 1\\.0")));
        all.addAll(List.of(specific));
        return all;
    }

    /** The refusals of both GAP optimizers, whose candidate list is called {@code list}. */
    private static List<ErrorCase> gapErrors(String list) {
        return errors(error(Map.of(list, List.of()), "Invalid " + list + " = \\[\\]: needs at least one candidate"),
                error(Map.of(list, List.of(0.9, 0.5)), "Invalid " + list + " = \\[0\\.9,0\\.5\\].*strictly ascending"),
                error(Map.of(list, List.of(0.5, 0.5)), "Invalid " + list + " = \\[0\\.5,0\\.5\\].*0\\.5 is repeated"),
                error(Map.of(list, List.of(0.5, 1.0)), "candidate 1\\.0 must satisfy 0 <= candidate < 1"),
                error(Map.of(list, List.of(-0.5)), "candidate -0\\.5 must satisfy 0 <= candidate < 1"),
                error(Map.of(list, List.of(0.5, "x")), list + " of optimizer gap-.* needs a list of numbers"),
                error(Map.of("j_ema", 1.0), "j_ema = 1\\.0.*0 <= j_ema < 1"),
                error(Map.of("mode", "greedy"), "mode = greedy.*one of \\[switch, switch-per-tensor\\]"));
    }

    /** The row of optimizer {@code name}. */
    public static Case of(String name) {
        return CASES.stream().filter(c -> c.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("No test row for optimizer " + name));
    }
}
