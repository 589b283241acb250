package org.optopt.api.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.optopt.api.kernel.Expr.buffer;
import static org.optopt.api.kernel.Expr.local;
import static org.optopt.api.kernel.Expr.one;
import static org.optopt.api.kernel.Expr.scalar;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KernelInterpreterTest {
    private static final Kernel SGD = Kernel.builder("sgd")
            .store("p", buffer("p").minus(scalar("lr").times(buffer("g"))))
            .build();

    private static Kernel adam() {
        Expr b1 = scalar("b1");
        Expr b2 = scalar("b2");
        return Kernel.builder("adam")
                .store("m", b1.times(buffer("m")).plus(one().minus(b1).times(buffer("g"))))
                .store("v", b2.times(buffer("v")).plus(one().minus(b2).times(buffer("g").square())))
                .store("p", buffer("p").minus(scalar("lr").times(buffer("m").div(one().minus(b1.pow(scalar("t")))))
                        .div(buffer("v").div(one().minus(b2.pow(scalar("t")))).sqrt().plus(scalar("eps")))))
                .build();
    }

    @Test
    void sgdSubtractsTheScaledGradient() {
        float[] p = {1, 2, 3};
        float[] g = {0.5f, -1, 2};
        Map<String, float[]> bufs = Map.of("p", p, "g", g);
        Reductions r = KernelInterpreter.run(SGD, bufs, Map.of("lr", 0.5));
        assertArrayEquals(new float[] {0.75f, 2.5f, 2f}, p, "exact in binary");
        assertArrayEquals(new float[] {0.5f, -1, 2}, g, "read-only buffers are untouched");
        assertEquals(0, r.size());
        KernelInterpreter.run(SGD, bufs, Map.of("lr", 0.1));
        assertArrayEquals(new float[] {0.75f - 0.1f * 0.5f, 2.5f + 0.1f, 2f - 0.1f * 2f}, p);
    }

    @Test
    void adamReadsTheMomentsItJustStored() {
        float[] m = {0.5f, 0f};
        float[] v = {0.25f, 0f};
        float[] g = {1f, -2f};
        float[] p = {1f, 0f};
        Map<String, Double> s = Map.of("b1", 0.9, "b2", 0.999, "lr", 0.001, "eps", 1e-8, "t", 1.0);
        KernelInterpreter.run(adam(), Map.of("m", m, "v", v, "g", g, "p", p), s);
        // Element 0: m = 0.9*0.5 + 0.1*1 = 0.55, v = 0.999*0.25 + 0.001*1 = 0.25075,
        // p = 1 - 0.001*(0.55/0.1)/(sqrt(0.25075/0.001) + 1e-8) = 1 - 0.0055/15.8350876...
        assertEquals(0.55, m[0], 1e-7);
        assertEquals(0.25075, v[0], 1e-7);
        assertEquals(1 - 0.0055 / (Math.sqrt(250.75) + 1e-8), p[0], 1e-7);
        // Element 1 starts from zero state: the first Adam step has magnitude lr, against the gradient.
        assertEquals(-0.2f, m[1], 1e-7);
        assertEquals(0.004f, v[1], 1e-9);
        assertEquals(0.001, p[1], 1e-9);
        // Exactly the float program, with the uniforms evaluated in double and rounded once.
        float mExpected = 0.9f * 0.5f + (float) (1 - 0.9) * 1f;
        float vExpected = 0.999f * 0.25f + (float) (1 - 0.999) * (1f * 1f);
        float pExpected = 1f - 0.001f * (mExpected / (float) (1 - 0.9))
                / ((float) Math.sqrt(vExpected / (float) (1 - 0.999)) + 1e-8f);
        assertEquals(mExpected, m[0]);
        assertEquals(vExpected, v[0]);
        assertEquals(pExpected, p[0]);
    }

    @Test
    void readAfterStoreSeesTheNewValueWithinTheElement() {
        Kernel k = Kernel.builder("k")
                .store("a", buffer("a").times(2))
                .store("b", buffer("a").plus(buffer("b")))
                .store("a", buffer("a").plus(1))
                .sum("s", buffer("a"))
                .build();
        float[] a = {1, 10};
        float[] b = {100, 200};
        Reductions r = KernelInterpreter.run(k, Map.of("a", a, "b", b), Map.of());
        assertArrayEquals(new float[] {3, 21}, a);
        assertArrayEquals(new float[] {102, 220}, b);
        assertEquals(24, r.get("s"));
    }

    @Test
    void reductionsSumMaxAndMin() {
        Kernel k = Kernel.builder("stats")
                .let("x", buffer("a").times(scalar("s")))
                .sum("sum", local("x"))
                .reduce("max", ReduceOp.MAX, local("x"))
                .reduce("min", ReduceOp.MIN, local("x"))
                .build();
        float[] a = {3, -1, 4, 1, -5, 9, 2, 6};
        Reductions r = KernelInterpreter.run(k, Map.of("a", a), Map.of("s", 0.5));
        assertEquals(9.5, r.get("sum"));
        assertEquals(4.5, r.get("max"));
        assertEquals(-2.5, r.get("min"));
        assertEquals(9.5, r.get(0));
        assertEquals("{sum=9.5, max=4.5, min=-2.5}", r.toString());

        Reductions empty = KernelInterpreter.run(k, Map.of("a", new float[0]), Map.of("s", 0.5));
        assertEquals(0.0, empty.get("sum"));
        assertEquals(Double.NEGATIVE_INFINITY, empty.get("max"));
        assertEquals(Double.POSITIVE_INFINITY, empty.get("min"));

        Reductions nan = KernelInterpreter.run(k, Map.of("a", new float[] {1, Float.NaN, 2}), Map.of("s", 1.0));
        assertTrue(Double.isNaN(nan.get("sum")) && Double.isNaN(nan.get("max")) && Double.isNaN(nan.get("min")));
    }

    @Test
    void reductionsAccumulateInDouble() {
        Kernel k = Kernel.builder("sum").sum("s", buffer("a")).build();
        float[] a = new float[1 << 12];
        a[0] = 1 << 24;
        for (int i = 1; i < a.length; i++) {
            a[i] = 1;
        }
        assertEquals((1 << 24) + a.length - 1, KernelInterpreter.run(k, Map.of("a", a), Map.of()).get("s"),
                "a float accumulator would stay at 2^24");
    }

    @Test
    void runsRangesWhosePartialReductionsCombine() {
        Kernel k = Kernel.builder("k")
                .store("p", buffer("p").times(2))
                .sum("s", buffer("p"))
                .build();
        KernelInterpreter in = new KernelInterpreter(k);
        float[] p = {1, 2, 3, 4, 5};
        double first = in.run(new float[][] {p}, new double[0], 0, 2)[0];
        double second = in.run(new float[][] {p}, new double[0], 2, 5)[0];
        assertArrayEquals(new float[] {2, 4, 6, 8, 10}, p);
        assertEquals(6, first);
        assertEquals(24, second);
        assertEquals(k, in.plan().kernel());
    }

    @Test
    void bindingErrorsNameTheProblem() {
        float[] p = new float[3];
        float[] g = new float[3];
        assertMessage("Kernel sgd: buffer 'g' is not bound", Map.of("p", p), Map.of("lr", 0.1));
        assertMessage("Kernel sgd has no buffer 'q'; its buffers are [p, g]",
                Map.of("p", p, "g", g, "q", p), Map.of("lr", 0.1));
        assertMessage("Kernel sgd: buffer 'g' has 4 elements but 'p' has 3",
                Map.of("p", p, "g", new float[4]), Map.of("lr", 0.1));
        assertMessage("Kernel sgd: scalar 'lr' is not bound", Map.of("p", p, "g", g), Map.of());
        assertMessage("Kernel sgd has no scalar 'mu'; its scalars are [lr]",
                Map.of("p", p, "g", g), Map.of("lr", 0.1, "mu", 0.9));
        assertMessage("Kernel sgd: scalar 'lr' is NaN", Map.of("p", p, "g", g), Map.of("lr", Double.NaN));
        assertMessage("Kernel sgd: scalar 'lr' is Infinity", Map.of("p", p, "g", g),
                Map.of("lr", Double.POSITIVE_INFINITY));
        Map<String, float[]> withNull = new HashMap<>();
        withNull.put("p", p);
        withNull.put("g", null);
        assertMessage("Kernel sgd: buffer 'g' is not bound", withNull, Map.of("lr", 0.1));
    }

    private static void assertMessage(String expected, Map<String, float[]> buffers, Map<String, Double> scalars) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> KernelInterpreter.run(SGD, buffers, scalars));
        assertEquals(expected, e.getMessage());
    }
}
