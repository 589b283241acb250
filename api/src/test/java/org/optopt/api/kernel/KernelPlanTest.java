package org.optopt.api.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.optopt.api.kernel.Expr.buffer;
import static org.optopt.api.kernel.Expr.local;
import static org.optopt.api.kernel.Expr.one;
import static org.optopt.api.kernel.Expr.scalar;

import java.util.List;
import org.junit.jupiter.api.Test;

class KernelPlanTest {

    private static Expr slot(int k) {
        return new Expr.Scalar("#" + k);
    }

    @Test
    void hoistsMaximalUniformSubexpressionsOnce() {
        Kernel k = Kernel.builder("k")
                .store("p", buffer("p").times(one().minus(scalar("lr").times(scalar("wd"))))
                        .minus(scalar("lr").times(buffer("g")))
                        .plus(scalar("lr").times(buffer("q"))))
                .build();
        KernelPlan plan = KernelPlan.of(k);
        assertEquals(List.of(one().minus(scalar("lr").times(scalar("wd"))), scalar("lr")), plan.uniforms(),
                "1 - lr*wd is one slot (not lr*wd inside it), and lr is shared by both uses");
        assertEquals(List.of(
                new Statement.Let("p@0", buffer("p").times(slot(0)).minus(slot(1).times(buffer("g")))
                        .plus(slot(1).times(buffer("q")))),
                new Statement.Store("p", local("p@0"))), plan.statements());
        assertEquals(k, plan.kernel());
    }

    @Test
    void leavesBareConstantsInPlace() {
        Kernel k = Kernel.builder("k").store("p", buffer("p").times(2).plus(Expr.constant(0.5).times(3))).build();
        KernelPlan plan = KernelPlan.of(k);
        assertEquals(List.of(Expr.constant(0.5).times(3)), plan.uniforms(), "a constant expression is uniform");
        assertEquals(buffer("p").times(2).plus(slot(0)), plan.statements().get(0).value());
        Kernel c = Kernel.builder("c").store("p", Expr.constant(4)).build();
        assertEquals(List.of(), KernelPlan.of(c).uniforms());
        assertEquals(List.of(new Statement.Store("p", Expr.constant(4))), KernelPlan.of(c).statements(),
                "a constant is stored directly");
    }

    @Test
    void rewritesReadsAfterAStoreToTheStoredLocal() {
        Kernel k = Kernel.builder("k")
                .store("m", buffer("m").plus(buffer("g")))
                .store("p", buffer("p").minus(buffer("m")))
                .store("m", buffer("m").times(buffer("p")))
                .sum("s", buffer("m"))
                .build();
        List<Statement> expected = List.of(
                new Statement.Let("m@0", buffer("m").plus(buffer("g"))),
                new Statement.Store("m", local("m@0")),
                new Statement.Let("p@1", buffer("p").minus(local("m@0"))),
                new Statement.Store("p", local("p@1")),
                new Statement.Let("m@2", local("m@0").times(local("p@1"))),
                new Statement.Store("m", local("m@2")),
                new Statement.Reduce("s", ReduceOp.SUM, local("m@2")));
        assertEquals(expected, KernelPlan.of(k).statements());
    }

    @Test
    void storingALocalNeedsNoNewLocalAndFreshNamesAvoidUserNames() {
        Kernel k = Kernel.builder("k")
                .let("p@0", buffer("p").plus(1))
                .store("p", local("p@0"))
                .store("q", buffer("p").plus(buffer("q")))
                .build();
        assertEquals(List.of(
                new Statement.Let("p@0", buffer("p").plus(1)),
                new Statement.Store("p", local("p@0")),
                new Statement.Let("q@0", local("p@0").plus(buffer("q"))),
                new Statement.Store("q", local("q@0"))), KernelPlan.of(k).statements());
        Kernel clash = Kernel.builder("clash")
                .let("q@0", buffer("q").times(2))
                .store("q", local("q@0").plus(1))
                .build();
        assertEquals(new Statement.Let("q@1", local("q@0").plus(1)), KernelPlan.of(clash).statements().get(1));
    }

    @Test
    void evaluatesUniformsInDoubleAndRoundsOnce() {
        Kernel k = Kernel.builder("k")
                .store("p", buffer("p").times(one().minus(scalar("b").pow(scalar("t")))))
                .store("q", buffer("q").times(Expr.select(scalar("b").gt(scalar("t")), scalar("b"), scalar("t"))))
                .build();
        KernelPlan plan = KernelPlan.of(k);
        float[] u = plan.evaluateUniforms(new double[] {0.999, 3});
        assertArrayEquals(new float[] {(float) (1 - Math.pow(0.999, 3)), 3f}, u);
        assertArrayEquals(new float[] {(float) (1 - Math.pow(5, 0.5)), 5f}, plan.evaluateUniforms(new double[] {5, 0.5}));
    }

    @Test
    void slotsAreRecognizedByName() {
        assertEquals(3, KernelPlan.slot(new Expr.Scalar("#3")));
        assertEquals(-1, KernelPlan.slot(new Expr.Scalar("lr")));
    }

    @Test
    void printsUniformsAndTheElementProgram() {
        Kernel sgd = Kernel.builder("sgd").store("p", buffer("p").minus(scalar("lr").times(buffer("g")))).build();
        assertEquals("""
                plan of sgd
                  #0 = lr
                  let p@0 = p - #0*g
                  p = p@0
                """, KernelPlan.of(sgd).toString());
    }
}
