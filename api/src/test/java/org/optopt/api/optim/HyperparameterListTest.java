package org.optopt.api.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class HyperparameterListTest {
    private final HyperparameterList momenta = new HyperparameterList("momenta", List.of(0.5, 0.9, 0.99),
            Domain.closedOpen(0, 1), "candidate momenta");

    @Test
    void acceptsStrictlyAscendingCandidatesInTheDomain() {
        assertEquals(List.of(0.0, 0.9), momenta.require(List.of(0.0, 0.9)));
        assertEquals(List.of(0.3), momenta.require(List.of(0.3)));
    }

    @Test
    void refusesEmptyUnsortedRepeatedAndOutOfDomainListsNamingTheValue() {
        assertEquals("Invalid momenta = []: needs at least one candidate",
                assertThrows(IllegalArgumentException.class, () -> momenta.require(List.of())).getMessage());
        assertEquals("Invalid momenta = [0.9,0.5]: candidates must be strictly ascending, but 0.5 follows 0.9",
                assertThrows(IllegalArgumentException.class, () -> momenta.require(List.of(0.9, 0.5))).getMessage());
        assertEquals("Invalid momenta = [0.5,0.5]: candidates must be strictly ascending, but 0.5 is repeated",
                assertThrows(IllegalArgumentException.class, () -> momenta.require(List.of(0.5, 0.5))).getMessage());
        assertEquals("Invalid momenta = [0.5,1.0]: candidate 1.0 must satisfy 0 <= candidate < 1",
                assertThrows(IllegalArgumentException.class, () -> momenta.require(List.of(0.5, 1.0))).getMessage());
        assertThrows(IllegalArgumentException.class, () -> momenta.require(List.of(-0.1)));
        assertThrows(IllegalArgumentException.class, () -> momenta.require(List.of(Double.NaN)));
    }

    @Test
    void theDefaultMustBeValid() {
        assertThrows(IllegalArgumentException.class,
                () -> new HyperparameterList("m", List.of(0.9, 0.5), Domain.closedOpen(0, 1), "d"));
    }

    @Test
    void formatsAsTheCommandLineWritesIt() {
        assertEquals("[0.5,0.9,0.99]", HyperparameterList.format(momenta.defaultValue()));
        assertEquals("momenta = [0.5,0.9,0.99] (each 0 <= candidate < 1): candidate momenta", momenta.toString());
    }
}
