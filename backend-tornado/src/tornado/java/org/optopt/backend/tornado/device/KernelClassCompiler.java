package org.optopt.backend.tornado.device;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.OutputStream;
import java.io.StringWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.FileObject;
import javax.tools.ForwardingJavaFileManager;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileManager;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.optopt.api.kernel.KernelMath;
import uk.ac.manchester.tornado.api.annotations.Parallel;

/**
 * Compiles a generated task class with the JDK's compiler, in memory, with debug information
 * ({@code -g}: TornadoVM reads the {@code @Parallel} annotation of the loop variable from the local
 * variable tables), and loads it in a class loader of its own.
 *
 * <p>TornadoVM reads those annotations from the class file, which it asks the <em>system</em> class
 * loader for, so the class file (its native methods filled by {@link DeviceMethods}) is also written (atomically) into the kernel folder, a folder on
 * the JVM's class path ({@link TornadoDeviceFactory#kernelFolder()}); class names carry a hash of
 * their source, so a file left by an earlier run holds the same class.
 *
 * <p>Why Java source rather than bytecode written directly (as the nd4j backend does): TornadoVM
 * needs exactly what javac emits for an annotated local variable, and a compiler error in
 * generated source names the line, which makes a kernel that TornadoVM cannot take easy to read.
 */
final class KernelClassCompiler {
    private KernelClassCompiler() {}

    /**
     * The generated class, compiled, written to {@code kernelFolder} and loaded.
     *
     * @throws IllegalStateException if the JDK has no compiler, the source does not compile or the
     *     class file cannot be written
     */
    static Class<?> compile(KernelSource.Generated generated, Path kernelFolder) {
        String simpleName = generated.simpleName();
        String source = generated.source();
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) {
            throw new IllegalStateException("Backend 'tornado' needs a JDK with javac (java.compiler) to build kernels");
        }
        String binaryName = KernelSource.PACKAGE + "." + simpleName;
        Map<String, ByteArrayOutputStream> classes = new HashMap<>();
        StringWriter diagnostics = new StringWriter();
        try (StandardJavaFileManager standard = javac.getStandardFileManager(null, null, null);
                JavaFileManager files = new InMemory(standard, classes)) {
            JavaFileObject unit = new SimpleJavaFileObject(
                    URI.create("string:///" + binaryName.replace('.', '/') + ".java"), JavaFileObject.Kind.SOURCE) {
                @Override
                public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                    return source;
                }
            };
            List<String> options = List.of("-g", "-proc:none", "--release", "25", "-classpath", classPath());
            if (!javac.getTask(diagnostics, files, null, options, null, List.of(unit)).call()) {
                throw new IllegalStateException("generated kernel " + simpleName + " does not compile: "
                        + diagnostics.toString().lines().findFirst().orElse("") + "\n" + source);
            }
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot compile generated kernel " + simpleName + ": " + e, e);
        }
        byte[] bytes = DeviceMethods.fill(classes.get(binaryName).toByteArray());
        write(kernelFolder, binaryName, bytes);
        return new Loader(KernelClassCompiler.class.getClassLoader(), binaryName, bytes).load();
    }

    private static void write(Path folder, String binaryName, byte[] bytes) {
        Path file = folder.resolve(binaryName.replace('.', '/') + ".class");
        try {
            Files.createDirectories(file.getParent());
            Path tmp = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp");
            Files.write(tmp, bytes);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("Backend 'tornado': cannot write kernel class " + file + ": " + e, e);
        }
    }

    /** The jars or folders of optopt's kernel math and TornadoVM's API, wherever the JVM found them. */
    private static String classPath() {
        return Stream.of(KernelMath.class, Parallel.class)
                .map(KernelClassCompiler::location)
                .collect(Collectors.joining(File.pathSeparator));
    }

    private static String location(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException | RuntimeException e) {
            throw new IllegalStateException("cannot locate the classes of " + type.getName() + ": " + e, e);
        }
    }

    /** Keeps javac's class output in memory. */
    private static final class InMemory extends ForwardingJavaFileManager<StandardJavaFileManager> {
        private final Map<String, ByteArrayOutputStream> classes;

        InMemory(StandardJavaFileManager files, Map<String, ByteArrayOutputStream> classes) {
            super(files);
            this.classes = classes;
        }

        @Override
        public JavaFileObject getJavaFileForOutput(Location location, String className, JavaFileObject.Kind kind,
                FileObject sibling) {
            return new SimpleJavaFileObject(URI.create("mem:///" + className.replace('.', '/') + kind.extension),
                    kind) {
                @Override
                public OutputStream openOutputStream() {
                    return classes.computeIfAbsent(className, k -> new ByteArrayOutputStream());
                }
            };
        }
    }

    /** Defines the compiled class (in its unnamed module, which TornadoVM may reflect on). */
    private static final class Loader extends ClassLoader {
        private final String name;
        private final byte[] bytes;

        Loader(ClassLoader parent, String name, byte[] bytes) {
            super(parent);
            this.name = name;
            this.bytes = bytes;
        }

        Class<?> load() {
            try {
                return loadClass(name);
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException("generated kernel class " + name + " was not produced", e);
            }
        }

        @Override
        protected Class<?> findClass(String wanted) throws ClassNotFoundException {
            if (!wanted.equals(name)) {
                throw new ClassNotFoundException(wanted);
            }
            return defineClass(name, bytes, 0, bytes.length);
        }
    }
}
