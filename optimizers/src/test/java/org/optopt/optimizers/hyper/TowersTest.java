package org.optopt.optimizers.hyper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import org.optopt.optimizers.spec.Towers;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.optopt.api.backend.Backend;
import org.optopt.api.testkit.ReferenceBackend;
import org.optopt.api.optim.Optimizers;
import org.optopt.optimizers.golden.QuarticProblem;
import org.optopt.optimizers.spec.SpecException;

/** The stack grammar: valid stacks and their levels, invalid ones with the column of the problem. */
class TowersTest {
    private static final Optimizers REGISTRY = Optimizers.discover();

    @Test
    void parsesTheExamplesOfTheGrammar() {
        Towers.Spec s = Towers.parse("adam/sgd(1e-5)", REGISTRY);
        assertEquals(2, s.levels().size());
        assertEquals("adam", s.levels().get(0).optimizer());
        assertEquals(1e-3, s.levels().get(0).values().get("lr"));
        assertEquals(1e-5, s.levels().get(1).values().get("lr"));
        assertEquals(List.of("lr"), s.levels().get(0).learnable());

        Towers.Spec three = Towers.parse("sgd(0.01)/sgd(0.01)/sgd(0.01)", REGISTRY);
        assertEquals(3, three.levels().size());
        three.levels().forEach(l -> assertEquals(0.01, l.values().get("lr")));

        Towers.Spec named = Towers.parse("adam(lr=1e-3,beta1=0.9)/sgd(1e-5)", REGISTRY);
        assertEquals(0.9, named.levels().get(0).values().get("beta1"));
        assertEquals(1e-3, named.levels().get(0).values().get("lr"));
    }

    @Test
    void acceptsSpacesOptionsLearnAndFrozen() {
        Towers.Spec s = Towers.parse(" adam ( 2e-3 , learn = lr+beta1+beta2 ) / sgd ( lr = 1e-5 , momentum=0.5, nesterov ) ", REGISTRY);
        assertEquals(2e-3, s.levels().get(0).values().get("lr"));
        assertEquals(List.of("lr", "beta1", "beta2"), s.levels().get(0).learnable());
        assertEquals("true", s.levels().get(1).choices().get("nesterov"));
        assertEquals(0.5, s.levels().get(1).values().get("momentum"));
        Towers.Spec all = Towers.parse("adam(learn=all)/sgd(1e-5)", REGISTRY);
        assertEquals(all.levels().get(0).rule().hyperparameterScalars(), all.levels().get(0).learnable());
        assertTrue(Towers.parse("adam/sgd(0, frozen)", REGISTRY).levels().get(1).frozen());
        assertTrue(Towers.parse("adam/sgd(0, frozen=true)", REGISTRY).levels().get(1).frozen());
        assertFalse(Towers.parse("adam/sgd(1e-4, frozen=false)", REGISTRY).levels().get(1).frozen());
        Towers.Spec gdtuo = Towers.parse("adam(0.01, learn=alpha)/sgd(1e-4)", RegistryCatalog.gdtuo());
        assertEquals(List.of("alpha"), gdtuo.levels().get(0).learnable());
    }

    @Test
    void theGdtuoPrefixSelectsGdtuosRules() {
        Towers.Spec s = Towers.parse("gdtuo:adam(0.01)/sgd(1e-4)", REGISTRY);
        assertEquals(List.of("beta1", "beta2", "alpha"), s.levels().get(0).learnable());
        assertEquals("gdtuo_adam", s.levels().get(0).rule().kernel().name());
        SpecException e = assertThrows(SpecException.class, () -> Towers.parse("gdtuo:adam/nadam", REGISTRY));
        assertEquals(12, e.column(), e.getMessage());
    }

    @Test
    void buildsATowerOverAParameterSet() {
        Backend b = new ReferenceBackend();
        try (QuarticProblem prob = new Quartic(2, 1).problem(b);
             HyperOptimizer tower = Towers.parse("adam(lr=1e-3, learn=lr+beta1)/sgd(1e-5)", REGISTRY).build(prob.parameterSet(), b)) {
            assertEquals("adam/sgd", tower.name());
            assertEquals(List.of("lr", "beta1"), tower.learnable(0));
            assertEquals(List.of(), tower.learnable(1), "the top level learns nothing");
            prob.computeGradients(0);
            tower.step();
            assertEquals(1, tower.stepCount());
        }
    }

    @ParameterizedTest(name = "[{index}] {0} -> column {1}")
    @CsvSource(delimiter = '|', value = {
        "adam(lr=1e-3|13|expected ',' or ')' but found end of input",
        "adma/sgd|1|Unknown optimizer 'adma'; known optimizers: ",
        "adam/sgdd(1e-5)|6|Unknown optimizer 'sgdd'",
        "adam(bet1=0.9)/sgd(1e-5)|6|adam has no hyperparameter or option 'bet1'; it has lr, beta1",
        "adam//sgd|6|expected an optimizer name",
        "adam(1e-3, 2e-3)/sgd(1e-5)|12|only be the first argument",
        "adam/sgd(0)|10|needs a step size > 0",
        "adam/sgd(-1e-3)|10|lr >= 0",
        "adam/sgd(1e-5, learn=lr)|16|rightmost level",
        "adam(learn=lr+bogus)/sgd(1e-5)|6|Unknown learnable hyperparameter 'bogus'",
        "adam(lr=1e-3 beta1=0.9)|14|expected ',' or ')' but found 'b'",
        "adam(beta1=1.5)/sgd|6|Invalid beta1 = 1.5",
        "adam/sgd(1e-5) x|16|expected '/' or end of input",
        "''|1|expected an optimizer name but found end of input",
        "adam(lr=1e)|11|exponent",
        "adam(lr=1e-3, lr=2e-3)|15|given twice",
        "adam(frozen=maybe)|6|frozen must be true or false",
    })
    void reportsTheColumnOfTheProblem(String stack, int column, String message) {
        SpecException e = assertThrows(SpecException.class, () -> Towers.parse(stack, REGISTRY));
        assertEquals(column, e.column(), e.getMessage());
        assertTrue(e.getMessage().contains("at column " + column + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    @Test
    void unknownNamesListTheKnownOnes() {
        SpecException e = assertThrows(SpecException.class, () -> Towers.parse("adamm", REGISTRY));
        assertTrue(e.getMessage().contains("adam, ") && e.getMessage().contains("sgd"), e.getMessage());
        e = assertThrows(SpecException.class, () -> Towers.parse("nadam/sgdm", RegistryCatalog.gdtuo()));
        assertEquals(1, e.column());
        assertTrue(e.getMessage().contains("adagrad, adam, rmsprop, sgd"), e.getMessage());
        e = assertThrows(SpecException.class, () -> Towers.parse("adam(eps=1e-8)/sgd", RegistryCatalog.gdtuo()));
        assertTrue(e.getMessage().contains("it has alpha, beta1, beta2"), e.getMessage());
    }

    @Test
    void learningAllRefusesAHyperparameterStuckAtZero() {
        Backend b = new ReferenceBackend();
        try (QuarticProblem prob = new Quartic(1, 2).problem(b)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Towers.parse("adam(learn=all)/sgd(1e-5)", REGISTRY).build(prob.parameterSet(), b));
            assertTrue(e.getMessage().contains("weight_decay = 0.0 cannot be learned"), e.getMessage());
            Towers.parse("adam(weight_decay=1e-4, learn=all)/sgd(1e-5)", REGISTRY).build(prob.parameterSet(), b).close();
        }
    }

    @Test
    void catalogLevelsCarryTheOptimizersOwnChecks() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RegistryCatalog.discover().level("sgd", 0.1, Map.of("nesterov", true)));
        assertTrue(e.getMessage().contains("Nesterov"), e.getMessage());
    }
}
