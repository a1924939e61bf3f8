package org.quantbench.tensor;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ArrayAlignmentTest {

    @Test
    void padReachesTheNextLineFromTheArrayBase() {
        assertThat(ArrayAlignment.pad(64, 16)).isEqualTo(12);
        assertThat(ArrayAlignment.pad(64, 12)).isEqualTo(13);
        assertThat(ArrayAlignment.pad(128, 64)).isZero();
    }

    @Test
    void padIsUnknownWhenObjectsMayStartInsideALine() {
        assertThat(ArrayAlignment.pad(8, 16)).isEqualTo(-1);
        assertThat(ArrayAlignment.pad(32, 16)).isEqualTo(-1);
        assertThat(ArrayAlignment.pad(-1, 16)).isEqualTo(-1);
        assertThat(ArrayAlignment.pad(64, 18)).isEqualTo(-1);
    }

    /** The build passes the JVM flag to the tests as the launcher does to the app, so kernels are tested aligned. */
    @Test
    void theTestJvmKnowsWhereLinesStart() {
        assertThat(ArrayAlignment.known()).as("tests run with " + ArrayAlignment.JVM_FLAG).isTrue();
        assertThat(ArrayAlignment.floatPad()).isBetween(0, 15);
    }
}
