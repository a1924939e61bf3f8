package org.quantbench.export.synth;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SyntheticShapeTest {

    @Test
    void presetsMatchTheLlamaShapes() {
        assertThat(SyntheticShape.parse("1b")).isEqualTo(new SyntheticShape(2048, 8192, 16, 32, 8, 128256));
        assertThat(SyntheticShape.parse(" 8B ")).isEqualTo(new SyntheticShape(4096, 14336, 32, 32, 8, 128256));
        // Llama 3 8B has 8,030,261,248 parameters; Llama 3.2 1B 1,235,814,400 with its tied classifier
        assertThat(SyntheticShape.LLAMA_8B.toModelConfig(false).parameterCount()).isEqualTo(8_030_261_248L);
        assertThat(SyntheticShape.LLAMA_1B.toModelConfig(true).parameterCount()).isEqualTo(1_235_814_400L);
        assertThat(SyntheticModelWriter.of(SyntheticShape.LLAMA_8B, 0).weightBytes()).isEqualTo(16_060_522_496L);
        assertThat(SyntheticShape.LLAMA_8B.headDim()).isEqualTo(128);
    }

    @Test
    void parsesTheCommaForm() {
        SyntheticShape shape = SyntheticShape.parse("64, 128,2,4,2,1000");
        assertThat(shape).isEqualTo(new SyntheticShape(64, 128, 2, 4, 2, 1000));
        assertThat(shape.spec()).isEqualTo("64,128,2,4,2,1000");
        assertThat(SyntheticShape.parse(shape.spec())).isEqualTo(shape);
    }

    @Test
    void refusesBadShapes() {
        assertThatThrownBy(() -> SyntheticShape.parse("2b")).hasMessageContaining("2b");
        assertThatThrownBy(() -> SyntheticShape.parse("64,128,2,4,2")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SyntheticShape.parse("64,128,x,4,2,1000")).hasMessageContaining("\"x\"");
        assertThatThrownBy(() -> SyntheticShape.parse("64,128,2,4,3,1000")).hasMessageContaining("kv heads");
        assertThatThrownBy(() -> SyntheticShape.parse("60,128,2,8,2,1000")).hasMessageContaining("even");
        assertThatThrownBy(() -> SyntheticShape.parse("64,128,2,4,2,100")).hasMessageContaining("258");
        assertThatThrownBy(() -> SyntheticShape.parse("64,-1,2,4,2,1000")).hasMessageContaining("positive");
    }
}
