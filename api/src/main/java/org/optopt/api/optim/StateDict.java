package org.optopt.api.optim;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.optopt.api.tensor.Shape;

/**
 * A host copy of an optimizer's complete state, keyed by stable parameter names, and its
 * versioned on-disk format.
 *
 * <p>Contents: the optimizer's name; the parameters (names and shapes, in order); the step and
 * skipped-step counts; {@code options} (text entries, e.g. structural choices and frozen flags);
 * {@code scalars} (doubles, e.g. {@code hyper/<group>/<name>} hyperparameters, per-parameter step
 * counts and scalar state, schedule positions); and {@code tensors} (float32 state buffers per
 * parameter, e.g. Adam's {@code m} and {@code v}). Key conventions belong to the optimizer that
 * writes them; this class only stores and compares.
 *
 * <p><b>File format, version {@value #VERSION}</b> (big-endian, strings as
 * {@link DataOutputStream#writeUTF modified UTF-8}):
 * <pre>
 * magic "OPTOPTSD" (8 bytes) | int version | UTF optimizer
 * int nParams  { UTF name | int rank | int dims[rank] }
 * long stepCount | long skippedSteps
 * int nOptions { UTF key | UTF value }
 * int nScalars { UTF key | double value }
 * int nTensors { UTF parameter | UTF buffer | int rank | int dims[rank] | float32 data[size] }
 * </pre>
 * Files are written to a temporary file in the same directory and then moved atomically over the
 * target. Reading refuses another magic or version, truncated files and trailing bytes.
 *
 * @param optimizer the name of the optimizer that produced the state
 * @param parameters the parameters' names and shapes, in the optimizer's order
 * @param stepCount steps applied
 * @param skippedSteps steps skipped for non-finite gradients
 * @param options text entries by key
 * @param scalars real entries by key
 * @param tensors state buffers
 */
public record StateDict(String optimizer, List<ParameterShape> parameters, long stepCount, long skippedSteps,
                        Map<String, String> options, Map<String, Double> scalars, List<StateTensor> tensors) {
    /** The current format version. */
    public static final int VERSION = 1;
    private static final byte[] MAGIC = {'O', 'P', 'T', 'O', 'P', 'T', 'S', 'D'};

    /** Copies the collections; every argument is required. */
    public StateDict {
        Objects.requireNonNull(optimizer, "optimizer");
        parameters = List.copyOf(parameters);
        options = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(options));
        scalars = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(scalars));
        tensors = List.copyOf(tensors);
    }

    /**
     * A parameter's name and shape.
     *
     * @param name the parameter name
     * @param shape its shape
     */
    public record ParameterShape(String name, Shape shape) {
        @Override
        public String toString() {
            return name + shape;
        }
    }

    /**
     * One state buffer of one parameter.
     *
     * @param parameter the parameter's name
     * @param buffer the buffer's name within the optimizer, e.g. {@code m}
     * @param shape the buffer's shape
     * @param data the elements, row-major ({@code shape.size()} of them); not copied
     */
    public record StateTensor(String parameter, String buffer, Shape shape, float[] data) {
        /** Validates that the data fit the shape. */
        public StateTensor {
            if (data.length != shape.size()) {
                throw new IllegalArgumentException("State buffer " + parameter + "/" + buffer + ": " + data.length
                        + " values do not fit shape " + shape);
            }
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof StateTensor t && t.parameter.equals(parameter) && t.buffer.equals(buffer)
                    && t.shape.equals(shape) && Arrays.equals(t.data, data);
        }

        @Override
        public int hashCode() {
            return Objects.hash(parameter, buffer, shape, Arrays.hashCode(data));
        }

        @Override
        public String toString() {
            return parameter + "/" + buffer + shape;
        }
    }

    /** The buffer {@code buffer} of parameter {@code parameter}, or null. */
    public StateTensor tensor(String parameter, String buffer) {
        for (StateTensor t : tensors) {
            if (t.parameter.equals(parameter) && t.buffer.equals(buffer)) {
                return t;
            }
        }
        return null;
    }

    /** Writes this state to {@code file} atomically (temporary file, then an atomic move). */
    public void write(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
        try {
            try (OutputStream os = Files.newOutputStream(tmp)) {
                write(os);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Writes this state in the format above to {@code out} (not closed). */
    public void write(OutputStream out) throws IOException {
        DataOutputStream d = new DataOutputStream(new BufferedOutputStream(out));
        d.write(MAGIC);
        d.writeInt(VERSION);
        d.writeUTF(optimizer);
        d.writeInt(parameters.size());
        for (ParameterShape p : parameters) {
            d.writeUTF(p.name());
            writeShape(d, p.shape());
        }
        d.writeLong(stepCount);
        d.writeLong(skippedSteps);
        d.writeInt(options.size());
        for (Map.Entry<String, String> e : options.entrySet()) {
            d.writeUTF(e.getKey());
            d.writeUTF(e.getValue());
        }
        d.writeInt(scalars.size());
        for (Map.Entry<String, Double> e : scalars.entrySet()) {
            d.writeUTF(e.getKey());
            d.writeDouble(e.getValue());
        }
        d.writeInt(tensors.size());
        for (StateTensor t : tensors) {
            d.writeUTF(t.parameter());
            d.writeUTF(t.buffer());
            writeShape(d, t.shape());
            d.write(floatBytes(t.data()));
        }
        d.flush();
    }

    /**
     * Reads a state file.
     *
     * @throws IllegalArgumentException naming the file if it is not a state file, has another
     *     version, is truncated or has trailing bytes
     * @throws IOException if it cannot be read
     */
    public static StateDict read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file.toString());
        }
    }

    /** Reads a state in the format above from {@code in}; {@code source} names it in messages. */
    public static StateDict read(InputStream in, String source) throws IOException {
        DataInputStream d = new DataInputStream(new BufferedInputStream(in));
        try {
            byte[] magic = new byte[MAGIC.length];
            d.readFully(magic);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new IllegalArgumentException(source + " is not an optopt optimizer state file (bad magic)");
            }
            int version = d.readInt();
            if (version != VERSION) {
                throw new IllegalArgumentException(source + " has state format version " + version
                        + "; this build reads version " + VERSION);
            }
            String optimizer = d.readUTF();
            int np = count(d, source, "parameters");
            List<ParameterShape> params = new ArrayList<>(np);
            for (int i = 0; i < np; i++) {
                params.add(new ParameterShape(d.readUTF(), readShape(d, source)));
            }
            long steps = d.readLong();
            long skipped = d.readLong();
            int no = count(d, source, "options");
            Map<String, String> options = new LinkedHashMap<>();
            for (int i = 0; i < no; i++) {
                options.put(d.readUTF(), d.readUTF());
            }
            int ns = count(d, source, "scalars");
            Map<String, Double> scalars = new LinkedHashMap<>();
            for (int i = 0; i < ns; i++) {
                scalars.put(d.readUTF(), d.readDouble());
            }
            int nt = count(d, source, "tensors");
            List<StateTensor> tensors = new ArrayList<>(nt);
            for (int i = 0; i < nt; i++) {
                String parameter = d.readUTF();
                String buffer = d.readUTF();
                Shape shape = readShape(d, source);
                byte[] bytes = new byte[Math.multiplyExact(shape.size(), Float.BYTES)];
                d.readFully(bytes);
                float[] data = new float[shape.size()];
                java.nio.ByteBuffer.wrap(bytes).asFloatBuffer().get(data);
                tensors.add(new StateTensor(parameter, buffer, shape, data));
            }
            if (d.read() != -1) {
                throw new IllegalArgumentException(source + " has trailing bytes after the state");
            }
            return new StateDict(optimizer, params, steps, skipped, options, scalars, tensors);
        } catch (EOFException e) {
            throw new IllegalArgumentException(source + " is truncated (unexpected end of file)", e);
        }
    }

    /** The values as big-endian float32 bytes, as {@link DataOutputStream#writeFloat} writes them one by one. */
    private static byte[] floatBytes(float[] values) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(Math.multiplyExact(values.length, Float.BYTES));
        b.asFloatBuffer().put(values);
        return b.array();
    }

    private static int count(DataInputStream d, String source, String what) throws IOException {
        int n = d.readInt();
        if (n < 0) {
            throw new IllegalArgumentException(source + " is corrupt: negative number of " + what + " (" + n + ")");
        }
        return n;
    }

    private static void writeShape(DataOutputStream d, Shape s) throws IOException {
        d.writeInt(s.rank());
        for (int dim : s.dims()) {
            d.writeInt(dim);
        }
    }

    private static Shape readShape(DataInputStream d, String source) throws IOException {
        int rank = d.readInt();
        if (rank < 0 || rank > 32) {
            throw new IllegalArgumentException(source + " is corrupt: tensor rank " + rank);
        }
        int[] dims = new int[rank];
        for (int i = 0; i < rank; i++) {
            dims[i] = d.readInt();
        }
        return Shape.of(dims);
    }
}
