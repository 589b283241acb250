package org.optopt.optimizers.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.optopt.api.optim.Optimizers;
import org.optopt.optimizers.schedule.Schedule;

/**
 * The schedule grammar against the closed forms, evaluated by hand at a few positions (base value
 * b, position t): e.g. cosine(100, min=0.1) at t=50 is 0.1 + 0.9 (1 + cos(pi/2))/2 = 0.55.
 */
class ScheduleSpecTest {
    private static final OptimizerSpecs SPECS = new OptimizerSpecs(Optimizers.discover());

    private static Schedule schedule(String text) {
        return SPECS.parse("sgd(schedule.lr=" + text + ")").levels().get(0).schedules().get("lr").schedule();
    }

    @ParameterizedTest(name = "{0} at t={2}, b={1}")
    @CsvSource(delimiter = '|', value = {
        "constant|0.3|7|0.3",
        "cosine(steps=100, min=0.1)|1|0|1",
        "cosine(steps=100, min=0.1)|1|50|0.55",
        "cosine(100, 0.1)|1|100|0.1",
        "cosine(100, min=0.1)|1|250|0.1",
        "warmup(10)+cosine(90)|2|0|0",
        "warmup(10)+cosine(90)|2|5|1",
        "warmup(10)+cosine(90)|2|10|2",
        "warmup(10)+cosine(90)|2|55|1",
        "warmup(10)+cosine(90)|2|100|0",
        "warmup(steps=4, start=0.5)|1|2|0.75",
        "step(every=30, gamma=0.1)|1|29|1",
        "step(30)|1|30|0.1",
        "step(30)|1|65|0.01",
        "exponential(0.5)|1|3|0.125",
        "polynomial(steps=4, power=2)|1|2|0.25",
        "polynomial(4)|1|9|0",
        "cosine_restarts(steps=10, mult=2)|1|10|1",
        "cosine_restarts(steps=10, mult=2)|1|15|0.8535533905932737",
        "cosine_restarts(steps=10, mult=2)|1|30|1",
        "onecycle(100)|1|0|0.04",
        "onecycle(100)|1|29|1",
        "onecycle(100)|1|99|4e-6",
        "warmup(2)+constant|5|1|2.5",
        "warmup(2)+polynomial(4)+constant|8|4|4",
        "warmup(2)+polynomial(4)+constant|8|9|8",
    })
    void valuesMatchTheClosedForms(String text, double base, long t, double expected) {
        assertEquals(expected, schedule(text).value(t, base), 1e-12 * Math.max(1, Math.abs(expected)), text);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "cosine(1000)|cosine(steps=1000, min=0)",
        "WARMUP(100) + cosine(steps=900, min=1e-5)|warmup(steps=100, start=0)+cosine(steps=900, min=1e-5)",
        "onecycle(100, div=10)|onecycle(steps=100, pct_start=0.3, div=10, final_div=10000)",
    })
    void schedulesPrintCanonically(String text, String canonical) {
        String printed = SPECS.parse("sgd(schedule.lr=" + text + ")").levels().get(0).schedules().get("lr").toString();
        assertEquals(canonical, printed);
        assertEquals(printed, SPECS.parse("sgd(schedule.lr=" + printed + ")").levels().get(0).schedules().get("lr").toString());
    }
}
