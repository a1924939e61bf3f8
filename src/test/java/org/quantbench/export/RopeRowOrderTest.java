package org.quantbench.export;

import org.junit.jupiter.api.Test;
import org.quantbench.model.RopeLayout;

import java.util.Random;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class RopeRowOrderTest {

    @Test
    void interleavedPairsBecomeRotateHalfPairsHeadByHead() {
        int d = 8;
        int[] toHalf = IntStream.range(0, 2 * d)
                .map(i -> RopeRowOrder.sourceIndex(RopeLayout.INTERLEAVED, RopeLayout.HALF, d, i)).toArray();
        assertThat(toHalf).containsExactly(0, 2, 4, 6, 1, 3, 5, 7, 8, 10, 12, 14, 9, 11, 13, 15);
        int[] toInterleaved = IntStream.range(0, 2 * d)
                .map(i -> RopeRowOrder.sourceIndex(RopeLayout.HALF, RopeLayout.INTERLEAVED, d, i)).toArray();
        assertThat(toInterleaved).containsExactly(0, 4, 1, 5, 2, 6, 3, 7, 8, 12, 9, 13, 10, 14, 11, 15);
        assertThat(RopeRowOrder.sourceIndex(RopeLayout.HALF, RopeLayout.HALF, d, 5)).isEqualTo(5);
    }

    @Test
    void theTwoDirectionsUndoEachOther() {
        for (int d : new int[] {2, 4, 8, 64, 128}) {
            for (int i = 0; i < 3 * d; i++) {
                int viaHalf = RopeRowOrder.sourceIndex(RopeLayout.INTERLEAVED, RopeLayout.HALF, d, i);
                assertThat(RopeRowOrder.sourceIndex(RopeLayout.HALF, RopeLayout.INTERLEAVED, d, viaHalf))
                        .as("d %d, index %d", d, i).isEqualTo(i);
            }
        }
    }

    /** Rotating reordered rows in the other layout gives the same numbers, reordered: what makes logits agree. */
    @Test
    void ropeInEitherLayoutAgreesAfterReordering() {
        int d = 16;
        Random random = new Random(3);
        float[] interleaved = new float[d];
        for (int i = 0; i < d; i++) {
            interleaved[i] = random.nextFloat() - 0.5f;
        }
        float[] half = new float[d];
        for (int i = 0; i < d; i++) {
            half[i] = interleaved[RopeRowOrder.sourceIndex(RopeLayout.INTERLEAVED, RopeLayout.HALF, d, i)];
        }
        int pos = 7;
        for (int i = 0; i < d / 2; i++) {
            double angle = pos * Math.pow(10000, -2.0 * i / d);
            rotate(interleaved, 2 * i, 2 * i + 1, angle);
            rotate(half, i, i + d / 2, angle);
        }
        for (int i = 0; i < d; i++) {
            assertThat(half[i]).isCloseTo(
                    interleaved[RopeRowOrder.sourceIndex(RopeLayout.INTERLEAVED, RopeLayout.HALF, d, i)], within(1e-6f));
        }
    }

    @Test
    void onlyQueryAndKeyTensorsAreRotated() {
        assertThat(RopeRowOrder.isRotated("blk.3.attn_q.weight")).isTrue();
        assertThat(RopeRowOrder.isRotated("blk.3.attn_k.bias")).isTrue();
        assertThat(RopeRowOrder.isRotated("blk.3.attn_v.weight")).isFalse();
        assertThat(RopeRowOrder.isRotated("blk.3.attn_output.weight")).isFalse();
        assertThat(RopeRowOrder.isRotated("token_embd.weight")).isFalse();
    }

    private static void rotate(float[] v, int a, int b, double angle) {
        float c = (float) Math.cos(angle);
        float s = (float) Math.sin(angle);
        float x0 = v[a];
        float x1 = v[b];
        v[a] = x0 * c - x1 * s;
        v[b] = x0 * s + x1 * c;
    }
}
