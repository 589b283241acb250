package org.optopt.api.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.optopt.api.backend.Backend;
import org.optopt.api.kernel.BinaryOp;
import org.optopt.api.kernel.UnaryOp;
import org.optopt.api.testkit.ReferenceBackend;

class TensorScopeTest {
    private final Backend backend = new ReferenceBackend();

    /** A tensor that records when it is closed and can be made to fail doing so. */
    private static final class Recording implements Tensor {
        final String name;
        final List<String> log;
        final boolean fails;
        boolean closed;

        Recording(String name, List<String> log, boolean fails) {
            this.name = name;
            this.log = log;
            this.fails = fails;
        }

        @Override
        public Shape shape() {
            return Shape.vector(1);
        }

        @Override
        public float[] toArray() {
            return new float[1];
        }

        @Override
        public void copyFrom(float[] data) {}

        @Override
        public boolean isClosed() {
            return closed;
        }

        @Override
        public void close() {
            closed = true;
            log.add(name);
            if (fails) {
                throw new IllegalStateException("cannot close " + name);
            }
        }
    }

    @Test
    void closesTrackedTensorsNewestFirstOnceEachAndKeepsTheKeptOnes() {
        List<String> log = new ArrayList<>();
        Recording a = new Recording("a", log, false);
        Recording b = new Recording("b", log, false);
        Recording c = new Recording("c", log, false);
        try (TensorScope scope = new TensorScope()) {
            assertSame(a, scope.track(a));
            scope.track(b);
            scope.track(a);
            scope.keep(scope.track(c));
            assertEquals(2, scope.size());
        }
        assertEquals(List.of("b", "a"), log);
        assertFalse(c.isClosed());
    }

    @Test
    void aFailingCloseStillClosesTheRestAndThrowsTheFirstFailure() {
        List<String> log = new ArrayList<>();
        TensorScope scope = new TensorScope();
        scope.track(new Recording("a", log, true));
        scope.track(new Recording("b", log, false));
        scope.track(new Recording("c", log, true));
        IllegalStateException e = assertThrows(IllegalStateException.class, scope::close);
        assertEquals("cannot close c", e.getMessage());
        assertEquals("cannot close a", e.getSuppressed()[0].getMessage());
        assertEquals(List.of("c", "b", "a"), log);
        scope.close();
        assertEquals(3, log.size(), "closing twice does nothing");
        assertEquals("This TensorScope is closed",
                assertThrows(IllegalStateException.class, () -> scope.track(new Recording("d", log, false))).getMessage());
    }

    @Test
    void computeReturnsItsResultAndClosesTheTemporariesOfARealBackend() {
        Tensor x = backend.fromArray(new float[] {0f, 1f, -2f}, Shape.vector(3));
        List<Tensor> temporaries = new ArrayList<>();
        Tensor result = TensorScope.compute(s -> {
            Tensor t = s.track(backend.map(UnaryOp.TANH, x));
            temporaries.add(t);
            return s.track(backend.zip(BinaryOp.MUL, t, 2f));
        });
        assertTrue(temporaries.getFirst().isClosed());
        assertFalse(result.isClosed());
        assertFalse(x.isClosed(), "an untracked input is not the scope's");
        float[] expected = {0f, (float) (2 * Math.tanh(1)), (float) (2 * Math.tanh(-2))};
        assertArrayEquals(expected, result.toArray(), 1e-6f);
        result.close();
        x.close();
    }

    @Test
    void computeClosesTheTemporariesWhenTheBodyFails() {
        List<Tensor> temporaries = new ArrayList<>();
        assertThrows(ArithmeticException.class, () -> TensorScope.compute(s -> {
            temporaries.add(s.track(backend.zeros(Shape.vector(4))));
            throw new ArithmeticException("boom");
        }));
        assertTrue(temporaries.getFirst().isClosed());
    }
}
