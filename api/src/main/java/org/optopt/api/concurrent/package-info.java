/**
 * Threads shared by the layers that split work: the data-parallel shards of a training step and
 * the chunks of a backend's kernels over large tensors run on the same persistent workers
 * ({@link org.optopt.api.concurrent.WorkerTeam}), so that a step's parts hand over to a worker
 * that is still spinning instead of waking a parked one.
 */
package org.optopt.api.concurrent;
