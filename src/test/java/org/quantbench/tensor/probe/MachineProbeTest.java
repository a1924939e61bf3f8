package org.quantbench.tensor.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Sanity only: speed depends on the machine and its load, so no test here asserts one. */
class MachineProbeTest {
    private static MachineProbe small() {
        return new MachineProbe(Duration.ofMillis(30), 1 << 20, 2);
    }

    @Test
    void fmaPeakIsAPositiveFiniteRate() {
        try (MachineProbe probe = small()) {
            for (int threads = 1; threads <= 2; threads++) {
                assertThat(probe.fmaPeakGflops(threads)).isPositive().isFinite();
            }
        }
    }

    @Test
    void bandwidthIsAPositiveFiniteRateAndTheBufferIsReused() {
        try (MachineProbe probe = small()) {
            for (int threads = 1; threads <= 3; threads++) {
                assertThat(probe.memoryBandwidthGBs(threads)).isPositive().isFinite();
            }
        }
    }

    @Test
    void closedProbeRefusesBandwidthRuns() {
        MachineProbe probe = small();
        probe.close();
        probe.close();
        assertThatThrownBy(() -> probe.memoryBandwidthGBs(1)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }

    @Test
    void rejectsNonsenseConfigurations() {
        assertThatThrownBy(() -> new MachineProbe(Duration.ZERO, 1 << 20, 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new MachineProbe(Duration.ofMillis(1), 16, 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new MachineProbe(Duration.ofMillis(1), 1 << 20, 0))
                .isInstanceOf(IllegalArgumentException.class);
        try (MachineProbe probe = small()) {
            assertThatThrownBy(() -> probe.fmaPeakGflops(0)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> probe.memoryBandwidthGBs(-1)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void vectorWidthIsAPowerOfTwo() {
        assertThat(Integer.bitCount(MachineProbe.vectorBits())).isEqualTo(1);
    }
}
