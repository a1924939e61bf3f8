package org.quantbench.engine;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SamplerTest {
    private static final float[] LOGITS = {1f, 5f, 4.9f, -2f, 0f};

    @Test
    void greedyTakesTheLargestLogitAndTheLowestIndexOnTies() {
        assertThat(Sampler.greedy().sample(LOGITS)).isEqualTo(1);
        assertThat(Sampler.argmax(new float[] {3f, 7f, 7f})).isEqualTo(1);
    }

    @Test
    void theSameSeedGivesTheSameTokensAndOtherSeedsDiffer() {
        int[] a = draw(new Sampler(1.5f, 1f, 42), 200);
        int[] b = draw(new Sampler(1.5f, 1f, 42), 200);
        int[] c = draw(new Sampler(1.5f, 1f, 43), 200);
        assertThat(a).isEqualTo(b);
        assertThat(a).isNotEqualTo(c);
    }

    @Test
    void topPKeepsOnlyTheNucleus() {
        // softmax of LOGITS at T=1: tokens 1 and 2 hold ~97% of the mass, so top-p 0.9 never picks another.
        Set<Integer> seen = new HashSet<>();
        for (int t : draw(new Sampler(1f, 0.9f, 7), 2000)) {
            seen.add(t);
        }
        assertThat(seen).containsExactlyInAnyOrder(1, 2);
        Set<Integer> all = new HashSet<>();
        for (int t : draw(new Sampler(3f, 1f, 7), 4000)) {
            all.add(t);
        }
        assertThat(all).containsExactlyInAnyOrder(0, 1, 2, 3, 4);
    }

    @Test
    void badParametersAreRefused() {
        assertThatThrownBy(() -> new Sampler(-1f, 0.9f, 1)).hasMessageContaining("temperature");
        assertThatThrownBy(() -> new Sampler(1f, 0f, 1)).hasMessageContaining("top-p");
        assertThatThrownBy(() -> new Sampler(1f, 1.5f, 1)).hasMessageContaining("top-p");
    }

    private static int[] draw(Sampler s, int n) {
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = s.sample(LOGITS);
        }
        return out;
    }
}
