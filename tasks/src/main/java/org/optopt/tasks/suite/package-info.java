/**
 * The benchmark suite: {@link org.optopt.tasks.suite.Task}s listed by the
 * {@link org.optopt.tasks.suite.TaskRegistry}, each instantiated as a
 * {@link org.optopt.tasks.suite.TrainingProblem} (parameters with gradients, seeded mini-batches,
 * loss and evaluation) over data from a {@link org.optopt.tasks.suite.DataSource}
 * ({@link org.optopt.tasks.suite.ResolverDataSource} reads the data layer).
 */
package org.optopt.tasks.suite;
