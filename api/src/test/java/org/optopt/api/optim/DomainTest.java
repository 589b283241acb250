package org.optopt.api.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class DomainTest {

    @Test
    void boundsAreOpenOrClosedAsDeclaredAndNonFiniteValuesAreOutside() {
        Domain beta = Domain.closedOpen(0, 1);
        assertTrue(beta.contains(0) && beta.contains(0.999));
        assertFalse(beta.contains(1) || beta.contains(-1e-12) || beta.contains(Double.NaN));
        assertFalse(Domain.greaterThan(0).contains(0));
        assertFalse(Domain.real().contains(Double.POSITIVE_INFINITY));
        assertFalse(Domain.integerAtLeast(1).contains(1.5));
        assertTrue(Domain.integerAtLeast(1).contains(7));
        assertEquals("0 <= beta1 < 1", beta.describe("beta1"));
        assertEquals("eps > 0", Domain.greaterThan(0).describe("eps"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> beta.require("beta2", 1.0));
        assertEquals("Invalid beta2 = 1.0: must satisfy 0 <= beta2 < 1", e.getMessage());
    }

    @Test
    void domainsSuggestTheirReparameterization() {
        assertEquals(Reparameterization.UNIT_INTERVAL_TANH, Domain.closedOpen(0, 1).reparameterization());
        assertEquals(Reparameterization.POSITIVE_SOFTPLUS, Domain.greaterThan(0).reparameterization());
        assertEquals(Reparameterization.POSITIVE_SQUARE, Domain.atLeast(0).reparameterization());
        assertEquals(Reparameterization.IDENTITY, Domain.real().reparameterization());
    }

    @ParameterizedTest
    @EnumSource(Reparameterization.class)
    void inverseUndoesForwardAndDerivativeMatchesFiniteDifferences(Reparameterization r) {
        for (double x : new double[] {-1.3, -0.2, 0.4, 2.1}) {
            if (r == Reparameterization.POSITIVE_SQUARE && x < 0) {
                continue;
            }
            assertEquals(x, r.inverse(r.forward(x)), 1e-12, r + " at " + x);
            double h = 1e-6;
            double fd = (r.forward(x + h) - r.forward(x - h)) / (2 * h);
            assertEquals(fd, r.derivative(x), 1e-8, r + "' at " + x);
        }
    }

    @Test
    void hyperparameterDefaultsMustLieInTheirDomain() {
        assertThrows(IllegalArgumentException.class, () -> new Hyperparameter("lr", -1, Domain.atLeast(0), "x"));
        assertThrows(IllegalArgumentException.class, () -> new Choice("c", "maybe", java.util.List.of("a", "b"), "x"));
    }
}
