package org.quantbench.workbench.memory;

import org.junit.jupiter.api.Test;
import org.quantbench.model.ModelConfig;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Every expected number here is worked out by hand in the comments from the formats' definitions. */
class MemoryCalculatorTest {
    private static final MemoryCalculator DEFAULTS = new MemoryCalculator(MemoryOptions.defaults());

    private static ModelConfig preset(String name) {
        return ModelPresets.byName(name).orElseThrow().config();
    }

    private static MemoryEstimate estimate(String model, String format) {
        return DEFAULTS.estimate(model, preset(model), WeightFormats.parse(format));
    }

    @Test
    void presetsHaveThePublishedParameterCounts() {
        assertThat(preset("Llama-3.1-8B").parameterCount()).isEqualTo(8_030_261_248L);
        assertThat(preset("Llama-3.1-70B").parameterCount()).isEqualTo(70_553_706_496L);
        assertThat(preset("Llama-3.1-405B").parameterCount()).isEqualTo(405_853_388_800L);
        assertThat(preset("SmolLM2-135M").parameterCount()).isEqualTo(134_515_008L);
        assertThat(preset("Qwen2.5-7B").parameterCount()).isEqualTo(7_615_616_512L);
    }

    @Test
    void llama8bAtBf16IsTwoBytesAParameterPlusOneGibOfCacheAt8kTokens() {
        MemoryEstimate e = estimate("Llama-3.1-8B", "BF16");
        assertThat(e.weightBytes()).isEqualTo(2 * 8_030_261_248L);          // "16.1 GB" in the seed blog
        // K and V: 2 x 32 layers x 1024 (8 kv heads x 128) x 8192 tokens x 2 bytes = 2^30
        assertThat(e.kvCacheBytes()).isEqualTo(1L << 30);
        assertThat(e.gpus()).extracting(MemoryEstimate.GpuCount::count).containsExactly(1, 1);
    }

    @Test
    void llama8bAwqInt4MatchesTheSeedBlogsDiskSize() {
        MemoryEstimate e = estimate("Llama-3.1-8B", "W4A16-AWQ-g128-asym");
        long linearParams = 6_979_321_856L;   // 8,030,261,248 - 2 x 525,336,576 (embed, lm_head) - 266,240 (norms)
        assertThat(e.linearParameters()).isEqualTo(linearParams);
        // 4 bits + (16-bit scale + 4-bit zero) / 128 columns = 4.15625 bits; every width divides by 128
        assertThat(e.linearBitsPerWeight()).isEqualTo(4.15625);
        assertThat(e.linearBytes()).isEqualTo(3_625_975_808L);               // 6,979,321,856 x 4.15625 / 8
        assertThat(e.otherBytes()).isEqualTo(2 * (1_050_673_152L + 266_240L)); // 16-bit embed, lm_head, norms
        assertThat(e.weightBytes() / 1e9).isCloseTo(5.73, within(0.005));   // seed blog: 5.73 GB
    }

    @Test
    void llama8bAqlm1x16MatchesTheSeedBlogsDiskSize() {
        MemoryEstimate e = estimate("Llama-3.1-8B", "AQLM-1x16");
        // codes: 16 bits per 8 weights = 13,958,643,712 bits; codebooks: 224 linears x 65,536 x 8 x 16 bits
        // = 1,879,048,192; scales: 43,008 output channels per layer x 32 layers x 16 bits = 22,020,096
        long linearBits = 13_958_643_712L + 1_879_048_192L + 22_020_096L;
        assertThat(e.linearBytes()).isEqualTo(linearBits / 8);
        assertThat(e.weightBytes() / 1e9).isCloseTo(4.08, within(0.005));   // seed blog: 4.08 GB
    }

    @Test
    void smolLmInt4Group128CountsTheRaggedLastGroup() {
        MemoryEstimate e = estimate("SmolLM2-135M", "W4A16-RTN-g128-sym");
        // 576 inputs = 5 groups (4 full + 64), 1536 inputs = 12; symmetric: a 16-bit scale per group, no zero
        long q = 576 * 576 * 4 + 576 * 5 * 16;          // 1,373,184 bits (o the same)
        long k = 192 * 576 * 4 + 192 * 5 * 16;          //   457,728 (v the same)
        long gate = 1536 * 576 * 4 + 1536 * 5 * 16;     // 3,661,824 (up the same)
        long down = 576 * 1536 * 4 + 576 * 12 * 16;     // 3,649,536
        long perLayer = 2 * q + 2 * k + 2 * gate + down;
        assertThat(perLayer).isEqualTo(14_635_008L);
        assertThat(e.linearBytes()).isEqualTo(30 * perLayer / 8);
        assertThat(e.linearBitsPerWeight()).isCloseTo(30.0 * perLayer / 106_168_320L, within(1e-12));
        // tied embedding (49,152 x 576) and norms (30 x 2 x 576 + 576) stay 16-bit
        assertThat(e.otherBytes()).isEqualTo(2 * (28_311_552L + 35_136L));
    }

    @Test
    void ggufQ4_0KeepsTheTiedClassifierAtQ8_0WhenItsRowsDoNotSplitIntoSuperBlocks() {
        MemoryEstimate e = estimate("SmolLM2-135M", "Q4_0");
        assertThat(e.linearBytes()).isEqualTo(106_168_320L / 32 * 18);     // 18 bytes per 32 weights
        // token_embd is the classifier: 576 % 256 != 0, so Q8_0 (34 bytes per 32); norms F32
        assertThat(e.otherBytes()).isEqualTo(28_311_552L / 32 * 34 + 4 * 35_136L);
        MemoryEstimate llama = estimate("Llama-3.1-8B", "Q4_0");
        // untied: token_embd at Q4_0, output at Q6_K (210 bytes per 256)
        assertThat(llama.otherBytes()).isEqualTo(525_336_576L / 32 * 18 + 525_336_576L / 256 * 210 + 4 * 266_240L);
    }

    @Test
    void nf4CostsFourAndAHalfBitsAndDoubleQuantAbout4point127() {
        assertThat(estimate("Llama-3.1-8B", "NF4").linearBitsPerWeight()).isCloseTo(4.5, within(1e-9));
        assertThat(estimate("Llama-3.1-8B", "NF4-DQ").linearBitsPerWeight()).isCloseTo(4.127, within(0.001));
    }

    @Test
    void gptqCountsZerosAndGroupIndexLikeAutoGptqCheckpoints() {
        MemoryEstimate gptq = estimate("Llama-3.1-8B", "W4A16-GPTQ-g128-sym");
        MemoryEstimate rtn = estimate("Llama-3.1-8B", "W4A16-RTN-g128-sym");
        // GPTQ: + 4-bit zero per group of 128 and a 32-bit g_idx per input column of each linear
        long gIdxBits = 32L * 32 * (6 * 4096 + 14336);
        long zeroBits = 4L * 6_979_321_856L / 128;
        assertThat(gptq.linearBytes() - rtn.linearBytes()).isEqualTo((zeroBits + gIdxBits) / 8);
    }

    @Test
    void largeModelsNeedSeveralGpus() {
        // 70B BF16: 141,107,412,992 B + KV 2 x 80 x 1024 x 8192 x 2 = 2,684,354,560 B = 143.79 GB;
        // usable 0.9 x 80 GiB = 77.31 GB -> 2 GPUs; 0.9 x 24 GiB = 23.19 GB -> 7 GPUs
        MemoryEstimate e70 = estimate("Llama-3.1-70B", "BF16");
        assertThat(e70.totalBytes()).isEqualTo(141_107_412_992L + 2_684_354_560L);
        assertThat(e70.gpus()).extracting(MemoryEstimate.GpuCount::count).containsExactly(7, 2);
        // 405B BF16: 811.71 GB + 4.23 GB of cache -> 815.93 / 77.31 = 10.6 -> 11 GPUs of 80 GB
        assertThat(estimate("Llama-3.1-405B", "BF16").gpus().get(1).count()).isEqualTo(11);
        // 405B at 4 bits fits on 3: (405.85e9 - 4.2e9) x 4.156 / 8 + 8.4e9 + 4.23e9 = 221.3 GB -> 2.9
        assertThat(estimate("Llama-3.1-405B", "W4A16-AWQ-g128-asym").gpus().get(1).count()).isEqualTo(3);
    }

    @Test
    void kvCacheScalesWithContextBatchAndWidth() {
        MemoryCalculator c = new MemoryCalculator(MemoryOptions.defaults().withContext(2048, 4).withKvCacheBits(8));
        MemoryEstimate e = c.estimate("SmolLM2-135M", preset("SmolLM2-135M"), WeightFormats.FP16);
        assertThat(e.kvCacheBytes()).isEqualTo(2L * 30 * 192 * 2048 * 4);
    }

    @Test
    void quantizingLmHeadShrinksAnUntiedModel() {
        MemoryCalculator withHead = new MemoryCalculator(MemoryOptions.defaults().withQuantizedLmHead(true));
        MemoryEstimate e = withHead.estimate("8B", preset("Llama-3.1-8B"), WeightFormats.parse("W8A16-RTN"));
        // lm_head at 8 bits + a 16-bit scale per row instead of 16 bits
        long saved = 525_336_576L * 2 - (525_336_576L + 128_256L * 2);
        assertThat(estimate("Llama-3.1-8B", "W8A16-RTN").otherBytes() - e.otherBytes()).isEqualTo(saved);
    }

    @Test
    void formatNamesAreParsedAndBadOnesRefused() {
        assertThat(WeightFormats.parse("fp16")).isEqualTo(WeightFormats.FP16);
        assertThat(WeightFormats.parse("Q4_K").name()).isEqualTo("Q4_K");
        assertThat(WeightFormats.parse("FP8-dynamic").layout()).contains("8-bit codes").contains("per output channel");
        assertThat(WeightFormats.STANDARD).allSatisfy(n -> assertThat(WeightFormats.parse(n).name()).isNotBlank());
        assertThatThrownBy(() -> WeightFormats.parse("W5A16-FOO")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("W5A16-FOO");
    }
}
