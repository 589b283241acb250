package org.optopt.optimizers.transform;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.optopt.api.kernel.Expr;

/**
 * The update a {@link Chain} passes from transform to transform, as Optax's {@code updates}: the
 * amount that is finally subtracted from the iterate. It is kept in parts rather than as one
 * expression so that a chain computes the same float operations in the same order as the
 * reference implementations: a {@link Term} {@code (scale*numerator)*multipliers/denominator}
 * whose uniform scale ({@code factors} times, then divided by {@code divisors}) is applied last
 * by {@code scaleBy...} transforms, a {@link Sum} of terms subtracted one after another (as
 * torch's in-place {@code addcdiv_} calls), or a {@link Choice} between updates per element.
 *
 * <p>{@link #subtractFrom(Expr)} is the one place where a rule's sign is applied.
 */
public sealed interface Update {

    /** A plain update {@code direction}. */
    static Update of(Expr direction) {
        return new Term(direction, null, List.of(), List.of(), List.of(), false);
    }

    /** The update {@code numerator/denominator}; a later scale multiplies the numerator first, as torch does. */
    static Update fraction(Expr numerator, Expr denominator) {
        return new Term(numerator, denominator, List.of(), List.of(), List.of(), false);
    }

    /** The update {@code ifTrue} where {@code condition} holds, else {@code ifFalse}. */
    static Update choice(Expr condition, Update ifTrue, Update ifFalse) {
        return new Choice(condition, ifTrue, ifFalse);
    }

    /** This update times the uniform {@code factor}, placed before the factors already there (the step size comes first). */
    Update scaled(Expr factor);

    /** This update divided by the uniform {@code divisor} (e.g. a bias correction). */
    Update dividedBy(Expr divisor);

    /**
     * This update as one expression, for a transform that works on it further.
     *
     * @throws IllegalStateException for a sum or choice, which only a chain's end can apply
     */
    Expr value();

    /** {@code target - this}: the new value of the iterate, the only subtraction of a chain. */
    Expr subtractFrom(Expr target);

    /**
     * One term {@code (scale*numerator)*multipliers.../denominator}, with {@code scale =
     * factors[0]*factors[1].../divisors[0]/...}.
     *
     * @param numerator the elementwise direction
     * @param denominator divides after the scale, or null
     * @param multipliers elementwise or uniform factors applied after the scale, in order
     * @param factors uniform factors of the scale
     * @param divisors uniform divisors of the scale
     * @param scaleRight whether the scale multiplies from the right ({@code numerator*scale}), as
     *     some references write it
     */
    record Term(Expr numerator, Expr denominator, List<Expr> multipliers, List<Expr> factors, List<Expr> divisors,
                boolean scaleRight) implements Update {
        /** Copies the lists. */
        public Term {
            multipliers = List.copyOf(multipliers);
            factors = List.copyOf(factors);
            divisors = List.copyOf(divisors);
        }

        /** This term with the scale applied from the right, {@code numerator*scale}. */
        public Term scaledFromRight() {
            return new Term(numerator, denominator, multipliers, factors, divisors, true);
        }

        /** This term times {@code multiplier} after the scale. */
        public Term times(Expr multiplier) {
            List<Expr> all = new ArrayList<>(multipliers);
            all.add(multiplier);
            return new Term(numerator, denominator, all, factors, divisors, scaleRight);
        }

        @Override
        public Term scaled(Expr factor) {
            List<Expr> all = new ArrayList<>(List.of(factor));
            all.addAll(factors);
            return new Term(numerator, denominator, multipliers, all, divisors, scaleRight);
        }

        @Override
        public Term dividedBy(Expr divisor) {
            List<Expr> all = new ArrayList<>(divisors);
            all.add(divisor);
            return new Term(numerator, denominator, multipliers, factors, all, scaleRight);
        }

        @Override
        public Expr value() {
            Expr x = numerator;
            if (!factors.isEmpty() || !divisors.isEmpty()) {
                Expr scale = factors.isEmpty() ? Expr.one() : factors.getFirst();
                for (Expr f : factors.subList(Math.min(1, factors.size()), factors.size())) {
                    scale = scale.times(f);
                }
                for (Expr d : divisors) {
                    scale = scale.div(d);
                }
                x = scaleRight ? x.times(scale) : scale.times(x);
            }
            for (Expr m : multipliers) {
                x = x.times(m);
            }
            return denominator == null ? x : x.div(denominator);
        }

        @Override
        public Expr subtractFrom(Expr target) {
            return target.minus(value());
        }
    }

    /**
     * Terms subtracted one after another: {@code target - terms[0] - terms[1] ...}.
     *
     * @param terms at least two
     */
    record Sum(List<Update> terms) implements Update {
        /** Copies the list. */
        public Sum {
            terms = List.copyOf(terms);
        }

        private Sum map(UnaryOperator<Update> f) {
            return new Sum(terms.stream().map(f).toList());
        }

        @Override
        public Update scaled(Expr factor) {
            return map(t -> t.scaled(factor));
        }

        @Override
        public Update dividedBy(Expr divisor) {
            return map(t -> t.dividedBy(divisor));
        }

        @Override
        public Expr value() {
            throw new IllegalStateException("A sum of update terms can only be applied at the end of a chain");
        }

        @Override
        public Expr subtractFrom(Expr target) {
            Expr x = target;
            for (Update t : terms) {
                x = t.subtractFrom(x);
            }
            return x;
        }
    }

    /**
     * An update chosen per element: the iterate becomes {@code condition ? target - ifTrue : target - ifFalse}.
     *
     * @param condition nonzero where {@code ifTrue} applies
     * @param ifTrue the update where the condition holds
     * @param ifFalse the update elsewhere
     */
    record Choice(Expr condition, Update ifTrue, Update ifFalse) implements Update {
        @Override
        public Update scaled(Expr factor) {
            return new Choice(condition, ifTrue.scaled(factor), ifFalse.scaled(factor));
        }

        @Override
        public Update dividedBy(Expr divisor) {
            return new Choice(condition, ifTrue.dividedBy(divisor), ifFalse.dividedBy(divisor));
        }

        @Override
        public Expr value() {
            throw new IllegalStateException("A choice between updates can only be applied at the end of a chain");
        }

        @Override
        public Expr subtractFrom(Expr target) {
            return Expr.select(condition, ifTrue.subtractFrom(target), ifFalse.subtractFrom(target));
        }
    }
}
