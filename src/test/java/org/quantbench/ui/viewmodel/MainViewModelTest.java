package org.quantbench.ui.viewmodel;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class MainViewModelTest {
    @Test
    void startsLightOnTheModelPageAndTogglesTheTheme() {
        MainViewModel vm = new MainViewModel();
        assertThat(vm.pageProperty().get()).isEqualTo(Page.MODEL);
        assertThat(vm.darkProperty().get()).isFalse();
        vm.toggleTheme();
        assertThat(vm.darkProperty().get()).isTrue();
        vm.toggleTheme();
        assertThat(vm.darkProperty().get()).isFalse();
    }

    @Test
    void everyPageHasATitleAndASentence() {
        for (Page p : Page.values()) {
            assertThat(p.title()).isNotBlank();
            assertThat(p.summary()).isNotBlank();
        }
    }
}
