package org.quantbench.quant;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SchemeNamesTest {

    @Test
    void everyPresetParsesAndRoundTripsThroughItsNameAndJson() throws Exception {
        ObjectMapper json = new ObjectMapper();
        for (String preset : SchemeNames.PRESETS) {
            Scheme s = SchemeNames.parse(preset);
            assertThat(SchemeNames.parse(s.name())).as(preset).isEqualTo(s);
            assertThat(json.readValue(json.writeValueAsString(s), Scheme.class)).as(preset).isEqualTo(s);
            assertThat(s.description()).isNotBlank();
        }
    }

    @Test
    void shorthandsAndDefaults() {
        assertThat(SchemeNames.parse("W8A16-RTN")).isEqualTo(IntWeightScheme.rtnPerChannel(8));
        assertThat(SchemeNames.parse("W8A16-RTN").name()).isEqualTo("W8A16-RTN-ch-sym");
        assertThat(SchemeNames.parse("w4a16-rtn-g128").name()).isEqualTo("W4A16-RTN-g128-sym");
        assertThat(SchemeNames.parse("W4A16-AutoRound-g128-sym-ar").name()).isEqualTo("W4A16-AutoRound-g128-sym-ar");
        assertThat(SchemeNames.parse("W8A8-INT-SQ").needsCalibration()).isTrue();
        assertThat(SchemeNames.parse("W8A8-INT-SQ0.8").name()).isEqualTo("W8A8-INT-SQ0.8");
        assertThat(SchemeNames.parse("FP8-dynamic")).isEqualTo(new Fp8Scheme(true, true));
        assertThat(SchemeNames.parse("Q4_1").unavailableReason()).isEmpty();
        assertThat(SchemeNames.parse("AQLM-2x8").unavailableReason()).isEmpty();
        assertThat(SchemeNames.parse("AQLM-1x16").needsCalibration()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"W9A16-RTN-g128-sym", "W1A16-RTN", "W4A16-RTN-g0-sym", "W4A16-AWQ-g128-sym", "Q5_K",
            "AQLM-3x8", "FP8", "W4A16-FOO-g128", "", "W4A16-RTN-g99999999999-sym"})
    void impossibleSchemesAreRefusedWithTheReason(String name) {
        assertThatThrownBy(() -> SchemeNames.parse(name)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("scheme");
    }
}
