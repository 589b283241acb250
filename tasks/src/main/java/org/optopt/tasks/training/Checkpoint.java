package org.optopt.tasks.training;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.optopt.api.optim.StateDict;
import org.optopt.api.tensor.Shape;

/**
 * A training run's state at the end of a step, complete enough to continue bit-identically: the
 * step, the training time and target bookkeeping, the lengths of the run's logs at that step, every
 * parameter's values and the optimizer's {@link StateDict} (state buffers, step counts,
 * hyperparameters, schedule positions, every level of a hypergradient tower). The data order and
 * the random stream of mini-batches are not stored: they are a pure function of the seed and the
 * number of batches drawn, so a resumed run replays that many draws (cheap: no forward or backward
 * pass), which restores them exactly without the tasks exposing their generators.
 *
 * <p><b>File format, version {@value #VERSION}</b> (big-endian): magic {@code OPTOPTCK}, int
 * version, long step, double training nanoseconds, long steps to target (-1: not yet), double
 * seconds to target, long steps-log length, long evaluations-log length, int threads, int parameter count, then
 * per parameter its UTF name, rank, dims and float32 values, then int length and the optimizer state
 * in {@link StateDict}'s format; the file ends with the SHA-256 of everything before it. A file whose
 * digest does not match is refused as corrupt before anything is loaded. Files are written to a
 * temporary sibling and moved atomically over the previous checkpoint, so a killed process leaves
 * the previous or the new checkpoint, never a mix. Version 1 files, which have no thread count, are
 * read as runs on one thread (the only kind there was). They are not forced to disk: that guards against
 * power loss, not against a killed process, and costs more than the rest of a checkpoint.
 *
 * @param step the last completed step
 * @param trainingNanos training time up to it (evaluations excluded)
 * @param stepsToTarget the step the target was first reached at, or -1
 * @param secondsToTarget the training seconds then, NaN if not reached
 * @param stepsLogLength bytes of {@code steps.csv} at this step
 * @param evalsLogLength bytes of {@code evals.csv} at this step
 * @param threads the threads of the run's steps ({@link RunOptions#threads()}), on which its
 *     trajectory depends
 * @param parameters the parameters' values
 * @param optimizer the optimizer's state
 */
public record Checkpoint(long step, double trainingNanos, long stepsToTarget, double secondsToTarget,
        long stepsLogLength, long evalsLogLength, int threads, List<ParameterValues> parameters,
        StateDict optimizer) {
    /** The format version. */
    public static final int VERSION = 2;
    /** The version before thread counts. */
    private static final int VERSION_WITHOUT_THREADS = 1;
    private static final byte[] MAGIC = {'O', 'P', 'T', 'O', 'P', 'T', 'C', 'K'};
    private static final int DIGEST_BYTES = 32;

    /** Copies the list. */
    public Checkpoint {
        parameters = List.copyOf(parameters);
    }

    /**
     * One parameter's values.
     *
     * @param name the parameter's name
     * @param shape its shape
     * @param data its values, row-major
     */
    public record ParameterValues(String name, Shape shape, float[] data) {
        @Override
        public boolean equals(Object o) {
            return o instanceof ParameterValues p && p.name.equals(name) && p.shape.equals(shape)
                    && Arrays.equals(p.data, data);
        }

        @Override
        public int hashCode() {
            return name.hashCode() * 31 + Arrays.hashCode(data);
        }

        @Override
        public String toString() {
            return name + shape;
        }
    }

    /** Writes this checkpoint to {@code file} atomically. */
    public void write(Path file) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(bytes);
        d.write(MAGIC);
        d.writeInt(VERSION);
        d.writeLong(step);
        d.writeDouble(trainingNanos);
        d.writeLong(stepsToTarget);
        d.writeDouble(secondsToTarget);
        d.writeLong(stepsLogLength);
        d.writeLong(evalsLogLength);
        d.writeInt(threads);
        d.writeInt(parameters.size());
        for (ParameterValues p : parameters) {
            d.writeUTF(p.name());
            d.writeInt(p.shape().rank());
            for (int dim : p.shape().dims()) {
                d.writeInt(dim);
            }
            java.nio.ByteBuffer values = java.nio.ByteBuffer.allocate(Math.multiplyExact(p.data().length, Float.BYTES));
            values.asFloatBuffer().put(p.data());
            d.write(values.array());
        }
        ByteArrayOutputStream state = new ByteArrayOutputStream();
        optimizer.write(state);
        d.writeInt(state.size());
        state.writeTo(d);
        d.flush();
        byte[] body = bytes.toByteArray();
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel c = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            c.write(java.nio.ByteBuffer.wrap(body));
            c.write(java.nio.ByteBuffer.wrap(sha256(body, body.length)));
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * Reads a checkpoint.
     *
     * @throws IllegalArgumentException naming the file if it is not a checkpoint, has another
     *     version, or its checksum does not match (a corrupt or truncated file)
     */
    public static Checkpoint read(Path file) throws IOException {
        byte[] all = Files.readAllBytes(file);
        if (all.length < MAGIC.length + DIGEST_BYTES
                || !Arrays.equals(Arrays.copyOf(all, MAGIC.length), MAGIC)) {
            throw new IllegalArgumentException(file + " is not an optopt checkpoint");
        }
        int bodyLength = all.length - DIGEST_BYTES;
        if (!Arrays.equals(sha256(all, bodyLength), Arrays.copyOfRange(all, bodyLength, all.length))) {
            throw new IllegalArgumentException("Checkpoint " + file + " is corrupt (checksum mismatch); refusing to load it");
        }
        DataInputStream d = new DataInputStream(new ByteArrayInputStream(all, 0, bodyLength));
        d.skipNBytes(MAGIC.length);
        int version = d.readInt();
        if (version != VERSION && version != VERSION_WITHOUT_THREADS) {
            throw new IllegalArgumentException(file + " has checkpoint version " + version + "; this build reads "
                    + VERSION_WITHOUT_THREADS + " and " + VERSION);
        }
        long step = d.readLong();
        double nanos = d.readDouble();
        long stepsToTarget = d.readLong();
        double secondsToTarget = d.readDouble();
        long stepsLog = d.readLong();
        long evalsLog = d.readLong();
        int threads = version == VERSION_WITHOUT_THREADS ? 1 : d.readInt();
        int n = d.readInt();
        List<ParameterValues> params = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String name = d.readUTF();
            int[] dims = new int[d.readInt()];
            for (int k = 0; k < dims.length; k++) {
                dims[k] = d.readInt();
            }
            Shape shape = Shape.of(dims);
            byte[] bytes = new byte[Math.multiplyExact(shape.size(), Float.BYTES)];
            d.readFully(bytes);
            float[] data = new float[shape.size()];
            java.nio.ByteBuffer.wrap(bytes).asFloatBuffer().get(data);
            params.add(new ParameterValues(name, shape, data));
        }
        byte[] state = new byte[d.readInt()];
        d.readFully(state);
        return new Checkpoint(step, nanos, stepsToTarget, secondsToTarget, stepsLog, evalsLog, threads, params,
                StateDict.read(new ByteArrayInputStream(state), file + " (optimizer state)"));
    }

    private static byte[] sha256(byte[] data, int length) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(data, 0, length);
            return md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}
