package org.quantbench.eval.kld;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quantbench.engine.InferenceSession;
import org.quantbench.engine.LlamaModel;
import org.quantbench.engine.WideningLinearFactory;
import org.quantbench.eval.PerplexityDefinition;
import org.quantbench.eval.PerplexityEvaluator;
import org.quantbench.eval.PerplexityResult;
import org.quantbench.eval.TextDocuments;
import org.quantbench.eval.TokenWindows;
import org.quantbench.model.llama2c.Llama2cCheckpoint;
import org.quantbench.model.tokenizer.Tokenizer;
import org.quantbench.tensor.ComputePool;
import org.quantbench.tensor.DType;
import org.quantbench.tensor.FileFormatException;
import org.quantbench.testing.SharedData;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** KL divergence on stories260K over the TinyStories sample, with the base logits cached on disk. */
class KldEvaluatorTest {

    private static List<int[]> stories(Tokenizer tok) {
        List<int[]> docs = new ArrayList<>();
        for (String story : TextDocuments.read(SharedData.require("data/tinystories/TinyStories-valid.head-transcribed.txt"),
                "<|endoftext|>", true, 0)) {
            docs.add(tok.encode(story, false));
        }
        return docs;
    }

    @Test
    void aModelAgainstItselfHasZeroKlAndFullAgreement(@TempDir Path dir) {
        try (Llama2cCheckpoint ckpt = Llama2cCheckpoint.open(SharedData.require("models/stories260K/stories260K.bin"),
                SharedData.require("models/stories260K/tok512.bin")); ComputePool pool = new ComputePool(2)) {
            Tokenizer tok = ckpt.tokenizer().orElseThrow();
            LlamaModel model = LlamaModel.load(ckpt);
            PerplexityDefinition def = new PerplexityDefinition(64, 40, true, 150);
            List<int[]> docs = stories(tok);
            TokenWindows windows = new TokenWindows(def, docs, tok.bosId());
            BaseLogitsCache cache = new BaseLogitsCache(dir);
            int vocab = model.config().vocabSize();
            int[] baseRuns = {0};
            try (BaseLogitsFile base = cache.open("f".repeat(64), windows, vocab, () -> {
                baseRuns[0]++;
                return new InferenceSession(model, 64, 32, pool);
            })) {
                KldResult self = KldEvaluator.compare(new InferenceSession(model, 64, 16, pool), windows, base);
                assertThat(self.meanKld()).isZero();
                assertThat(self.maxKld()).isZero();
                assertThat(self.p99Kld()).isZero();
                assertThat(self.top1Agreement()).isEqualTo(100.0);
                assertThat(self.lnPplRatio()).isZero();
                // the windows and scored tokens are the perplexity evaluator's own
                PerplexityResult ppl = new PerplexityEvaluator(new InferenceSession(model, 64, 64, pool), def, tok.bosId())
                        .evaluate(docs);
                assertThat(self.tokens()).isEqualTo(ppl.scoredTokens());
                assertThat(self.windows()).isEqualTo(ppl.windows());
                assertThat(self.pplBase()).isCloseTo(ppl.perplexity(), within(1e-9));
                // the pass's own perplexity is the evaluator's, bit for bit (a run stores it as its perplexity step)
                assertThat(self.modelPerplexity()).isEqualTo(ppl);
                assertThat(base.k()).isEqualTo(32);
            }
            // read back from disk: the base model is not run again
            try (BaseLogitsFile again = cache.open("f".repeat(64), windows, vocab, () -> {
                throw new AssertionError("the cached base logits should be read back");
            })) {
                assertThat(again.tokens()).isEqualTo(windows.scoredTokens());
            }
            assertThat(baseRuns[0]).isEqualTo(1);
        }
    }

    @Test
    void bf16WeightsDivergeALittleFromF32(@TempDir Path dir) {
        try (Llama2cCheckpoint ckpt = Llama2cCheckpoint.open(SharedData.require("models/stories260K/stories260K.bin"),
                SharedData.require("models/stories260K/tok512.bin")); ComputePool pool = new ComputePool(2);
             Arena arena = Arena.ofShared()) {
            Tokenizer tok = ckpt.tokenizer().orElseThrow();
            LlamaModel model = LlamaModel.load(ckpt);
            LlamaModel bf16 = LlamaModel.load(ckpt, new WideningLinearFactory(DType.BF16, arena));
            TokenWindows windows = new TokenWindows(new PerplexityDefinition(128, 128, true, 128), stories(tok), tok.bosId());
            try (BaseLogitsFile base = new BaseLogitsCache(dir).open("e".repeat(64), windows, model.config().vocabSize(),
                    () -> new InferenceSession(model, 128, 64, pool))) {
                KldResult r = KldEvaluator.compare(new InferenceSession(bf16, 128, 64, pool), windows, base);
                assertThat(r.meanKld()).isPositive().isLessThan(0.01);
                assertThat(r.medianKld()).isLessThanOrEqualTo(r.p99Kld());
                assertThat(r.p99Kld()).isLessThanOrEqualTo(r.maxKld());
                assertThat(r.top1Agreement()).isGreaterThan(90).isLessThanOrEqualTo(100);
                assertThat(Math.abs(r.lnPplRatio())).isLessThan(0.01);
                assertThat(r.pplModel()).isCloseTo(r.pplBase() * Math.exp(r.lnPplRatio()), within(1e-9));
                PerplexityResult own = new PerplexityEvaluator(new InferenceSession(bf16, 128, 32, pool),
                        windows.definition(), tok.bosId()).evaluate(stories(tok));
                assertThat(r.modelPerplexity()).isEqualTo(own);
            }
        }
    }

    @Test
    void resultsAndBaseFileDoNotDependOnThreadsOrStepSize(@TempDir Path dir) throws IOException {
        try (Llama2cCheckpoint ckpt = Llama2cCheckpoint.open(SharedData.require("models/stories260K/stories260K.bin"),
                SharedData.require("models/stories260K/tok512.bin")); ComputePool one = new ComputePool(1);
             ComputePool three = new ComputePool(3); Arena arena = Arena.ofShared()) {
            Tokenizer tok = ckpt.tokenizer().orElseThrow();
            LlamaModel model = LlamaModel.load(ckpt);
            LlamaModel bf16 = LlamaModel.load(ckpt, new WideningLinearFactory(DType.BF16, arena));
            // stride < context: windows whose first tokens are context only, split over steps of 7 and 48
            TokenWindows windows = new TokenWindows(new PerplexityDefinition(96, 40, true, 200), stories(tok), tok.bosId());
            int vocab = model.config().vocabSize();
            BaseLogitsCache single = new BaseLogitsCache(dir.resolve("one"));
            BaseLogitsCache parallel = new BaseLogitsCache(dir.resolve("three"));
            try (BaseLogitsFile a = single.open("c".repeat(64), windows, vocab, () -> new InferenceSession(model, 96, 7, one));
                 BaseLogitsFile b = parallel.open("c".repeat(64), windows, vocab, () -> new InferenceSession(model, 96, 48, three))) {
                assertThat(Files.readAllBytes(b.path())).isEqualTo(Files.readAllBytes(a.path()));
                KldResult slow = KldEvaluator.compare(new InferenceSession(bf16, 96, 7, one), windows, a);
                KldResult fast = KldEvaluator.compare(new InferenceSession(bf16, 96, 48, three), windows, b);
                assertThat(fast).isEqualTo(slow);
                assertThat(slow.meanKld()).isPositive();
            }
        }
    }

    @Test
    void aDamagedOrMismatchedCacheFileIsRefused(@TempDir Path dir) throws IOException {
        try (Llama2cCheckpoint ckpt = Llama2cCheckpoint.open(SharedData.require("models/stories260K/stories260K.bin"),
                SharedData.require("models/stories260K/tok512.bin")); ComputePool pool = new ComputePool(1)) {
            Tokenizer tok = ckpt.tokenizer().orElseThrow();
            LlamaModel model = LlamaModel.load(ckpt);
            List<int[]> docs = List.of(tok.encode("Once upon a time there was a little cat. It liked milk.", false));
            TokenWindows windows = new TokenWindows(new PerplexityDefinition(32, 32, true, 0), docs, tok.bosId());
            BaseLogitsCache cache = new BaseLogitsCache(dir);
            String key = BaseLogitsCache.key("a".repeat(64), windows, 32);
            cache.open("a".repeat(64), windows, 512, () -> new InferenceSession(model, 32, 8, pool)).close();
            Path file = cache.file(key);
            // another model's key under this file's name
            String otherKey = BaseLogitsCache.key("b".repeat(64), windows, 32);
            Files.copy(file, cache.file(otherKey));
            assertThatThrownBy(() -> cache.open("b".repeat(64), windows, 512, () -> null))
                    .isInstanceOf(FileFormatException.class).hasMessageContaining("key");
            // truncated
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                ch.truncate(Files.size(file) - 10);
            }
            assertThatThrownBy(() -> cache.open("a".repeat(64), windows, 512, () -> null))
                    .isInstanceOf(FileFormatException.class).hasMessageContaining(file.toString()).hasMessageContaining("size");
            // not ours at all
            Files.writeString(file, "hello");
            assertThatThrownBy(() -> cache.open("a".repeat(64), windows, 512, () -> null))
                    .isInstanceOf(FileFormatException.class).hasMessageContaining("magic");
            // nothing half-written is left beside the cache files
            try (var files = Files.list(dir)) {
                assertThat(files.map(p -> p.getFileName().toString())).allMatch(n -> n.endsWith(".qblogits"));
            }
        }
    }
}
