package org.quantbench.model.tokenizer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quantbench.tensor.FileFormatException;
import org.quantbench.testing.SharedData;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class Llama2cTokenizerTest {
    private static final String DIR = "models/stories260K/";

    @TempDir
    Path tmp;

    private static Tokenizer stories() {
        return Tokenizers.fromLlama2cFile(SharedData.require(DIR + "tok512.bin"), 512);
    }

    @Test
    void encodesTheGoldenPromptLikeRunC() {
        Tokenizer tokenizer = stories();
        assertThat(tokenizer.encodeForModel("Once upon a time")).containsExactly(1, 403, 407, 261, 378);
        assertThat(tokenizer.vocabSize()).isEqualTo(512);
        assertThat(tokenizer.bosId()).hasValue(1);
        assertThat(tokenizer.eosId()).hasValue(2);
        assertThat(tokenizer.encode("", false)).isEmpty();
    }

    @Test
    void decodingAfterBosReproducesTheGreedyGoldenText() throws IOException {
        Tokenizer tokenizer = stories();
        List<String> lines = Files.readAllLines(SharedData.require(DIR + "greedy_200_output.txt"));
        String text = String.join("\n", lines.subList(1, lines.size()));
        int[] ids = tokenizer.encodeForModel(text);
        assertThat(tokenizer.decode(ids)).isEqualTo(text);
        // Without the BOS the dummy-prefix space stays, as in run.c.
        assertThat(tokenizer.decode(Arrays.copyOfRange(ids, 1, ids.length))).isEqualTo(" " + text);
    }

    @Test
    void matchesRunCsQuadraticMergeLoopOnRandomText() {
        Path file = SharedData.require(DIR + "tok512.bin");
        Tokenizer tokenizer = Tokenizers.fromLlama2cFile(file, 512);
        RunCReference reference = RunCReference.read(file, 512);
        Random random = new Random(7);
        String alphabet = "abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ .,!?'\"\n\t0123456789é日本🤖";
        for (int trial = 0; trial < 2000; trial++) {
            StringBuilder text = new StringBuilder();
            int length = random.nextInt(40);
            for (int i = 0; i < length; i++) {
                text.appendCodePoint(alphabet.codePointAt(alphabet.offsetByCodePoints(0,
                        random.nextInt(alphabet.codePointCount(0, alphabet.length())))));
            }
            String s = text.toString();
            assertThat(tokenizer.encode(s, false)).as(s).containsExactly(reference.encode(s));
            int[] withBos = tokenizer.encodeForModel(s);
            assertThat(tokenizer.decode(withBos)).as(s).isEqualTo(s);
        }
    }

    @Test
    void unknownCharactersFallBackToBytePiecesAndLoneSurrogatesDoNotThrow() {
        Tokenizer tokenizer = stories();
        int[] ids = tokenizer.encode("\u00ff\ud800x", false);
        assertThat(ids).contains(3 + 0xC3, 3 + 0xBF);
        assertThat(tokenizer.decode(ids)).isEqualTo(" \u00ff\ufffdx");
        assertThat(tokenizer.tokenBytes(3 + 0x41)).containsExactly(0x41);
    }

    @Test
    void mergesByHighestScoreThenLeftmost() {
        // "ab" and "bc" tie; the leftmost pair merges first. "abc" is only reachable as "ab"+"c".
        List<byte[]> pieces = new ArrayList<>(List.of(b("<unk>"), b("<s>"), b("</s>"), b(" "), b("a"), b("b"),
                b("c"), b("ab"), b("bc"), b("abc"), b(" a")));
        float[] scores = {0, 0, 0, 0, 0, 0, 0, -1, -1, -2, -5};
        Llama2cTokenizer tokenizer = new Llama2cTokenizer(pieces, scores);
        assertThat(tokenizer.encode("abc", false)).containsExactly(3, 9);
        assertThat(tokenizer.encode("bc", false)).containsExactly(3, 8);
        // Without byte pieces, unknown bytes become <unk>.
        assertThat(tokenizer.encode("z", false)).containsExactly(3, 0);
    }

    @Test
    void rejectsBrokenFiles() throws IOException {
        byte[] good = tokenizerBin(5, new float[] {0, 0, 0, 0, 0, 0, -1, -2}, "<unk>", "<s>", "</s>", " ", "a", "b",
                " a", " ab");
        assertThat(Tokenizers.fromLlama2cFile(write("good.bin", good), 8).encode("ab", false)).containsExactly(7);
        assertThatThrownBy(() -> Tokenizers.fromLlama2cFile(write("empty.bin", new byte[0]), 4))
                .isInstanceOf(FileFormatException.class);
        assertThatThrownBy(() -> Tokenizers.fromLlama2cFile(write("cut.bin", Arrays.copyOf(good, good.length - 2)), 8))
                .isInstanceOf(FileFormatException.class).hasMessageContaining("token 7");
        assertThatThrownBy(() -> Tokenizers.fromLlama2cFile(write("good2.bin", good), 100000))
                .isInstanceOf(FileFormatException.class).hasMessageContaining("vocab_size");
        byte[] negative = good.clone();
        ByteBuffer.wrap(negative).order(ByteOrder.LITTLE_ENDIAN).putInt(8, -5);
        assertThatThrownBy(() -> Tokenizers.fromLlama2cFile(write("neg.bin", negative), 8))
                .isInstanceOf(FileFormatException.class).hasMessageContaining("length of token 0");
        byte[] huge = good.clone();
        ByteBuffer.wrap(huge).order(ByteOrder.LITTLE_ENDIAN).putInt(8, Integer.MAX_VALUE);
        assertThatThrownBy(() -> Tokenizers.fromLlama2cFile(write("huge.bin", huge), 8))
                .isInstanceOf(FileFormatException.class).hasMessageContaining("length of token 0");
        byte[] badMax = good.clone();
        ByteBuffer.wrap(badMax).order(ByteOrder.LITTLE_ENDIAN).putInt(0, -1);
        assertThatThrownBy(() -> Tokenizers.fromLlama2cFile(write("max.bin", badMax), 8))
                .isInstanceOf(FileFormatException.class).hasMessageContaining("max_token_length");
        assertThatThrownBy(() -> Tokenizers.fromLlama2cFile(tmp.resolve("absent.bin"), 4))
                .isInstanceOf(FileFormatException.class);
    }

    private Path write(String name, byte[] bytes) throws IOException {
        return Files.write(tmp.resolve(name), bytes);
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] tokenizerBin(int maxLength, float[] scores, String... pieces) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer header = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(maxLength);
        out.writeBytes(header.array());
        for (int i = 0; i < pieces.length; i++) {
            byte[] piece = b(pieces[i]);
            out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(scores[i])
                    .putInt(piece.length).array());
            out.writeBytes(piece);
        }
        return out.toByteArray();
    }

    /** run.c's encode transcribed as plainly as possible: rescan all pairs after every merge. */
    private record RunCReference(List<String> vocab, float[] scores) {
        static RunCReference read(Path file, int n) {
            try {
                ByteBuffer in = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
                in.getInt();
                List<String> vocab = new ArrayList<>();
                float[] scores = new float[n];
                for (int i = 0; i < n; i++) {
                    scores[i] = in.getFloat();
                    byte[] piece = new byte[in.getInt()];
                    in.get(piece);
                    vocab.add(new String(piece, StandardCharsets.ISO_8859_1));
                }
                return new RunCReference(vocab, scores);
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }

        int[] encode(String text) {
            List<Integer> tokens = new ArrayList<>();
            if (!text.isEmpty()) {
                tokens.add(vocab.indexOf(" "));
            }
            byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < utf8.length; ) {
                int end = i + 1;
                while (end < utf8.length && (utf8[end] & 0xC0) == 0x80 && end - i < 4) {
                    end++;
                }
                int id = vocab.indexOf(new String(utf8, i, end - i, StandardCharsets.ISO_8859_1));
                if (id >= 0) {
                    tokens.add(id);
                } else {
                    for (int k = i; k < end; k++) {
                        tokens.add((utf8[k] & 0xFF) + 3);
                    }
                }
                i = end;
            }
            while (true) {
                float best = -1e10f;
                int bestId = -1;
                int bestIdx = -1;
                for (int i = 0; i + 1 < tokens.size(); i++) {
                    int id = vocab.indexOf(vocab.get(tokens.get(i)) + vocab.get(tokens.get(i + 1)));
                    if (id != -1 && scores[id] > best) {
                        best = scores[id];
                        bestId = id;
                        bestIdx = i;
                    }
                }
                if (bestIdx == -1) {
                    break;
                }
                tokens.set(bestIdx, bestId);
                tokens.remove(bestIdx + 1);
            }
            return tokens.stream().mapToInt(Integer::intValue).toArray();
        }
    }
}
