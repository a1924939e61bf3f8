package org.quantbench.workbench.report;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ParetoFrontTest {
    private static ParetoFront.Point<String> p(String name, double bits, double quality) {
        return new ParetoFront.Point<>(name, bits, quality);
    }

    @Test
    void keepsThePointsNothingBeatsOnBothAxes() {
        List<ParetoFront.Point<String>> points = List.of(p("fp16", 16, 0.70), p("int8", 8.25, 0.70), p("q4_0", 4.5, 0.66),
                p("gptq4", 4.25, 0.68), p("rtn4", 4.25, 0.65), p("rtn2", 2.25, 0.30), p("bad3", 3.25, 0.29));
        assertThat(ParetoFront.of(points, true)).extracting(ParetoFront.Point::item)
                .containsExactly("rtn2", "gptq4", "int8");
    }

    @Test
    void lowerIsBetterForPerplexity() {
        List<ParetoFront.Point<String>> points = List.of(p("a", 2, 100), p("b", 3, 40), p("c", 4, 45), p("d", 8, 30));
        assertThat(ParetoFront.of(points, false)).extracting(ParetoFront.Point::item).containsExactly("a", "b", "d");
    }
}
