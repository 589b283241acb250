package org.optopt.optimizers.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.optopt.api.backend.Backend;
import org.optopt.api.optim.Optimizer;
import org.optopt.api.optim.Optimizers;
import org.optopt.api.optim.Parameter;
import org.optopt.api.optim.ParameterSet;
import org.optopt.api.tensor.Shape;
import org.optopt.api.testkit.ReferenceBackend;
import org.optopt.optimizers.BaseOptimizer;
import org.optopt.optimizers.ParameterAveraging;
import org.optopt.optimizers.hyper.HyperOptimizer;

/** The spec language: good specs to typed specs and back, bad ones to one-line errors with columns, settings. */
class OptimizerSpecsTest {
    private static final OptimizerSpecs SPECS = new OptimizerSpecs(Optimizers.discover());

    private static OptimizerSpec.Level level(String optimizer, Map<String, Double> values) {
        return new OptimizerSpec.Level(optimizer, values, Map.of(), Map.of(), null, false, Map.of());
    }

    @Test
    void aSingleOptimizerIsATowerOfHeightOne() {
        OptimizerSpec s = SPECS.parse("adam(1e-3, amsgrad)");
        assertFalse(s.tower());
        assertEquals(new OptimizerSpec(false, List.of(new OptimizerSpec.Level("adam", Map.of("lr", 1e-3), Map.of(),
                Map.of("amsgrad", "true"), null, false, Map.of())), null), s);
        OptimizerSpec t = SPECS.parse("adam(1e-3)/sgd(1e-5)");
        assertTrue(t.tower());
        assertEquals(List.of(level("adam", Map.of("lr", 1e-3)), level("sgd", Map.of("lr", 1e-5))), t.levels());
        assertEquals(SPECS.parse("adam(lr=1e-3)").levels().get(0), t.levels().get(0), "positional = named step size");
    }

    @Test
    void typedValuesListsOptionsLearnFrozenSchedulesAndAveraging() {
        OptimizerSpec s = SPECS.parse(" sgd ( 0.1, momentum = 0.9 ) ");
        assertEquals(Map.of("lr", 0.1, "momentum", 0.9), s.levels().get(0).values());
        assertEquals(List.of("lr", "momentum"), List.copyOf(s.levels().get(0).values().keySet()), "definition order");
        OptimizerSpec gap = SPECS.parse("gap-sgdm(0.02, momenta=[0, 0.9], mode=switch-per-tensor)");
        assertEquals(Map.of("momenta", List.of(0.0, 0.9)), gap.levels().get(0).lists());
        assertEquals(Map.of("mode", "switch-per-tensor"), gap.levels().get(0).options());
        OptimizerSpec tower = SPECS.parse("adam(learn=lr+beta1)/sgd(0, frozen)");
        assertEquals(List.of("lr", "beta1"), tower.levels().get(0).learn());
        assertTrue(tower.levels().get(1).frozen());
        assertEquals(List.of(), SPECS.parse("adam(learn=none)/sgd(1e-5)").levels().get(0).learn());
        OptimizerSpec scheduled = SPECS.parse("adam(lr=1e-3, schedule.lr=warmup(100)+cosine(steps=900, min=1e-5))");
        assertEquals("warmup(steps=100, start=0)+cosine(steps=900, min=1e-5)",
                scheduled.levels().get(0).schedules().get("lr").toString());
        assertEquals("ema:0.999", SPECS.parse("sgd(0.1, average=ema:0.999)").average());
        OptimizerSpec gdtuo = SPECS.parse("gdtuo:sgd(0.01, mu=0.9)/sgd(1e-4)");
        assertTrue(gdtuo.gdtuo() && gdtuo.tower());
        assertEquals(Map.of("alpha", 0.01, "mu", 0.9), gdtuo.levels().get(0).values());
        assertTrue(SPECS.parse("gdtuo:adam(0.01)").tower(), "gdtuo's conventions run as a tower even for one level");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "adam|adam",
        "ADAM( 1E-3 )|adam(lr=0.001)",
        "sgd(momentum=0.9, lr=0.1, nesterov)|sgd(lr=0.1, momentum=0.9, nesterov=true)",
        "lion(lr=3.0E-4)|lion(lr=3e-4)",
        "sgd(lr=1e6)|sgd(lr=1e6)",
        "gap-sgdm(momenta=[0.5,0.9])|gap-sgdm(momenta=[0.5, 0.9])",
        "adam/sgd(1e-5)|adam/sgd(lr=1e-5)",
        "adam(2e-3, learn=lr+beta1)/sgd(0, frozen)|adam(lr=0.002, learn=lr+beta1)/sgd(lr=0, frozen)",
        "gdtuo:adam(0.01)/sgd(1e-4)|gdtuo:adam(alpha=0.01)/sgd(alpha=1e-4)",
        "sgd(0.1, schedule.lr=step(30))|sgd(lr=0.1, schedule.lr=step(every=30, gamma=0.1))",
        "sgd(average=swa:10, schedule.lr=cosine(100), lr=0.1)|sgd(lr=0.1, schedule.lr=cosine(steps=100, min=0), average=swa:10)",
    })
    void specsPrintCanonicallyAndRoundTrip(String text, String canonical) {
        OptimizerSpec s = SPECS.parse(text);
        assertEquals(canonical, s.toString());
        assertEquals(s, SPECS.parse(s.toString()), "the canonical text parses to an equal spec");
    }

    /** The table of bad specs; run, compare and studies print exactly these messages (they all call parse). */
    @ParameterizedTest(name = "[{index}] {0} -> column {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "\"\"|1|expected an optimizer name but found end of input",
        "adamm|1|Unknown optimizer 'adamm'; known optimizers: ",
        "sgd(lrr=1)|5|sgd has no hyperparameter or option 'lrr'; it has lr, momentum",
        "sgd(lr=-1)|5|Invalid lr = -1.0: must satisfy lr >= 0",
        "sgd(lr=fast)|5|hyperparameter lr of sgd needs a number, got fast",
        "sgd(0.1, 0.2)|10|a number without a name may only be the first argument",
        "sgd(0.1, lr=0.2)|10|argument 'lr' is given twice",
        "sgd(lr=0.1, lr=0.2)|13|argument 'lr' is given twice",
        "sgd(lr=1e)|10|expected the digits of an exponent but found ')'",
        "sgd(lr=1e999)|8|number 1e999 is out of range",
        "sgd(0.1|8|expected ',' or ')' but found end of input",
        "sgd(0.1) x|10|expected '/' or end of input but found 'x'",
        "roaree(surrogate=cube)|8|Invalid surrogate = cube: must be one of [tanh",
        "gap-sgdm(momenta=[0.9, 0.5])|10|strictly ascending",
        "gap-sgdm(momenta=[0.5, x])|24|expected a number but found 'x'",
        "sgd(learn=lr)|5|learn applies to tower levels, and sgd is a single optimizer",
        "sgd(nesterov)|1|nesterov",
        "sgd(schedule.beta=cosine(10))|5|sgd has no hyperparameter 'beta' to schedule",
        "sgd(schedule.lr=cosin(10))|17|unknown schedule 'cosin'; known schedules: constant, step,",
        "sgd(schedule.lr=step(5)+cosine(10))|17|schedule step runs forever, so nothing can follow it",
        "sgd(schedule.lr=cosine(steps=2.5))|17|argument steps of schedule cosine must be a whole number >= 1, got 2.5",
        "sgd(schedule.lr=cosine())|17|schedule cosine needs steps",
        "sgd(schedule.lr=cosine(10, x=1))|17|schedule cosine has no argument 'x'; it has [steps, min]",
        "sgd(schedule.lr=exponential(-1))|17|gamma",
        "sgd(average=box:3)|5|average",
        "adam/sgdd(1e-5)|6|Unknown optimizer 'sgdd'",
        "adam/gap-sgdm|6|cannot be a tower level",
        "adam/sgd(0)|10|a learning level needs a step size > 0",
        "adam/sgd(1e-5, learn=lr)|16|is the rightmost level",
        "adam(learn=lr+bogus)/sgd(1e-5)|6|Unknown learnable hyperparameter 'bogus'",
        "adam(lr=1e-3, schedule.lr=cosine(10))/sgd(1e-5)|15|has lr learned by level 1, so it cannot follow a schedule",
        "gdtuo:adam/nadam|12|Optimizer 'nadam' cannot be a tower level (it has no gdtuo variant)",
        "gdtuo:adam(eps=1e-8)|12|adam has no hyperparameter or option 'eps'; it has alpha, beta1, beta2",
    })
    void badSpecsNameTheColumn(String text, int column, String message) {
        SpecException e = assertThrows(SpecException.class, () -> SPECS.parse(text));
        assertEquals(column, e.column(), e.getMessage());
        assertTrue(e.getMessage().startsWith("Invalid optimizer \"" + text + "\" at column " + column + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(message), e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
    }

    @Test
    void settingsChangeTheTypedSpecBeforeAnythingIsBuilt() {
        OptimizerSpec tower = SPECS.parse("sgd(0.05)/sgd(1e-4)");
        assertEquals("sgd(lr=0.01)/sgd(lr=1e-4)", SPECS.set(tower, "lr=0.01").toString());
        assertEquals("sgd(lr=0.05)/sgd(lr=2e-4)", SPECS.set(tower, "level1.lr=2e-4").toString());
        assertEquals("sgd(lr=0.05)/adam(lr=1e-4)", SPECS.set(tower, "level1.name=adam").toString(),
                "a new optimizer keeps the arguments it has");
        assertEquals("sgd(lr=0.05)/adam(lr=1e-4)", SPECS.set(SPECS.parse("sgd(0.05)/sgd(1e-4, momentum=0.5)"),
                "level1.name=adam").toString(), "and drops the others");
        OptimizerSpec single = SPECS.parse("sgd(0.1)");
        assertEquals("sgd(lr=0.1, schedule.lr=cosine(steps=100, min=0.001))",
                SPECS.set(single, "schedule.lr=cosine(100, min=1e-3)").toString());
        assertEquals("sgd(lr=0.1, schedule.lr=constant)", SPECS.set(single, "level0.schedule.lr=constant").toString());
        assertEquals("gap-sgdm(momenta=[0.5, 0.9, 0.99])",
                SPECS.set(SPECS.parse("gap-sgdm"), "momenta=0.5,0.9,0.99").toString(), "commas make a list");
        assertEquals("sgd(lr=0.2, momentum=0.9, nesterov=true)",
                SPECS.set(single, List.of("nesterov=true", "momentum=0.9", "lr=0.2")).toString(),
                "the whole spec is checked once every setting is in");
        assertEquals("sgd(lr=0.2, momentum=0.9, nesterov=true)",
                SPECS.set(single, Map.of("lr", 0.2, "momentum", 0.9, "nesterov", true)).toString());
        assertEquals("sgd(lr=0.05)/sgd(lr=0, frozen)", SPECS.set(SPECS.parse("sgd(0.05)/sgd(1e-4)"),
                List.of("level1.lr=0", "level1.frozen=true")).toString());
        assertEquals("adam(amsgrad=true)", SPECS.set(SPECS.parse("adam"), "amsgrad", true).toString());
    }

    @ParameterizedTest(name = "[{index}] {1} -> column {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "sgd(0.05)/sgd(1e-4)|level2.lr=1|1|the tower sgd(lr=0.05)/sgd(lr=1e-4) has levels 0 to 1",
        "sgd|level1.lr=1|1|sgd is a single optimizer, it has no level 1",
        "sgd|lrr=0.1|1|sgd has no hyperparameter or option 'lrr'",
        "sgd|lr=-1|4|Invalid lr = -1.0",
        "sgd|lr|3|expected '=' after the key lr",
        "sgd|lr=|4|expected a value but found end of input",
        "sgd(0.05)/sgd(1e-4)|level1.name=gap-sgdm|13|cannot be a tower level",
        "sgd(0.05)/sgd(1e-4)|level1.lr=0|11|a learning level needs a step size > 0",
        "sgd|schedule.lr=cosine(steps=0)|13|must be a whole number >= 1",
        "sgd(0.05)/sgd(1e-4)|level0.schedule.lr=cosine(9)|20|has lr learned by level 1, so it cannot follow a schedule",
        "sgd(momentum=0.9, nesterov)|momentum=0|0|Nesterov momentum requires momentum > 0",
    })
    void badSettingsNameTheSettingAndColumn(String spec, String setting, int column, String message) {
        SpecException e = assertThrows(SpecException.class, () -> SPECS.set(SPECS.parse(spec), setting));
        assertEquals(column, e.column(), e.getMessage());
        assertTrue(e.getMessage().startsWith("Invalid setting \"" + setting + "\"" + (column > 0 ? " at column " + column : "")
                + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    @Test
    void buildsPlainOptimizersTowersAveragingAndSchedules() {
        Backend b = new ReferenceBackend();
        Parameter p = new Parameter("w", b.zeros(Shape.vector(3)), b.zeros(Shape.vector(3)));
        ParameterSet params = ParameterSet.of(List.of(p));
        try (Optimizer plain = SPECS.build(SPECS.parse("sgd(0.1, schedule.lr=cosine(10))"), b, params);
             Optimizer tower = SPECS.build(SPECS.parse("adam(learn=beta1, schedule.lr=cosine(10))/sgd(1e-5)"), b, params);
             Optimizer averaged = SPECS.build(SPECS.parse("sgd(0.1, average=ema:0.9)"), b, params)) {
            BaseOptimizer base = (BaseOptimizer) plain;
            // cosine(10) at position 3: 0.1 (1 + cos(3 pi/10))/2
            for (int k = 0; k < 3; k++) {
                base.step();
            }
            assertEquals(0.1 * (1 + Math.cos(3 * Math.PI / 10)) / 2,
                    base.effectiveHyperparameters(params.groups().get(0).name()).get("lr"), 1e-15);
            assertEquals(0, ((HyperOptimizer) tower).schedulePosition(0, "lr"), "the tower level's schedule is attached");
            assertTrue(averaged instanceof ParameterAveraging);
        }
        assertEquals(Map.of("L0.lr", 1e-3, "L1.lr", 1e-5), Map.of("L0.lr",
                SPECS.hyperparameters(SPECS.parse("adam/sgd(1e-5)")).get("L0.lr"), "L1.lr",
                SPECS.hyperparameters(SPECS.parse("adam/sgd(1e-5)")).get("L1.lr")));
        Map<String, Object> sgd = SPECS.hyperparameters(SPECS.parse("sgd(0.1, nesterov, momentum=0.9)"));
        assertEquals(0.1, sgd.get("lr"));
        assertEquals(true, sgd.get("nesterov"));
        assertEquals(0.0, sgd.get("weight_decay"), "defaults included");
        assertNull(SPECS.parse("sgd").average());
    }
}
