package org.optopt.api.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.optopt.api.kernel.Expr.buffer;
import static org.optopt.api.kernel.Expr.local;
import static org.optopt.api.kernel.Expr.one;
import static org.optopt.api.kernel.Expr.scalar;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class KernelTest {

    /** Adam as written in ARCHITECTURE.md, with the same scalar names. */
    static Kernel adam() {
        Expr b1 = scalar("b1");
        Expr b2 = scalar("b2");
        Expr g = buffer("g");
        return Kernel.builder("adam")
                .store("m", b1.times(buffer("m")).plus(one().minus(b1).times(g)))
                .store("v", b2.times(buffer("v")).plus(one().minus(b2).times(g).times(g)))
                .store("p", buffer("p").minus(scalar("lr").times(buffer("m").div(one().minus(b1.pow(scalar("t")))))
                        .div(buffer("v").div(one().minus(b2.pow(scalar("t")))).sqrt().plus(scalar("eps")))))
                .build();
    }

    @Test
    void printsLikeTheArchitectureDocument() {
        assertEquals("""
                kernel adam(buffers m, g, v, p; scalars b1, b2, lr, t, eps)
                  m = b1*m + (1 - b1)*g
                  v = b2*v + (1 - b2)*g*g
                  p = p - lr*(m/(1 - b1^t))/(sqrt(v/(1 - b2^t)) + eps)
                """, adam().toString());
    }

    @Test
    void printsLocalsReductionsAndAKernelWithoutScalars() {
        Kernel k = Kernel.builder("stats")
                .let("d", buffer("a").minus(buffer("b")))
                .sum("sq", local("d").square())
                .reduce("worst", ReduceOp.MAX, local("d").abs())
                .store("a", Expr.select(local("d").gt(Expr.zero()), local("d"), local("d").neg()))
                .build();
        assertEquals("""
                kernel stats(buffers a, b)
                  let d = a - b
                  sq = sum(square(d))
                  worst = max(abs(d))
                  a = select(d > 0, d, -d)
                """, k.toString());
    }

    @Test
    void listsBuffersScalarsAndReductionsInOrderOfFirstAppearance() {
        Kernel k = adam();
        assertEquals(List.of("m", "g", "v", "p"), k.buffers());
        assertEquals(List.of("m", "v", "p"), k.storedBuffers());
        assertEquals(List.of("b1", "b2", "lr", "t", "eps"), k.scalars());
        assertEquals(List.of(), k.reductions());
        assertEquals(1, k.bufferIndex("g"));
        assertEquals(-1, k.bufferIndex("lr"));
        assertEquals(2, k.scalarIndex("lr"));
        assertEquals(-1, k.scalarIndex("g"));
        assertEquals("adam", k.name());
        assertEquals(3, k.statements().size());
    }

    @Test
    void aStoreOnlyBufferIsABuffer() {
        Kernel k = Kernel.builder("init").store("out", scalar("c")).build();
        assertEquals(List.of("out"), k.buffers());
        assertEquals(List.of("out"), k.storedBuffers());
    }

    @Test
    void equalityIsByNameAndStatements() {
        Kernel a = adam();
        assertEquals(a, adam());
        assertEquals(a.hashCode(), adam().hashCode());
        assertEquals(a, Kernel.of("adam", a.statements()));
        assertNotEquals(a, Kernel.of("adam2", a.statements()));
        assertNotEquals(a, Kernel.of("adam", a.statements().subList(0, 2)));
    }

    @Test
    void aLocalMustBeDefinedBeforeItIsRead() {
        assertMessage("Kernel k: local 'x' is read before it is defined (in: p = p + x)",
                () -> Kernel.builder("k").store("p", buffer("p").plus(local("x"))).let("x", one()).build());
        assertMessage("Kernel k: local 'x' is read before it is defined (in: let x = x + 1)",
                () -> Kernel.builder("k").let("x", local("x").plus(1)).store("p", local("x")).build());
    }

    @Test
    void namesMustNotBeDefinedTwice() {
        assertMessage("Kernel k: local 'x' is defined twice",
                () -> Kernel.builder("k").let("x", one()).let("x", Expr.zero()).store("p", local("x")).build());
        assertMessage("Kernel k: reduction 's' is defined twice",
                () -> Kernel.builder("k").sum("s", buffer("a")).sum("s", buffer("b")).build());
    }

    @Test
    void aNameDenotesOneKindOfThing() {
        assertMessage("Kernel k: 'p' is used both as a buffer and as a scalar",
                () -> Kernel.builder("k").store("p", buffer("p").minus(scalar("p"))).build());
        assertMessage("Kernel k: 'g' is used both as a buffer and as a local",
                () -> Kernel.builder("k").let("g", one()).store("p", buffer("g").plus(local("g"))).build());
        assertMessage("Kernel k: 'g' is used both as a buffer and as a local",
                () -> Kernel.builder("k").let("g", one()).store("g", local("g")).build());
        assertMessage("Kernel k: 'lr' is used both as a scalar and as a local",
                () -> Kernel.builder("k").let("lr", one()).store("p", scalar("lr").times(local("lr"))).build());
    }

    @Test
    void aKernelMustStoreOrReduce() {
        assertMessage("Kernel k has no effect: it stores no buffer and reduces nothing",
                () -> Kernel.builder("k").let("x", buffer("p").plus(1)).build());
        assertMessage("Kernel empty has no effect: it stores no buffer and reduces nothing",
                () -> Kernel.builder("empty").build());
        Kernel reductionsOnly = Kernel.builder("norm").sum("n", buffer("g").square()).build();
        assertEquals(List.of("g"), reductionsOnly.buffers());
        assertEquals(List.of(), reductionsOnly.storedBuffers());
        assertEquals(List.of("n"), reductionsOnly.reductions());
    }

    @Test
    void namesAreValidated() {
        assertMessage("Invalid buffer name 'a b': character ' ' is not allowed", () -> buffer("a b"));
        assertMessage("A kernel name must not be blank", () -> Kernel.builder(" "));
        assertMessage("A kernel name must not be blank", () -> Kernel.of("", List.of()));
        assertMessage("Invalid local name 'x+y': character '+' is not allowed",
                () -> Kernel.builder("k").let("x+y", one()));
        assertMessage("A scalar name must not be blank", () -> scalar(null));
        buffer("p'lr@0#1$x.y_z");
    }

    @Test
    void statementsRejectNullParts() {
        assertThrows(NullPointerException.class, () -> new Statement.Store("p", null));
        assertThrows(NullPointerException.class, () -> Kernel.builder("k").add(null));
        assertThrows(NullPointerException.class, () -> new Statement.Reduce("r", null, one()));
    }

    private static void assertMessage(String expected, Executable e) {
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, e);
        assertEquals(expected, ex.getMessage());
    }

    @Test
    void theSgdExampleOfTheJavadocBuilds() {
        Kernel sgd = Kernel.builder("sgd").store("p", buffer("p").minus(scalar("lr").times(buffer("g")))).build();
        assertTrue(sgd.toString().contains("p = p - lr*g"), sgd.toString());
    }
}
