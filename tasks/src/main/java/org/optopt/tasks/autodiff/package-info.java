/**
 * A small reverse-mode automatic differentiation over {@link org.optopt.api.backend.Backend}
 * primitives. A {@link org.optopt.tasks.autodiff.Tape} records operations on
 * {@link org.optopt.tasks.autodiff.Var}s; operations are grouped by kind:
 * {@link org.optopt.tasks.autodiff.Elementwise} (fused kernels, broadcasting),
 * {@link org.optopt.tasks.autodiff.Linalg} (gemm with folded transposes),
 * {@link org.optopt.tasks.autodiff.Sums}, {@link org.optopt.tasks.autodiff.Shapes} (reshape, gather),
 * {@link org.optopt.tasks.autodiff.Losses} (softmax, NLL) and {@link org.optopt.tasks.autodiff.Conv}
 * (im2col convolution and max-pooling on NHWC matrices; Winograd convolution in
 * {@link org.optopt.tasks.autodiff.Winograd}). Every gradient is checked against finite
 * differences in the tests.
 */
package org.optopt.tasks.autodiff;
