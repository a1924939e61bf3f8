package org.quantbench.cli;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The Hessian benchmark runs at odd widths and reports each against the FMA peak; bad options are refused. */
class BenchHessianCommandTest {

    @Test
    void reportsEveryWidthAgainstThePeak() {
        CliRun r = CliRun.of("bench-hessian", "--cols", "7,50", "--tokens", "3", "--repeats", "1", "--threads", "2",
                "--warm-up", "0");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).containsPattern("width +7: .* ms per add .*1 warm-up adds\\) = .* GFLOP/s; FMA peak .* of peak")
                .containsPattern("width +50: .* of peak");
    }

    @Test
    void refusesAZeroWidth() {
        CliRun r = CliRun.of("bench-hessian", "--cols", "0");
        assertThat(r.exit()).isNotZero();
        assertThat(r.err()).contains("widths 1..65536");
    }

    @Test
    void refusesANegativeWarmUp() {
        CliRun r = CliRun.of("bench-hessian", "--cols", "7", "--warm-up", "-1");
        assertThat(r.exit()).isNotZero();
        assertThat(r.err()).contains("warm-up of 0..600 s");
    }
}
