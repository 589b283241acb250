/**
 * The optional benchmark SPI: peers from backends' native libraries that benchmarks compare
 * optopt's kernels with ({@link org.optopt.api.bench.IncumbentProvider}).
 */
package org.optopt.api.bench;
