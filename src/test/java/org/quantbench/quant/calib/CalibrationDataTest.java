package org.quantbench.quant.calib;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quantbench.model.tokenizer.Tokenizer;
import org.quantbench.tensor.ComputePool;
import org.quantbench.tensor.FileFormatException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class CalibrationDataTest {
    @TempDir
    Path dir;

    /** One token per UTF-16 char, no BOS. */
    private static final class CharTokenizer implements Tokenizer {
        @Override public int vocabSize() { return 65536; }

        @Override public int[] encode(String text, boolean parseSpecial) { return text.chars().toArray(); }

        @Override public byte[] tokenBytes(int id) { return String.valueOf((char) id).getBytes(java.nio.charset.StandardCharsets.UTF_8); }

        @Override public String decode(int[] ids) { return new String(ids, 0, ids.length); }

        @Override public java.util.OptionalInt bosId() { return java.util.OptionalInt.empty(); }

        @Override public java.util.OptionalInt eosId() { return java.util.OptionalInt.empty(); }

        @Override public boolean addBos() { return false; }
    }

    private static String text(int chars) {
        StringBuilder b = new StringBuilder();
        SplittableRandom r = new SplittableRandom(1);
        while (b.length() < chars) {
            b.append((char) ('a' + r.nextInt(26)));
            if (r.nextInt(7) == 0) {
                b.append(' ');
            }
        }
        return b.toString();
    }

    @Test
    void samplesAreSeededWindowsOfTheTokenStream() throws IOException {
        Path f = dir.resolve("train.txt");
        Files.writeString(f, text(3000) + "\n<|endoftext|>\n" + text(2000));
        List<String> warnings = new ArrayList<>();
        CalibrationData a = CalibrationData.load(f, new CharTokenizer(), 6, 100, 3, warnings::add);
        CalibrationData b = CalibrationData.load(f, new CharTokenizer(), 6, 100, 3, warnings::add);
        CalibrationData c = CalibrationData.load(f, new CharTokenizer(), 6, 100, 4, warnings::add);
        assertThat(warnings).isEmpty();
        assertThat(a.samples()).hasDimensions(6, 100);
        assertThat(a).isEqualTo(b);
        assertThat(a.samples()).isNotEqualTo(c.samples());
        assertThat(a.cacheTag()).startsWith("calib-" + a.sha256().substring(0, 12)).endsWith("-n6-l100-s3");
    }

    @Test
    void evaluationSplitsGetAWarning() throws IOException {
        for (String name : List.of("wiki.test.raw", "test.jsonl", "validation.txt", "TinyStories-valid.txt")) {
            Path f = dir.resolve(name);
            Files.writeString(f, name.endsWith(".jsonl") ? "{\"text\": \"" + text(500) + "\"}\n" : text(500));
            List<String> warnings = new ArrayList<>();
            CalibrationData.load(f, new CharTokenizer(), 2, 50, 0, warnings::add);
            assertThat(warnings).as(name).singleElement().asString().contains("evaluation split");
        }
        assertThat(CalibrationData.looksLikeEvaluationSplit(Path.of("c4-train.00000.txt"))).isFalse();
        assertThat(CalibrationData.looksLikeEvaluationSplit(Path.of("intervals/contest.txt"))).isFalse();
    }

    @Test
    void badFilesAreClearErrors() throws IOException {
        Path shortFile = dir.resolve("short.txt");
        Files.writeString(shortFile, "tiny");
        assertThatThrownBy(() -> CalibrationData.load(shortFile, new CharTokenizer(), 2, 50, 0, w -> { }))
                .isInstanceOf(FileFormatException.class).hasMessageContaining("short.txt").hasMessageContaining("needs 50");
        Path badJson = dir.resolve("data.jsonl");
        Files.writeString(badJson, "{\"text\": \"fine\"}\n{\"txt\": 3}\n");
        assertThatThrownBy(() -> CalibrationData.load(badJson, new CharTokenizer(), 2, 5, 0, w -> { }))
                .isInstanceOf(FileFormatException.class).hasMessageContaining("line 2").hasMessageContaining("\"text\"");
        Path binary = dir.resolve("bin.txt");
        Files.write(binary, new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1});
        assertThatThrownBy(() -> CalibrationData.load(binary, new CharTokenizer(), 2, 5, 0, w -> { }))
                .isInstanceOf(FileFormatException.class).hasMessageContaining("UTF-8");
        assertThatThrownBy(() -> CalibrationData.load(dir.resolve("missing.txt"), new CharTokenizer(), 2, 5, 0, w -> { }))
                .isInstanceOf(FileFormatException.class).hasMessageContaining("missing.txt");
    }

    @Test
    void transposedWeightsGemmMatchesTheDirectProduct() {
        for (int[] shape : new int[][] {{1, 1, 1}, {13, 7, 5}, {50, 200, 131}, {97, 64, 4}, {48, 130, 8}, {49, 300, 17}}) {
            int rows = shape[0], cols = shape[1], tokens = shape[2];
            SplittableRandom r = new SplittableRandom(rows);
            float[] w = new float[rows * cols];
            float[] x = new float[tokens * cols];
            for (int i = 0; i < w.length; i++) {
                w[i] = (float) r.nextDouble(-1, 1);
            }
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) r.nextDouble(-1, 1);
            }
            TransposedWeights tw = new TransposedWeights(rows, cols, (row, dst) -> System.arraycopy(w, row * cols, dst, 0, cols));
            float[] y = new float[tokens * rows];
            try (ComputePool pool = new ComputePool(2)) {
                tw.multiply(x, tokens, y, new float[tw.scratchSize(tokens)], pool);
            }
            for (int t = 0; t < tokens; t++) {
                for (int o = 0; o < rows; o++) {
                    double s = 0;
                    for (int k = 0; k < cols; k++) {
                        s += (double) w[o * cols + k] * x[t * cols + k];
                    }
                    assertThat((double) y[t * rows + o]).isCloseTo(s, within(1e-4 * (1 + Math.abs(s))));
                }
            }
        }
    }
}
