package org.optopt.optimizers.gap;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An independent implementation of issue 19's GAP rules on host float arrays, written from the
 * issue's text (no kernels, no optimizer classes): float32 elements, coefficients such as 1 - beta
 * computed in double and rounded once (as torch passes them), dot products and means in double,
 * scores summed over tensors in switch mode, the first candidate on a tie.
 */
final class GapReference {
    private final boolean adam;
    private final double[] candidates;
    private final boolean perTensor;
    private final double lr;
    private final double jEma;
    private final double weightDecay;
    private final double beta2;
    private final double eps;
    private final Map<String, float[][]> state = new LinkedHashMap<>();
    private final Map<String, float[]> v = new LinkedHashMap<>();
    private final Map<String, double[]> smoothed = new LinkedHashMap<>();
    private final Map<String, Integer> choices = new LinkedHashMap<>();
    private double[] modelSmoothed;
    private int t;

    GapReference(boolean adam, double[] candidates, boolean perTensor, double lr, double jEma, double weightDecay,
                 double beta2, double eps) {
        this.adam = adam;
        this.candidates = candidates.clone();
        this.perTensor = perTensor;
        this.lr = lr;
        this.jEma = jEma;
        this.weightDecay = weightDecay;
        this.beta2 = beta2;
        this.eps = eps;
        this.modelSmoothed = new double[candidates.length];
    }

    /** The candidate index each tensor used in the last step. */
    Map<String, Integer> choices() {
        return choices;
    }

    /** One step: updates {@code params} in place from {@code grads}. */
    void step(Map<String, float[]> params, Map<String, float[]> grads) {
        t++;
        int k = candidates.length;
        Map<String, float[][]> directions = new LinkedHashMap<>();
        Map<String, double[]> scores = new LinkedHashMap<>();
        for (String name : params.keySet()) {
            float[] p = params.get(name);
            float[] g = grads.get(name);
            int n = p.length;
            float[][] s = state.computeIfAbsent(name, x -> new float[k][n]);
            float[][] dir = new float[k][n];
            double[] score = new double[k];
            if (adam) {
                float[] vv = v.computeIfAbsent(name, x -> new float[n]);
                float b2 = (float) beta2;
                float bc2 = (float) (1 - Math.pow(beta2, t));
                double metric = 0;
                for (int i = 0; i < n; i++) {
                    vv[i] = b2 * vv[i] + (float) (1 - beta2) * g[i] * g[i];
                    metric += 1.0 / ((float) Math.sqrt(vv[i]) + (float) eps);
                }
                double w = metric / n;
                for (int j = 0; j < k; j++) {
                    float b1 = (float) candidates[j];
                    float bc1 = (float) (1 - Math.pow(candidates[j], t));
                    double dot = 0;
                    for (int i = 0; i < n; i++) {
                        s[j][i] = b1 * s[j][i] + (float) (1 - candidates[j]) * g[i];
                        dir[j][i] = (s[j][i] / bc1) / ((float) Math.sqrt(vv[i] / bc2) + (float) eps);
                        dot += (double) g[i] * dir[j][i];
                    }
                    score[j] = dot * Math.sqrt((1 - candidates[j] * candidates[j]) / w);
                }
            } else {
                float[] d = new float[n];
                for (int i = 0; i < n; i++) {
                    d[i] = g[i] + (float) weightDecay * p[i];
                }
                for (int j = 0; j < k; j++) {
                    double dot = 0;
                    for (int i = 0; i < n; i++) {
                        s[j][i] = t == 1 ? d[i] : (float) candidates[j] * s[j][i] + d[i];
                        dir[j][i] = s[j][i];
                        dot += (double) d[i] * s[j][i];
                    }
                    score[j] = dot * Math.sqrt(1 - candidates[j] * candidates[j]);
                }
            }
            directions.put(name, dir);
            scores.put(name, score);
        }
        int model = -1;
        if (!perTensor) {
            for (int j = 0; j < k; j++) {
                double sum = 0;
                for (double[] s : scores.values()) {
                    sum += s[j];
                }
                modelSmoothed[j] = jEma * modelSmoothed[j] + (1 - jEma) * sum;
            }
            model = first(modelSmoothed);
        }
        for (String name : params.keySet()) {
            int chosen = model;
            if (perTensor) {
                double[] s = smoothed.computeIfAbsent(name, x -> new double[k]);
                for (int j = 0; j < k; j++) {
                    s[j] = jEma * s[j] + (1 - jEma) * scores.get(name)[j];
                }
                chosen = first(s);
            }
            choices.put(name, chosen);
            float[] p = params.get(name);
            float[] dir = directions.get(name)[chosen];
            for (int i = 0; i < p.length; i++) {
                if (adam) {
                    p[i] = p[i] * (float) (1 - lr * weightDecay);
                }
                p[i] = p[i] - (float) lr * dir[i];
            }
        }
    }

    private static int first(double[] s) {
        int best = 0;
        for (int j = 1; j < s.length; j++) {
            if (s[j] > s[best]) {
                best = j;
            }
        }
        return best;
    }

    /** The parameters as a trajectory entry of a golden file. */
    static Map<String, Object> snapshot(Map<String, float[]> params) {
        Map<String, Object> out = new LinkedHashMap<>();
        params.forEach((name, p) -> {
            List<Double> values = new ArrayList<>();
            for (float x : p) {
                values.add((double) x);
            }
            out.put(name, values);
        });
        return out;
    }
}
