/**
 * Statistic probes: observers of the gradients an optimizer sees, publishing streaming estimates
 * of gradient statistics (second moments, autocorrelations, Kronecker factors, noise scale) from
 * which the greedy design problem ({@code org.optopt.theory}) derives optimizers and hyperparameters.
 * A {@link org.optopt.api.probe.ProbedOptimizer} attaches probes to any optimizer without changing
 * its numbers.
 */
package org.optopt.api.probe;
