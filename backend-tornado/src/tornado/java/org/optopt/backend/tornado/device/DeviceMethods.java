package org.optopt.backend.tornado.device;

import java.io.IOException;
import java.io.InputStream;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.CodeElement;
import java.lang.classfile.MethodModel;
import java.lang.classfile.Instruction;
import java.lang.classfile.Opcode;
import java.lang.classfile.instruction.BranchInstruction;
import java.lang.classfile.instruction.FieldInstruction;
import java.lang.classfile.instruction.InvokeInstruction;
import java.lang.constant.ClassDesc;
import java.lang.reflect.AccessFlag;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.optopt.api.kernel.KernelMath;
import org.optopt.backend.tornado.PortableMath;

/**
 * Gives the native methods a generated kernel class declares ({@link KernelSource}) the bytecode of
 * host methods, so that TornadoVM compiles them (to the host's bits but for {@code log1p}):
 * {@code tanh}, {@code erf}, {@code softplus} and their helpers are {@link KernelMath}'s own code,
 * {@code fma}, {@code copySign}, {@code max}, {@code min}, {@code signum} and {@code log1p} are
 * {@link PortableMath}'s; and in every copied body, a call of a
 * {@code Math} or {@code KernelMath} method that the class has its own copy of is redirected to that
 * copy (but for a body's call of the method it replaces: {@code PortableMath.pow} calls the device's
 * {@code Math.pow}). Copying the bytecode (JDK ClassFile API) rather than writing formulas again keeps one
 * definition of each function: the approximations' coefficients are constants in
 * {@code KernelMath}'s code.
 */
final class DeviceMethods {
    private static final ClassDesc MATH = ClassDesc.of("java.lang.Math");
    private static final ClassDesc KERNEL_MATH = ClassDesc.of(KernelMath.class.getName());

    /** A body: its source method, its Java declaration, and the other copies its code calls. */
    private record Body(String method, Class<?> owner, String declaration, List<String> calls) {
        /** The name of the copy in the kernel class (distinct from every other copy's: TornadoVM's sketcher deadlocks on overloads). */
        String copy() {
            return declaration.substring(declaration.indexOf(' ') + 1, declaration.indexOf('('));
        }

        String name() {
            return method.substring(0, method.indexOf('('));
        }

        String descriptor() {
            return method.substring(method.indexOf('('));
        }
    }

    /** The bodies, by method name and descriptor. */
    private static final Map<String, Body> BODIES = Map.ofEntries(
            body("tanh(F)F", KernelMath.class, "float tanh(float x)", "fma(FFF)F", "max(FF)F", "min(FF)F"),
            body("erf(F)F", KernelMath.class, "float erf(float x)", "erfDouble(D)D"),
            body("erfDouble(D)D", KernelMath.class, "double erfDouble(double x)", "copySign(DD)D"),
            body("softplus(F)F", KernelMath.class, "float softplus(float x)", "softplusDouble(D)D"),
            body("softplusDouble(D)D", KernelMath.class, "double softplusDouble(double x)", "log1p(D)D"),
            body("pow(FF)F", KernelMath.class, "float pow(float a, float b)", "pow(DD)D"),
            body("fma(FFF)F", PortableMath.class, "float fma(float a, float b, float c)"),
            body("copySign(DD)D", PortableMath.class, "double copySign(double magnitude, double sign)"),
            body("max(FF)F", PortableMath.class, "float max(float a, float b)"),
            body("min(FF)F", PortableMath.class, "float min(float a, float b)"),
            body("signum(F)F", PortableMath.class, "float signum(float x)"),
            body("log1p(D)D", PortableMath.class, "double log1p(double x)"),
            body("pow(DD)D", PortableMath.class, "double powDouble(double a, double b)"));

    private static Map.Entry<String, Body> body(String method, Class<?> owner, String declaration, String... calls) {
        return Map.entry(method, new Body(method, owner, declaration, List.of(calls)));
    }

    private DeviceMethods() {}

    /** The Java declaration of the copy of {@code method} (name and descriptor), e.g. {@code float tanh(float x)}. */
    static String declaration(String method) {
        return body(method).declaration();
    }

    /** The name of the copy of {@code method} in the kernel class. */
    static String copyName(String method) {
        return body(method).copy();
    }

    /** {@code method} and every copy its body calls, directly or not. */
    static Set<String> closure(String method) {
        return Stream.concat(Stream.of(method),
                body(method).calls().stream().flatMap(c -> closure(c).stream())).collect(Collectors.toSet());
    }

    private static Body body(String method) {
        Body b = BODIES.get(method);
        if (b == null) {
            throw new IllegalStateException("no device body for method " + method);
        }
        return b;
    }

    /**
     * The class file {@code classFile} with each native method filled.
     *
     * @throws IllegalStateException if a native method has no known body
     */
    static byte[] fill(byte[] classFile) {
        ClassFile cf = ClassFile.of();
        ClassModel model = cf.parse(classFile);
        Set<String> filled = model.methods().stream()
                .filter(m -> m.flags().has(AccessFlag.NATIVE))
                .map(m -> m.methodName().stringValue() + m.methodType().stringValue())
                .collect(Collectors.toSet());
        if (filled.isEmpty()) {
            return classFile;
        }
        ClassDesc self = model.thisClass().asSymbol();
        return cf.transformClass(model, (cb, element) -> {
            if (element instanceof MethodModel m && m.flags().has(AccessFlag.NATIVE)) {
                Body body = BODIES.values().stream()
                        .filter(b -> b.copy().equals(m.methodName().stringValue()) && b.descriptor().equals(m.methodType().stringValue()))
                        .findFirst()
                        .orElseThrow(() -> new IllegalStateException("generated kernel " + self.displayName()
                                + " declares native method " + m.methodName().stringValue() + ", which has no device body"));
                ClassModel owner = classFile(body.owner());
                MethodModel source = method(owner, body.name(), body.descriptor());
                cb.withMethod(m.methodName(), m.methodType(), ClassFile.ACC_PRIVATE | ClassFile.ACC_STATIC,
                        mb -> mb.withCode(code -> {
                            for (CodeElement e : source.code().orElseThrow()) {
                                Body callee = e instanceof InvokeInstruction call ? redirect(call, filled) : null;
                                if (callee != null && callee != body) {
                                    code.invokestatic(self, callee.copy(), ((InvokeInstruction) e).typeSymbol());
                                } else if (e instanceof FieldInstruction f && f.opcode() == Opcode.GETSTATIC
                                        && f.owner().asSymbol().equals(owner.thisClass().asSymbol())) {
                                    initializer(owner, f.name().stringValue()).forEach(code::with);
                                } else {
                                    code.with(e);
                                }
                            }
                        }));
            } else {
                cb.with(element);
            }
        });
    }

    private static ClassModel classFile(Class<?> owner) {
        try (InputStream in = owner.getResourceAsStream(owner.getSimpleName() + ".class")) {
            if (in == null) {
                throw new IllegalStateException("the class file of " + owner.getName() + " is not readable");
            }
            return ClassFile.of().parse(in.readAllBytes());
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the class file of " + owner.getName() + ": " + e, e);
        }
    }

    private static MethodModel method(ClassModel owner, String name, String descriptor) {
        return owner.methods().stream()
                .filter(s -> s.methodName().equalsString(name) && s.methodType().equalsString(descriptor))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException(owner.thisClass().asInternalName() + " has no method "
                        + name + descriptor));
    }

    /**
     * The instructions of {@code owner}'s static initializer that compute static field {@code field}:
     * those after the previous static field store, up to its own. A copied body reads its class's
     * static fields through them, as the copy may not read the (private) field itself; the device
     * compiler folds them to the constant (such as {@code 2 / sqrt(pi)}).
     *
     * @throws IllegalStateException if the field is not set by straight-line code there
     */
    private static List<CodeElement> initializer(ClassModel owner, String field) {
        List<CodeElement> segment = new ArrayList<>();
        boolean straight = true;
        for (CodeElement e : method(owner, "<clinit>", "()V").code().orElseThrow()) {
            if (e instanceof FieldInstruction f && f.opcode() == Opcode.PUTSTATIC) {
                if (f.name().equalsString(field)) {
                    if (straight) {
                        return segment;
                    }
                    break;
                }
                segment = new ArrayList<>();
                straight = true;
            } else if (e instanceof BranchInstruction) {
                straight = false;
            } else if (e instanceof Instruction) {
                segment.add(e);
            }
        }
        throw new IllegalStateException(owner.thisClass().asInternalName() + "." + field
                + " is not set by straight-line code in its static initializer; a device copy cannot read it");
    }

    /** The copy that {@code call}, of a {@code Math} or {@code KernelMath} method, is redirected to; null if none. */
    private static Body redirect(InvokeInstruction call, Set<String> filled) {
        ClassDesc owner = call.owner().asSymbol();
        if (call.opcode() != Opcode.INVOKESTATIC || !(owner.equals(MATH) || owner.equals(KERNEL_MATH))) {
            return null;
        }
        Body b = BODIES.get(call.name().stringValue() + call.type().stringValue());
        return b != null && filled.contains(b.copy() + b.descriptor()) ? b : null;
    }
}
