package org.quantbench.ui.viewmodel;

import org.junit.jupiter.api.Test;
import org.quantbench.quant.IntWeightScheme;
import org.quantbench.quant.SchemeNames;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SchemesViewModelTest {
    private final RecordingDialogs dialogs = new RecordingDialogs();
    private final SchemesViewModel vm = new SchemesViewModel(dialogs);

    private SchemeRow row(String name) {
        return vm.rows().stream().filter(r -> r.name().equals(SchemeNames.parse(name).name())).findFirst().orElseThrow();
    }

    @Test
    void listsThePresetsUsersKnowWithOneSentenceTooltips() {
        assertThat(vm.rows()).extracting(SchemeRow::name).contains("W8A8-INT", "FP8-dynamic", "W4A16-RTN-g128-sym",
                "W4A16-GPTQ-g128-sym", "W4A16-AWQ-g128-asym", "NF4-DQ", "AQLM-2x8", "AQLM-1x16", "Q4_0");
        assertThat(vm.rows()).allSatisfy(r -> assertThat(r.tooltip()).isNotBlank().endsWith("."));
        assertThat(row("NF4-DQ").tooltip()).isEqualTo(SchemeNames.parse("NF4-DQ").description());
    }

    @Test
    void schemesTheEngineCannotRunStayUntickedWithTheReason() {
        SchemeRow aqlm = row("AQLM-2x8");
        // Whether AQLM is available depends on the calibration branch; the row must follow the scheme's own word.
        aqlm.selectedProperty().set(true);
        assertThat(aqlm.isSelected()).isEqualTo(aqlm.available());
        if (!aqlm.available()) {
            assertThat(aqlm.tooltip()).startsWith("Not available: ").contains(aqlm.unavailableReason().orElseThrow());
            assertThat(vm.selectedNames()).doesNotContain("AQLM-2x8");
        }
    }

    @Test
    void selectedNamesFollowTheListOrderAndTheCount() {
        row("Q4_0").selectedProperty().set(true);
        row("W8A8-INT").selectedProperty().set(true);
        row("NF4-DQ").selectedProperty().set(true);
        assertThat(vm.selectedNames()).containsExactly("W8A8-INT", "NF4-DQ", "Q4_0");
        assertThat(vm.selectedCountProperty().get()).isEqualTo(3);
        row("NF4-DQ").selectedProperty().set(false);
        assertThat(vm.selectedCountProperty().get()).isEqualTo(2);
    }

    @Test
    void theEditorAddsANewSchemeOnceAndTicksIt() {
        SchemeEditorViewModel ed = vm.editor();
        ed.familyProperty().set(SchemeFamily.INT_WEIGHT);
        ed.bitsProperty().set("5");
        ed.groupSizeProperty().set("64");
        ed.symmetricProperty().set(false);
        int before = vm.rows().size();

        assertThat(vm.addFromEditor()).get().extracting(SchemeRow::name).isEqualTo("W5A16-RTN-g64-asym");
        assertThat(vm.addFromEditor()).isPresent();
        assertThat(vm.rows()).hasSize(before + 1);
        assertThat(vm.selectedNames()).containsExactly("W5A16-RTN-g64-asym");
    }

    @Test
    void anInvalidEditorIsReportedNotAdded() {
        vm.editor().bitsProperty().set("9");
        int before = vm.rows().size();
        assertThat(vm.addFromEditor()).isEmpty();
        assertThat(dialogs.errors).singleElement().asString().startsWith("Invalid scheme").contains("bits must be 2..8");
        assertThat(vm.rows()).hasSize(before);
    }

    @Test
    void aBitsSweepAddsEveryWidthInOrder() {
        vm.sweepFromProperty().set("2");
        vm.sweepToProperty().set("8");
        vm.sweepGroupProperty().set("128");
        List<SchemeRow> added = vm.addSweep();
        assertThat(added).extracting(SchemeRow::name).containsExactly("W2A16-RTN-g128-sym", "W3A16-RTN-g128-sym",
                "W4A16-RTN-g128-sym", "W5A16-RTN-g128-sym", "W6A16-RTN-g128-sym", "W7A16-RTN-g128-sym", "W8A16-RTN-g128-sym");
        assertThat(vm.selectedNames()).hasSize(7);
    }

    @Test
    void anAwqSweepIsAsymmetric() {
        vm.sweepFromProperty().set("3");
        vm.sweepToProperty().set("4");
        vm.sweepMethodProperty().set(IntWeightScheme.Method.AWQ);
        assertThat(vm.addSweep()).extracting(SchemeRow::name).containsExactly("W3A16-AWQ-g128-asym", "W4A16-AWQ-g128-asym");
    }

    @Test
    void aBackwardsOrNonNumericSweepIsReported() {
        vm.sweepFromProperty().set("6");
        vm.sweepToProperty().set("3");
        assertThat(vm.addSweep()).isEmpty();
        vm.sweepToProperty().set("x");
        assertThat(vm.addSweep()).isEmpty();
        assertThat(dialogs.errors).hasSize(2).allSatisfy(e -> assertThat(e).startsWith("Invalid bits sweep"));
        assertThat(dialogs.errors.get(0)).contains("above");
    }

    @Test
    void selectOnlyTicksExactlyTheNamedSchemesAndSaysWhichCannotRun() {
        row("Q8_0").selectedProperty().set(true);
        List<String> refused = vm.selectOnly(List.of("w4a16-rtn-g32-sym", "FP8-weight", "AQLM-1x16"));
        List<String> expected = SchemeNames.parse("AQLM-1x16").unavailableReason().isPresent()
                ? List.of("W4A16-RTN-g32-sym", "FP8-weight") : List.of("FP8-weight", "AQLM-1x16", "W4A16-RTN-g32-sym");
        assertThat(vm.selectedNames()).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(refused).isEqualTo(SchemeNames.parse("AQLM-1x16").unavailableReason().isPresent()
                ? List.of("AQLM-1x16") : List.of());
        assertThatThrownBy(() -> vm.selectOnly(List.of("W5A16-FOO"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("W5A16-FOO");
    }
}
