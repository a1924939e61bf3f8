package org.quantbench.workbench.hub;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quantbench.model.hf.HfShardIndex;
import org.quantbench.testing.SharedData;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class HfCacheScannerTest {
    private static final String COMMIT_A = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    private static final String COMMIT_B = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

    @TempDir
    Path dir;

    @Test
    void findsSnapshotsGgufFilesAndUnfinishedDownloadsInTheHubCache() throws IOException {
        Path repo = dir.resolve("models--acme--tiny");
        Path blob = write(repo.resolve("blobs/1111"), "{\"model_type\":\"llama\"}");
        Path weights = write(repo.resolve("blobs/2222"), "x".repeat(1000));
        Path snap = repo.resolve("snapshots").resolve(COMMIT_A);
        link(snap.resolve("config.json"), blob);
        link(snap.resolve("model.safetensors"), weights);
        write(repo.resolve("refs/main"), COMMIT_A + "\n");
        write(repo.resolve("refs/v1.0"), COMMIT_A);

        Path gguf = dir.resolve("models--acme--tiny-GGUF");
        Path ggufBlob = write(gguf.resolve("blobs/3333"), "GGUF" + "\0".repeat(60));
        link(gguf.resolve("snapshots").resolve(COMMIT_B).resolve("tiny.Q4_0.gguf"), ggufBlob);
        write(gguf.resolve("snapshots").resolve(COMMIT_B).resolve("README.md"), "# tiny");

        Path broken = dir.resolve("models--acme--half").resolve("snapshots").resolve(COMMIT_A);
        write(broken.resolve("config.json"), "{}");
        write(broken.resolve(HfShardIndex.FILE_NAME), "{\"metadata\":{},\"weight_map\":{"
                + "\"a\":\"model-00001-of-00002.safetensors\",\"b\":\"model-00002-of-00002.safetensors\"}}");
        write(broken.resolve("model-00001-of-00002.safetensors"), "w");

        write(dir.resolve("datasets--acme--data/snapshots").resolve(COMMIT_A).resolve("x.gguf"), "GGUF");

        CacheScan scan = HfCacheScanner.scanHubCache(dir);
        assertThat(scan.warnings()).isEmpty();
        assertThat(scan.models()).extracting(LocalModel::label).containsExactly(
                "acme/half@aaaaaaaa", "acme/tiny-GGUF@bbbbbbbb tiny.Q4_0.gguf", "acme/tiny@main,v1.0");

        LocalModel tiny = scan.models().get(2);
        assertThat(tiny.kind()).isEqualTo(LocalModel.Kind.HF_FOLDER);
        assertThat(tiny.path()).isEqualTo(snap);
        assertThat(tiny.sizeBytes()).isEqualTo(1000 + Files.size(blob));
        assertThat(tiny.repoId()).contains("acme/tiny");
        assertThat(tiny.commit()).contains(COMMIT_A);
        assertThat(tiny.problem()).isEmpty();

        assertThat(scan.models().get(1).kind()).isEqualTo(LocalModel.Kind.GGUF);
        assertThat(scan.models().get(0).problem()).hasValueSatisfying(p ->
                assertThat(p).contains("incomplete").contains("model-00002-of-00002.safetensors"));
    }

    @Test
    void anAbsentCacheIsEmptyAndTheEnvironmentPicksTheFolder() {
        assertThat(HfCacheScanner.scanHubCache(dir.resolve("nope")).models()).isEmpty();
        assertThat(HfCacheLocation.hubCache(Map.of("HF_HOME", "/x/hf"))).isEqualTo(Path.of("/x/hf/hub"));
        assertThat(HfCacheLocation.hubCache(Map.of("HF_HOME", "/x/hf", "HF_HUB_CACHE", "/y"))).isEqualTo(Path.of("/y"));
        assertThat(HfCacheLocation.hubCache(Map.of("XDG_CACHE_HOME", "/c"))).isEqualTo(Path.of("/c/huggingface/hub"));
    }

    @Test
    void findsWhatTheHubClientDownloaded() throws IOException {
        try (FakeHub hub = new FakeHub()) {
            hub.put("config.json", "{}".getBytes(StandardCharsets.UTF_8), false);
            hub.put("model.safetensors", new byte[5000], true);
            try (HubClient client = new HubClient(HubSettings.of(hub.endpoint()).withRetries(1, Duration.ZERO))) {
                RepoListing listing = client.listFiles(new RepoId(FakeHub.REPO), "main");
                client.downloadAll(listing, f -> true, new DownloadTarget.HfCache(dir), DownloadListener.NONE, () -> false);
            }
        }
        List<LocalModel> models = HfCacheScanner.scanHubCache(dir).models();
        assertThat(models).singleElement().satisfies(m -> {
            assertThat(m.label()).isEqualTo(FakeHub.REPO + "@main");
            assertThat(m.sizeBytes()).isEqualTo(5002);
            assertThat(m.problem()).isEmpty();
        });
    }

    @Test
    void aLocalFolderYieldsHfFoldersGgufAndLlama2cFilesButNotLookAlikes() throws IOException {
        Path hf = dir.resolve("models/my-hf");
        write(hf.resolve("config.json"), "{}");
        write(hf.resolve("model.safetensors"), "w");
        write(dir.resolve("models/q.gguf"), "GGUF....");
        write(dir.resolve("models/fake.gguf"), "NOPE....");
        Files.write(dir.resolve("models/tiny.bin"), llama2c(8, 16, 2, 2, 1, -32, 4));
        byte[] truncated = llama2c(8, 16, 2, 2, 1, -32, 4);
        Files.write(dir.resolve("models/truncated.bin"), java.util.Arrays.copyOf(truncated, truncated.length - 4));

        CacheScan scan = HfCacheScanner.scanFolder(dir);
        assertThat(scan.models()).extracting(LocalModel::label, LocalModel::kind).containsExactly(
                org.assertj.core.groups.Tuple.tuple("my-hf", LocalModel.Kind.HF_FOLDER),
                org.assertj.core.groups.Tuple.tuple("q.gguf", LocalModel.Kind.GGUF),
                org.assertj.core.groups.Tuple.tuple("tiny.bin", LocalModel.Kind.LLAMA2C));
        assertThat(HfCacheScanner.scanFolder(dir.resolve("missing")).warnings()).singleElement()
                .asString().contains("not a folder");
    }

    @Test
    void recognisesTheRealStories260K() {
        Path bin = SharedData.require("models/stories260K/stories260K.bin");
        assertThat(HfCacheScanner.isLlama2c(bin)).isTrue();
        assertThat(HfCacheScanner.isLlama2c(bin.resolveSibling("tok512.bin"))).isFalse();
    }

    /** A llama2.c file of the given header with zeroed weights of exactly the implied size. */
    private static byte[] llama2c(int dim, int hidden, int layers, int heads, int kvHeads, int vocab, int seqLen) {
        long kvDim = (long) dim / heads * kvHeads;
        long floats = (long) Math.abs(vocab) * dim * (vocab < 0 ? 2 : 1)
                + layers * (2L * dim + 2L * dim * dim + 2L * dim * kvDim + 3L * dim * hidden) + dim + (long) seqLen * (dim / heads);
        ByteBuffer b = ByteBuffer.allocate((int) (28 + 4 * floats)).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : new int[] {dim, hidden, layers, heads, kvHeads, vocab, seqLen}) {
            b.putInt(v);
        }
        return b.array();
    }

    private static Path write(Path file, String content) throws IOException {
        Files.createDirectories(file.getParent());
        return Files.writeString(file, content);
    }

    private static void link(Path at, Path target) throws IOException {
        Files.createDirectories(at.getParent());
        Files.createSymbolicLink(at, at.getParent().relativize(target));
    }
}
