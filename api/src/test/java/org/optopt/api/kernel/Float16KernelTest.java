package org.optopt.api.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.optopt.api.kernel.Expr.buffer;
import static org.optopt.api.kernel.Expr.scalar;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.optopt.api.backend.KernelArgs;
import org.optopt.api.backend.support.HeapBackend;
import org.optopt.api.tensor.Precision;
import org.optopt.api.tensor.Shape;
import org.optopt.api.tensor.Tensor;

/** The kernel language's float16 buffers, against binary16 values worked out by hand. */
class Float16KernelTest {
    /** h = x; y = h (the rounded value); r = sum(h * 1) after the store. */
    private static final Kernel STORE_THEN_READ = Kernel.builder("storeThenRead").float16("h")
            .store("h", buffer("x"))
            .store("y", buffer("h"))
            .sum("r", buffer("h"))
            .build();

    @Test
    void aStoreRoundsToNearestEvenAndALaterReadSeesTheRoundedValue() {
        float[] x = {
            1f + 0x1p-11f, // a tie between 1 and 1 + 2^-10: to even, 1
            1f + 0x3p-11f, // a tie between 1 + 2^-10 and 1 + 2^-9: to even, 1 + 2^-9
            65519.99f, // below the overflow threshold: 65504
            65520f, // the threshold itself: infinity
            0x1p-25f, // half the smallest subnormal, a tie: to even, 0
            0x3p-25f, // 1.5 times the smallest subnormal, a tie: 2^-23
            0.1f, // 0.0999755859375 (0x2e66)
            Float.NaN
        };
        float[] expected = {1f, 1f + 0x1p-9f, 65504f, Float.POSITIVE_INFINITY, 0f, 0x1p-23f, 0.0999755859375f, Float.NaN};
        float[] h = new float[x.length];
        float[] y = new float[x.length];
        Reductions r = KernelInterpreter.run(STORE_THEN_READ, Map.of("x", x, "h", h, "y", y), Map.of());
        assertArrayEquals(expected, h);
        assertArrayEquals(expected, y, "the read after the store sees the stored, rounded value");
        assertTrue(Double.isNaN(r.get("r")), "the sum of the rounded values (NaN among them)");
    }

    @Test
    void theLoweredPlanRoundsReadsAfterAFloat16Store() {
        KernelPlan plan = KernelPlan.of(STORE_THEN_READ);
        String listing = plan.toString();
        assertTrue(listing.contains("float16("), listing);
        Kernel constant = Kernel.builder("constant").float16("h").store("h", Expr.constant(0.1)).store("y", buffer("h")).build();
        float[] y = new float[1];
        KernelInterpreter.run(constant, Map.of("h", new float[1], "y", y), Map.of());
        assertEquals(0.0999755859375f, y[0], "a stored constant is read back rounded");
    }

    @Test
    void readsOfAFloat16BufferRoundItsArrayValues() {
        Kernel copy = Kernel.builder("read").float16("h").store("y", buffer("h").times(scalar("s"))).build();
        float[] y = new float[2];
        KernelInterpreter.run(copy, Map.of("h", new float[] {1f + 0x1p-11f, 0.5f}, "y", y), Map.of("s", 2.0));
        assertArrayEquals(new float[] {2f, 1f}, y);
    }

    @Test
    void declarationsArePartOfTheKernel() {
        Kernel a = Kernel.builder("k").float16("h").store("h", buffer("x")).build();
        Kernel b = Kernel.builder("k").store("h", buffer("x")).build();
        assertEquals(Precision.FLOAT16, a.precision("h"));
        assertEquals(Precision.FLOAT32, a.precision("x"));
        assertEquals(Set.of("h"), a.float16Buffers());
        assertTrue(!a.equals(b) && a.toString().contains("float16 h"), a.toString());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Kernel.builder("k").float16("z").store("h", buffer("x")).build());
        assertTrue(e.getMessage().contains("float16 buffer 'z'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Derivative.of(
                Kernel.builder("d").float16("h").store("h", buffer("x").times(scalar("s"))).build(), "s", Map.of(), true));
    }

    @Test
    void argumentsOfTheWrongPrecisionAreRefusedByName() {
        HeapBackend backend = new HeapBackend() {
            @Override
            public String name() {
                return "heap";
            }
        };
        Kernel k = Kernel.builder("k").float16("h").store("h", buffer("x")).build();
        Tensor x = backend.zeros(Shape.vector(3));
        Tensor wrong = backend.zeros(Shape.vector(3));
        KernelArgs args = backend.compile(k).args().buffer("x", x).buffer("h", wrong);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, args::validate);
        assertEquals("Kernel k: buffer 'h' is float16 but is bound to a float32 tensor", e.getMessage());
        Tensor half = backend.zeros(Shape.vector(3), Precision.FLOAT16);
        x.copyFrom(new float[] {1f + 0x1p-11f, -3f, 1e6f});
        backend.compile(k).run(backend.compile(k).args().buffer("x", x).buffer("h", half));
        assertArrayEquals(new float[] {1f, -3f, Float.POSITIVE_INFINITY}, half.toArray());
        e = assertThrows(IllegalArgumentException.class, () -> backend.sum(half));
        assertTrue(e.getMessage().startsWith("reduce operand is a float16 tensor"), e.getMessage());
    }
}
