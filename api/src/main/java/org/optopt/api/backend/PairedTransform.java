package org.optopt.api.backend;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code y = M x} for a small matrix {@code M} ({@code rows x cols}, row-major) whose inputs
 * {@code x[j]} and outputs {@code y[i]} are float vectors, as the passes of {@link TileTransforms}
 * apply a tile transform to whole rows and blocks of tiles at once.
 *
 * <p>Winograd's transforms evaluate polynomials at point pairs {@code +a, -a}, so their matrices have
 * pairs of rows (or columns) equal up to the sign pattern {@code s (-1)^k}: row {@code i'} is
 * {@code M[i'][k] = s (-1)^k M[i][k]} with {@code s = +-1}. For such a row pair the even and the odd
 * part of the row are summed once, {@code E = sum_{k even} M[i][k] x[k]} and {@code O} likewise, and
 * {@code y[i] = E + O}, {@code y[i'] = s (E - O)} ({@link #ofRows}): about half the multiplications.
 * For a column pair, likewise, {@code x[j] + s x[j']} and {@code x[j] - s x[j']} are formed once and
 * each output takes one of them, by the parity of its index ({@link #ofColumns}). Pairs are found by
 * exact comparison of the floats, so any matrix works; one without pairs is applied as it is.
 *
 * <p>Each output is a sum of its nonzero terms, up to four per pass over the vectors (one store for
 * four products, where one {@code y += a x} pass per term would store four times). Every loop indexes
 * all its arrays alike, which HotSpot's C2 vectorizes (see {@link TileTransforms}).
 */
final class PairedTransform {
    private final int rows;
    /** Input butterflies {@code {j, j'}} and their signs, applied in place before the sums. */
    private final int[][] inputPairs;
    private final float[] inputSigns;
    /** Per output: the inputs of its nonzero terms and their weights. */
    private final int[][] terms;
    private final float[][] weights;
    /** Output butterflies {@code {i, i'}} (E in y[i], O in y[i']) and their signs, applied after the sums. */
    private final int[][] outputPairs;
    private final float[] outputSigns;

    private PairedTransform(int rows, List<int[]> inputPairs, List<Float> inputSigns, List<List<Integer>> terms,
            List<List<Float>> weights, List<int[]> outputPairs, List<Float> outputSigns) {
        this.rows = rows;
        this.inputPairs = inputPairs.toArray(new int[0][]);
        this.inputSigns = floats(inputSigns);
        this.terms = new int[rows][];
        this.weights = new float[rows][];
        for (int i = 0; i < rows; i++) {
            this.terms[i] = terms.get(i).stream().mapToInt(Integer::intValue).toArray();
            this.weights[i] = floats(weights.get(i));
        }
        this.outputPairs = outputPairs.toArray(new int[0][]);
        this.outputSigns = floats(outputSigns);
    }

    private static float[] floats(List<Float> values) {
        float[] f = new float[values.size()];
        for (int i = 0; i < f.length; i++) {
            f[i] = values.get(i);
        }
        return f;
    }

    /** {@code M} with its pairs of rows shared; outputs are overwritten ({@link #apply} without accumulating). */
    static PairedTransform ofRows(float[] m, int rows, int cols) {
        List<List<Integer>> terms = new ArrayList<>();
        List<List<Float>> weights = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            terms.add(new ArrayList<>());
            weights.add(new ArrayList<>());
        }
        List<int[]> pairs = new ArrayList<>();
        List<Float> signs = new ArrayList<>();
        boolean[] done = new boolean[rows];
        for (int i = 0; i < rows; i++) {
            if (done[i]) {
                continue;
            }
            done[i] = true;
            int partner = -1;
            float sign = 0f;
            for (int i2 = i + 1; i2 < rows && partner < 0 && hasBothParities(m, i * cols, 1, cols); i2++) {
                sign = pairSign(m, i * cols, i2 * cols, 1, cols);
                partner = done[i2] || sign == 0f ? -1 : i2;
            }
            for (int k = 0; k < cols; k++) {
                int output = partner >= 0 && k % 2 == 1 ? partner : i;
                addTerm(terms.get(output), weights.get(output), k, m[i * cols + k]);
            }
            if (partner >= 0) {
                done[partner] = true;
                pairs.add(new int[] {i, partner});
                signs.add(sign);
            }
        }
        return new PairedTransform(rows, List.of(), List.of(), terms, weights, pairs, signs);
    }

    /** {@code M} with its pairs of columns shared; outputs may be overwritten or accumulated into. */
    static PairedTransform ofColumns(float[] m, int rows, int cols) {
        int[] partner = new int[cols];
        float[] sign = new float[cols];
        Arrays.fill(partner, -1);
        List<int[]> pairs = new ArrayList<>();
        List<Float> signs = new ArrayList<>();
        for (int j = 0; j < cols; j++) {
            for (int j2 = j + 1; j2 < cols && partner[j] < 0 && hasBothParities(m, j, cols, rows); j2++) {
                float s = pairSign(m, j, j2, cols, rows);
                if (s != 0f && partner[j2] < 0) {
                    partner[j] = j2;
                    partner[j2] = j;
                    sign[j] = s;
                    pairs.add(new int[] {j, j2});
                    signs.add(s);
                }
            }
        }
        List<List<Integer>> terms = new ArrayList<>();
        List<List<Float>> weights = new ArrayList<>();
        for (int a = 0; a < rows; a++) {
            List<Integer> t = new ArrayList<>();
            List<Float> w = new ArrayList<>();
            for (int j = 0; j < cols; j++) {
                boolean second = partner[j] >= 0 && partner[j] < j;
                if (!second) {
                    // a paired column's sum x[j] + s x[j'] serves even outputs, its difference odd ones
                    addTerm(t, w, partner[j] >= 0 && a % 2 == 1 ? partner[j] : j, m[a * cols + j]);
                }
            }
            terms.add(t);
            weights.add(w);
        }
        return new PairedTransform(rows, pairs, signs, terms, weights, List.of(), List.of());
    }

    private static void addTerm(List<Integer> terms, List<Float> weights, int input, float weight) {
        if (weight != 0f) {
            terms.add(input);
            weights.add(weight);
        }
    }

    /** Whether the line (a row or a column, {@code count} entries {@code stride} apart) has nonzeros at both parities. */
    private static boolean hasBothParities(float[] m, int first, int stride, int count) {
        boolean even = false;
        boolean odd = false;
        for (int k = 0; k < count; k++) {
            if (m[first + k * stride] != 0f) {
                even |= k % 2 == 0;
                odd |= k % 2 == 1;
            }
        }
        return even && odd;
    }

    /** The sign s with {@code line2[k] = s (-1)^k line1[k]} for every k, or 0 if there is none. */
    private static float pairSign(float[] m, int first1, int first2, int stride, int count) {
        for (float s : new float[] {1f, -1f}) {
            boolean all = true;
            for (int k = 0; k < count && all; k++) {
                float expected = (k % 2 == 0 ? s : -s) * m[first1 + k * stride];
                all = m[first2 + k * stride] == expected;
            }
            if (all) {
                return s;
            }
        }
        return 0f;
    }

    /**
     * This plan as one flat table for a device task that evaluates it output by output in the same
     * order of operations ({@link TileTransforms#imageToTilesTable}): for each of the {@code rows}
     * outputs {@code 1 + 2 cols} floats (its term count, then its terms' input indices and weights,
     * padded with zeros), then per output and per input ({@code cols} of them) the partner of its
     * pair (-1 if none) and the pair's sign. The smaller index of a pair is its first: an output pair's
     * first gets {@code E + O}, an input pair's first the sum {@code x[j] + s x[j']}.
     */
    float[] table(int cols) {
        int termWidth = 1 + 2 * cols;
        float[] t = new float[rows * termWidth + 2 * rows + 2 * cols];
        for (int i = 0; i < rows; i++) {
            t[i * termWidth] = terms[i].length;
            for (int k = 0; k < terms[i].length; k++) {
                t[i * termWidth + 1 + 2 * k] = terms[i][k];
                t[i * termWidth + 2 + 2 * k] = weights[i][k];
            }
        }
        int outputs = rows * termWidth;
        int inputs = outputs + 2 * rows;
        for (int k = outputs; k < t.length; k += 2) {
            t[k] = -1f;
        }
        putPairs(t, outputs, outputPairs, outputSigns);
        putPairs(t, inputs, inputPairs, inputSigns);
        return t;
    }

    private static void putPairs(float[] t, int at, int[][] pairs, float[] signs) {
        for (int k = 0; k < pairs.length; k++) {
            for (int side = 0; side < 2; side++) {
                t[at + 2 * pairs[k][side]] = pairs[k][1 - side];
                t[at + 2 * pairs[k][side] + 1] = signs[k];
            }
        }
    }

    /** How many pairs of rows or columns share their multiplications. */
    int pairs() {
        return inputPairs.length + outputPairs.length;
    }

    /**
     * {@code y[i][from, to) = sum_j M[i][j] x[j][from, to)}, or {@code +=} where {@code accumulate}; a
     * null {@code y[i]} is not computed. The inputs of column pairs are overwritten (they are scratch).
     *
     * @throws IllegalStateException if asked to accumulate or skip outputs of a plan with row pairs
     */
    void apply(float[][] x, float[][] y, int from, int to, boolean accumulate) {
        if (outputPairs.length > 0 && (accumulate || Arrays.asList(y).contains(null))) {
            throw new IllegalStateException("A transform with shared rows writes all its outputs");
        }
        for (int k = 0; k < inputPairs.length; k++) {
            sumAndDifference(x[inputPairs[k][0]], x[inputPairs[k][1]], inputSigns[k], from, to);
        }
        for (int i = 0; i < rows; i++) {
            if (y[i] != null) {
                sum(terms[i], weights[i], x, y[i], from, to, accumulate);
            }
        }
        for (int k = 0; k < outputPairs.length; k++) {
            evenAndOdd(y[outputPairs[k][0]], y[outputPairs[k][1]], outputSigns[k], from, to);
        }
    }

    /** {@code (u, v) = (u + s v, u - s v)} elementwise: an input pair's sum and difference. */
    private static void sumAndDifference(float[] u, float[] v, float s, int from, int to) {
        for (int k = from; k < to; k++) {
            float a = u[k];
            float b = s * v[k];
            u[k] = a + b;
            v[k] = a - b;
        }
    }

    /** {@code (e, o) = (e + o, s (e - o))} elementwise: an output pair from its even and odd parts. */
    private static void evenAndOdd(float[] e, float[] o, float s, int from, int to) {
        for (int k = from; k < to; k++) {
            float a = e[k];
            float b = o[k];
            e[k] = a + b;
            o[k] = s * (a - b);
        }
    }

    /**
     * {@code y (=|+=) sum_t w[t] x[in[t]]}: the first pass writes up to four terms; every later pass (and
     * the first where accumulating) reads y as one more term, of weight 1, and adds up to three.
     */
    private static void sum(int[] in, float[] w, float[][] x, float[] y, int from, int to, boolean accumulate) {
        if (in.length == 0 && !accumulate) {
            Arrays.fill(y, from, to, 0f);
        }
        boolean add = accumulate;
        for (int t = 0; t < in.length; add = true) {
            int count = Math.min(add ? 3 : 4, in.length - t);
            float[][] xs = new float[4][];
            float[] ws = new float[4];
            int n = 0;
            if (add) {
                xs[n] = y;
                ws[n++] = 1f;
            }
            for (int u = t; u < t + count; u++) {
                xs[n] = x[in[u]];
                ws[n++] = w[u];
            }
            t += count;
            switch (n) {
                case 1 -> pass1(ws[0], xs[0], y, from, to);
                case 2 -> pass2(ws[0], xs[0], ws[1], xs[1], y, from, to);
                case 3 -> pass3(ws[0], xs[0], ws[1], xs[1], ws[2], xs[2], y, from, to);
                default -> pass4(ws[0], xs[0], ws[1], xs[1], ws[2], xs[2], ws[3], xs[3], y, from, to);
            }
        }
    }

    private static void pass1(float a, float[] x, float[] y, int from, int to) {
        for (int k = from; k < to; k++) {
            y[k] = a * x[k];
        }
    }

    private static void pass2(float a, float[] x, float b, float[] u, float[] y, int from, int to) {
        for (int k = from; k < to; k++) {
            y[k] = a * x[k] + b * u[k];
        }
    }

    private static void pass3(float a, float[] x, float b, float[] u, float c, float[] v, float[] y, int from,
            int to) {
        for (int k = from; k < to; k++) {
            y[k] = a * x[k] + b * u[k] + c * v[k];
        }
    }

    private static void pass4(float a, float[] x, float b, float[] u, float c, float[] v, float d, float[] z,
            float[] y, int from, int to) {
        for (int k = from; k < to; k++) {
            y[k] = a * x[k] + b * u[k] + c * v[k] + d * z[k];
        }
    }
}
