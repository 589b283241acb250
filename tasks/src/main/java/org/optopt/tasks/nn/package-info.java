/**
 * Layers and models built on {@link org.optopt.tasks.autodiff}: parameters with gradient buffers
 * ({@link org.optopt.tasks.nn.ParameterStore}), seeded initializations ({@link org.optopt.tasks.nn.Init}),
 * {@link org.optopt.tasks.nn.Linear}, {@link org.optopt.tasks.nn.Mlp}, {@link org.optopt.tasks.nn.Conv2d},
 * DeepOBS's {@link org.optopt.tasks.nn.ConvNet2c2d}, {@link org.optopt.tasks.nn.Lstm} and the
 * {@link org.optopt.tasks.nn.CharLstm} language model.
 */
package org.optopt.tasks.nn;
