package org.optopt.api.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.optopt.api.kernel.Expr.buffer;
import static org.optopt.api.kernel.Expr.scalar;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.optopt.api.kernel.Kernel;
import org.optopt.api.tensor.Shape;
import org.optopt.api.tensor.Tensor;
import org.optopt.api.testkit.ReferenceBackend;

class KernelArgsTest {
    private static final Kernel MOMENTUM = Kernel.builder("momentum")
            .store("buf", scalar("mu").times(buffer("buf")).plus(buffer("g")))
            .store("p", buffer("p").minus(scalar("lr").times(buffer("buf"))))
            .build();

    private final ReferenceBackend backend = new ReferenceBackend();
    private final Tensor buf = backend.zeros(Shape.matrix(2, 3));
    private final Tensor g = backend.zeros(Shape.matrix(2, 3));
    private final Tensor p = backend.zeros(Shape.matrix(2, 3));

    @AfterEach
    void close() {
        buf.close();
        g.close();
        p.close();
    }

    private KernelArgs complete() {
        return new KernelArgs(MOMENTUM).buffer("buf", buf).buffer("g", g).buffer("p", p)
                .scalar("mu", 0.9).scalar("lr", 0.1);
    }

    @Test
    void validateReturnsTheElementCount() {
        KernelArgs args = complete();
        assertEquals(6, args.validate());
        assertSame(MOMENTUM, args.kernel());
        assertArrayEquals(new Tensor[] {buf, g, p}, args.tensors(), "in the kernel's buffer order");
        assertArrayEquals(new double[] {0.9, 0.1}, args.scalars(), "in the kernel's scalar order");
        assertEquals("KernelArgs[momentum, scalars=[0.9, 0.1]]", args.toString());
    }

    @Test
    void rebindingReplacesAValue() {
        KernelArgs args = complete().scalar("lr", 0.01);
        assertArrayEquals(new double[] {0.9, 0.01}, args.scalars());
        try (Tensor other = backend.zeros(Shape.matrix(2, 3))) {
            args.buffer("g", other);
            assertSame(other, args.tensors()[1]);
        }
    }

    @Test
    void unknownNamesAreRejectedWhenBound() {
        assertMessage("Kernel momentum has no buffer 'grad'; its buffers are [buf, g, p]",
                () -> new KernelArgs(MOMENTUM).buffer("grad", g));
        assertMessage("Kernel momentum has no scalar 'beta'; its scalars are [mu, lr]",
                () -> new KernelArgs(MOMENTUM).scalar("beta", 0.9));
    }

    @Test
    void nonFiniteScalarsAreRejected() {
        assertMessage("Kernel momentum: scalar 'lr' is NaN", () -> new KernelArgs(MOMENTUM).scalar("lr", Double.NaN));
        assertMessage("Kernel momentum: scalar 'mu' is -Infinity",
                () -> new KernelArgs(MOMENTUM).scalar("mu", Double.NEGATIVE_INFINITY));
    }

    @Test
    void everyBufferAndScalarMustBeBound() {
        assertMessage("Kernel momentum: buffer 'g' is not bound",
                () -> new KernelArgs(MOMENTUM).buffer("buf", buf).buffer("p", p).scalar("mu", 1).scalar("lr", 1)
                        .validate());
        assertMessage("Kernel momentum: scalar 'lr' is not bound",
                () -> new KernelArgs(MOMENTUM).buffer("buf", buf).buffer("g", g).buffer("p", p).scalar("mu", 1)
                        .validate());
    }

    @Test
    void tensorsMustShareOneShape() {
        try (Tensor wrong = backend.zeros(Shape.vector(6))) {
            assertMessage("Kernel momentum: buffer 'p' has shape [6] but 'buf' has shape [2, 3]",
                    () -> complete().buffer("p", wrong).validate());
        }
    }

    @Test
    void aTensorMayBeBoundOnlyOnce() {
        assertMessage("Kernel momentum: buffers 'buf' and 'p' are bound to the same tensor",
                () -> complete().buffer("p", buf).validate());
    }

    @Test
    void closedTensorsAreRejected() {
        KernelArgs args = complete();
        g.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, args::validate);
        assertEquals("Kernel momentum: buffer 'g' is a closed tensor", e.getMessage());
    }

    private static void assertMessage(String expected, Executable e) {
        assertEquals(expected, assertThrows(IllegalArgumentException.class, e).getMessage());
    }
}
