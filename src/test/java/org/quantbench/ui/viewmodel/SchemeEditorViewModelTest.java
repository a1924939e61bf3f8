package org.quantbench.ui.viewmodel;

import org.junit.jupiter.api.Test;
import org.quantbench.quant.IntWeightScheme;
import org.quantbench.quant.SchemeNames;
import org.quantbench.tensor.DType;

import static org.assertj.core.api.Assertions.assertThat;

class SchemeEditorViewModelTest {
    private final SchemeEditorViewModel ed = new SchemeEditorViewModel();

    @Test
    void everyPresetRoundTripsThroughTheEditor() {
        for (String name : SchemesViewModel.LISTED) {
            var scheme = SchemeNames.parse(name);
            ed.load(scheme);
            assertThat(ed.schemeProperty().get()).as(name).isEqualTo(scheme);
            assertThat(ed.errorProperty().get()).as(name).isEmpty();
        }
    }

    @Test
    void eachFamilyBuildsItsScheme() {
        ed.familyProperty().set(SchemeFamily.W8A8_INT);
        ed.smoothQuantAlphaProperty().set("0.5");
        assertThat(ed.schemeProperty().get().name()).isEqualTo("W8A8-INT-SQ");
        ed.familyProperty().set(SchemeFamily.FP8);
        ed.fp8DynamicProperty().set(true);
        ed.fp8PerChannelProperty().set(false);
        assertThat(ed.schemeProperty().get().name()).isEqualTo("FP8-dynamic-tensor");
        ed.familyProperty().set(SchemeFamily.NF4);
        ed.nf4DoubleQuantProperty().set(false);
        assertThat(ed.schemeProperty().get().name()).isEqualTo("NF4");
        ed.familyProperty().set(SchemeFamily.GGML);
        ed.ggmlTypeProperty().set(DType.Q4_1);
        assertThat(ed.schemeProperty().get().name()).isEqualTo("Q4_1");
        ed.familyProperty().set(SchemeFamily.AQLM);
        ed.aqlmShapeProperty().set("1x16");
        assertThat(ed.schemeProperty().get().name()).isEqualTo("AQLM-1x16");
        ed.familyProperty().set(SchemeFamily.INT_WEIGHT);
        ed.methodProperty().set(IntWeightScheme.Method.GPTQ);
        ed.bitsProperty().set("3");
        ed.groupSizeProperty().set("0");
        assertThat(ed.schemeProperty().get().name()).isEqualTo("W3A16-GPTQ-ch-sym");
        assertThat(ed.messageProperty().get()).startsWith("W3A16-GPTQ-ch-sym: 3-bit integer weights");
    }

    @Test
    void invalidFieldsGiveAMessageAndNoScheme() {
        ed.bitsProperty().set("four");
        assertThat(ed.schemeProperty().get()).isNull();
        assertThat(ed.errorProperty().get()).isEqualTo("bits: 'four' is not a whole number");
        ed.bitsProperty().set("4");
        ed.groupSizeProperty().set("-1");
        assertThat(ed.errorProperty().get()).contains("group size");
        ed.groupSizeProperty().set("128");
        ed.methodProperty().set(IntWeightScheme.Method.AWQ);
        assertThat(ed.errorProperty().get()).contains("asymmetric");
        ed.symmetricProperty().set(false);
        assertThat(ed.errorProperty().get()).isEmpty();
        assertThat(ed.schemeProperty().get().name()).isEqualTo("W4A16-AWQ-g128-asym");

        ed.familyProperty().set(SchemeFamily.W8A8_INT);
        ed.smoothQuantAlphaProperty().set("1.5");
        assertThat(ed.errorProperty().get()).contains("[0, 1)");
        ed.smoothQuantAlphaProperty().set("abc");
        assertThat(ed.errorProperty().get()).isEqualTo("SmoothQuant strength: 'abc' is not a number");
    }

    @Test
    void theMessageSaysWhenASchemeCannotRunYet() {
        ed.load(SchemeNames.parse("AQLM-2x8"));
        SchemeNames.parse("AQLM-2x8").unavailableReason().ifPresent(reason ->
                assertThat(ed.messageProperty().get()).contains("Not available yet: " + reason));
        assertThat(ed.messageProperty().get()).startsWith("AQLM-2x8: ");
    }
}
