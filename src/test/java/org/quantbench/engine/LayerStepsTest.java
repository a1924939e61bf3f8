package org.quantbench.engine;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.quantbench.model.ModelConfig;
import org.quantbench.model.RopeLayout;
import org.quantbench.model.RopeScaling;
import org.quantbench.tensor.ComputePool;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class LayerStepsTest {

    @ParameterizedTest
    @CsvSource({"4, 2, 8, 70", "9, 3, 64, 130", "2, 2, 6, 1", "4, 1, 128, 37", "3, 3, 64, 7"})
    void attentionMatchesANaiveCausalSoftmax(int heads, int kvHeads, int headDim, int n) {
        ModelConfig c = new ModelConfig("LlamaForCausalLM", heads * headDim, 32, 1, heads, kvHeads, headDim, 100, 512,
                1e-5f, 10000f, RopeScaling.NONE, RopeLayout.HALF, true, false);
        SplittableRandom rnd = new SplittableRandom(n);
        float[] q = new float[n * c.qDim()];
        float[] k = new float[n * c.kvDim()];
        float[] v = new float[n * c.kvDim()];
        for (float[] a : new float[][] {q, k, v}) {
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) (rnd.nextDouble() * 4 - 2);
            }
        }
        float[] qRef = q.clone();
        float[] kRef = k.clone();
        RopeTable rope = new RopeTable(c, n);
        for (int t = 0; t < n; t++) {
            rope.rotate(qRef, t * c.qDim(), heads, t);
            rope.rotate(kRef, t * c.kvDim(), kvHeads, t);
        }
        float[] att = new float[n * c.qDim()];
        try (ComputePool pool = new ComputePool(2)) {
            new LayerSteps(c, n, pool).attention(q, k, v, null, null, null, att, n);
        }
        int group = heads / kvHeads;
        for (int t = 0; t < n; t++) {
            for (int h = 0; h < heads; h++) {
                int kvOff = (h / group) * headDim;
                double[] s = new double[t + 1];
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j <= t; j++) {
                    double dot = 0;
                    for (int d = 0; d < headDim; d++) {
                        dot += (double) qRef[t * c.qDim() + h * headDim + d] * kRef[j * c.kvDim() + kvOff + d];
                    }
                    s[j] = dot / Math.sqrt(headDim);
                    max = Math.max(max, s[j]);
                }
                double sum = 0;
                for (int j = 0; j <= t; j++) {
                    s[j] = Math.exp(s[j] - max);
                    sum += s[j];
                }
                for (int d = 0; d < headDim; d++) {
                    double o = 0;
                    for (int j = 0; j <= t; j++) {
                        o += s[j] / sum * v[j * c.kvDim() + kvOff + d];
                    }
                    assertThat((double) att[t * c.qDim() + h * headDim + d]).as("t %d h %d d %d", t, h, d)
                            .isCloseTo(o, within(1e-4));
                }
            }
        }
    }

    /** SwiGLU with the vector exp: close to the scalar formula on both signs, far out and in the tail lanes. */
    @org.junit.jupiter.api.Test
    void swigluMatchesTheScalarFormula() {
        int n = 1003;
        float[] gate = new float[n];
        float[] up = new float[n];
        SplittableRandom random = new SplittableRandom(5);
        for (int i = 0; i < n; i++) {
            gate[i] = (float) (i < 8 ? (i - 4) * 30.0 : random.nextDouble(-20, 20));
            up[i] = (float) random.nextDouble(-3, 3);
        }
        float[] out = gate.clone();
        LayerSteps.swiglu(out, up, n);
        for (int i = 0; i < n; i++) {
            double g = gate[i];
            double want = g / (1 + Math.exp(-g)) * up[i];
            assertThat((double) out[i]).as("gate %s", g).isCloseTo(want, within(1e-6 * Math.abs(want) + 1e-30));
        }
    }

    /** The softmax exp: within 3 ulp of Math.exp where the result is normal, and about 0 below -87. */
    @org.junit.jupiter.api.Test
    void vectorExpIsCloseToMathExp() {
        org.junit.jupiter.api.Assumptions.assumeTrue(org.quantbench.tensor.VectorSupport.enabled(), "vectors are off");
        var species = org.quantbench.tensor.VectorSupport.kernelSpecies();
        float[] x = new float[species.length()];
        float[] e = new float[x.length];
        SplittableRandom random = new SplittableRandom(3);
        for (int round = 0; round < 2000; round++) {
            for (int i = 0; i < x.length; i++) {
                x[i] = round == 0 && i < 4 ? new float[] {0f, -0f, -87f, -1e-8f}[i] : (float) random.nextDouble(-100, 0);
            }
            LayerSteps.exp(jdk.incubator.vector.FloatVector.fromArray(species, x, 0)).intoArray(e, 0);
            for (int i = 0; i < x.length; i++) {
                double exact = Math.exp(x[i]);
                if (x[i] >= -87f) {
                    assertThat((double) e[i]).as("exp(%s)", x[i]).isCloseTo(exact, within(3.0 * Math.ulp((float) exact)));
                } else {
                    assertThat(e[i]).as("exp(%s)", x[i]).isBetween(0f, 2e-38f);
                }
            }
        }
    }
}
