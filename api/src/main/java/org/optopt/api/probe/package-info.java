/**
 * Statistic probes: observers of the gradients an optimizer sees, publishing streaming estimates
 * of gradient statistics (second moments, autocorrelations, Kronecker factors, noise scale) from
 * which the greedy design problem ({@code org.optopt.theory}) derives optimizers and hyperparameters.
 * A {@link org.optopt.api.probe.ProbedOptimizer} attaches probes to any optimizer without changing
 * its numbers.
 *
 * <p>Probes whose observation is one elementwise kernel per gradient ({@link org.optopt.api.probe.FusibleProbe})
 * can share a pass over the gradients: several of them in one {@link org.optopt.api.probe.ProbePass},
 * or inside the step kernel of an optimizer that is a {@link org.optopt.api.probe.ProbeFusion}.
 */
package org.optopt.api.probe;
