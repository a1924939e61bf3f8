package org.quantbench.workbench.hub;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HubClientTest {
    private static final String WEIGHTS = "model.safetensors";
    private static final String CONFIG = "config.json";
    private static final RepoId REPO = new RepoId(FakeHub.REPO);

    @TempDir
    Path dir;
    private FakeHub hub;
    private byte[] weights;
    private final List<String> messages = new ArrayList<>();
    private final DownloadListener listener = new DownloadListener() {
        @Override
        public void message(String line) {
            messages.add(line);
        }
    };

    @BeforeEach
    void start() throws IOException {
        hub = new FakeHub();
        weights = new byte[1_000_000];
        new Random(7).nextBytes(weights);
        hub.put(WEIGHTS, weights, true);
        hub.put(CONFIG, "{\"model_type\":\"llama\"}".getBytes(StandardCharsets.UTF_8), false);
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    private HubClient client(int attempts) {
        return new HubClient(HubSettings.of(hub.endpoint()).withRetries(attempts, Duration.ZERO));
    }

    @Test
    void listsFilesWithSizesAndChecksumsPinnedToTheCommit() throws IOException {
        try (HubClient client = client(1)) {
            RepoListing listing = client.listFiles(REPO, "main");
            assertThat(listing.commit()).isEqualTo(FakeHub.COMMIT);
            RepoFile w = listing.file(WEIGHTS).orElseThrow();
            assertThat(w.size()).isEqualTo(weights.length);
            assertThat(w.sha256()).isEqualTo(FakeHub.sha256(weights));
            assertThat(listing.file(CONFIG).orElseThrow().isLfs()).isFalse();
            assertThat(hub.seen.getFirst().path()).isEqualTo("/api/models/acme/tiny-model/revision/main");
        }
    }

    @Test
    void downloadsIntoTheHfCacheLayoutAndKeepsTheTokenAwayFromTheCdn() throws IOException {
        hub.requiredToken = "hf_secret";
        try (HubClient client = new HubClient(HubSettings.of(hub.endpoint()).withToken("hf_secret"))) {
            RepoListing listing = client.listFiles(REPO, "main");
            Path snapshot = client.downloadAll(listing, f -> true, new DownloadTarget.HfCache(dir), listener, () -> false);

            Path repo = dir.resolve("models--acme--tiny-model");
            assertThat(snapshot).isEqualTo(repo.resolve("snapshots").resolve(FakeHub.COMMIT));
            assertThat(Files.readAllBytes(snapshot.resolve(WEIGHTS))).isEqualTo(weights);
            assertThat(Files.isSymbolicLink(snapshot.resolve(WEIGHTS))).isTrue();
            assertThat(repo.resolve("blobs").resolve(FakeHub.sha256(weights))).exists();
            assertThat(Files.readString(repo.resolve("refs/main"))).isEqualTo(FakeHub.COMMIT);
            assertThat(Files.readString(snapshot.resolve(CONFIG))).contains("llama");
        }
        assertThat(hub.seen).filteredOn(s -> s.server().equals("api")).allMatch(s -> "Bearer hf_secret".equals(s.authorization()));
        assertThat(hub.seen).filteredOn(s -> s.server().equals("cdn")).isNotEmpty().allMatch(s -> s.authorization() == null);
    }

    @Test
    void aDroppedConnectionIsResumedWithARangeRequest() throws IOException {
        hub.dropAfter = 300_000;
        hub.dropsLeft.set(1);
        AtomicLong lastDone = new AtomicLong();
        DownloadListener progress = new DownloadListener() {
            @Override
            public void progress(DownloadProgress p) {
                assertThat(p.fileDone()).isGreaterThanOrEqualTo(0).isLessThanOrEqualTo(p.fileTotal());
                lastDone.set(p.allDone());
            }

            @Override
            public void message(String line) {
                messages.add(line);
            }
        };
        try (HubClient client = client(3)) {
            RepoListing listing = client.listFiles(REPO, "main");
            Path file = client.download(listing, listing.file(WEIGHTS).orElseThrow(), new DownloadTarget.Folder(dir),
                    progress, () -> false);
            assertThat(Files.readAllBytes(file)).isEqualTo(weights);
            assertThat(file).isEqualTo(dir.resolve(WEIGHTS));
        }
        List<FakeHub.Seen> cdn = hub.requestsFor("/blobs/");
        assertThat(cdn).hasSize(2);
        assertThat(cdn.get(0).range()).isNull();
        // The server sent 300,000 bytes before dropping; the kernel may lose the tail of them with the connection.
        long resumedAt = rangeStart(cdn.get(1));
        assertThat(resumedAt).isPositive().isLessThanOrEqualTo(300_000);
        assertThat(messages).anyMatch(m -> m.contains("connection lost at byte " + resumedAt));
        assertThat(lastDone.get()).isEqualTo(weights.length);
        assertThat(dir.resolve(WEIGHTS + ".part")).doesNotExist();
    }

    @Test
    void aFailedDownloadKeepsItsPartFileAndTheNextCallResumesIt() throws IOException {
        hub.dropAfter = 400_000;
        hub.dropsLeft.set(1);
        try (HubClient client = client(1)) {
            RepoListing listing = client.listFiles(REPO, "main");
            RepoFile file = listing.file(WEIGHTS).orElseThrow();
            DownloadTarget target = new DownloadTarget.HfCache(dir);
            assertThatThrownBy(() -> client.download(listing, file, target, listener, () -> false))
                    .isInstanceOf(HubException.class).hasMessageContaining("is kept");
            Path part = dir.resolve("models--acme--tiny-model/blobs/" + file.sha256() + ".part");
            long kept = Files.size(part);
            assertThat(kept).isPositive().isLessThanOrEqualTo(400_000);
            assertThat(dir.resolve("models--acme--tiny-model/snapshots/" + FakeHub.COMMIT + "/" + WEIGHTS)).doesNotExist();

            Path done = client.download(listing, file, target, listener, () -> false);
            assertThat(Files.readAllBytes(done)).isEqualTo(weights);
            assertThat(part).doesNotExist();
            assertThat(rangeStart(hub.requestsFor("/blobs/").getLast())).isEqualTo(kept);
        }
    }

    private static long rangeStart(FakeHub.Seen request) {
        assertThat(request.range()).matches("bytes=\\d+-");
        return Long.parseLong(request.range().substring("bytes=".length(), request.range().length() - 1));
    }

    @Test
    @Timeout(60)
    void aStalledTransferCountsAsDroppedAndIsResumed() throws IOException {
        hub.stallAfter = 200_000;
        hub.stallsLeft.set(1);
        HubSettings settings = HubSettings.of(hub.endpoint()).withRetries(2, Duration.ZERO)
                .withStallTimeout(Duration.ofMillis(300));
        try (HubClient client = new HubClient(settings)) {
            RepoListing listing = client.listFiles(REPO, "main");
            Path file = client.download(listing, listing.file(WEIGHTS).orElseThrow(), new DownloadTarget.Folder(dir),
                    listener, () -> false);
            assertThat(Files.readAllBytes(file)).isEqualTo(weights);
        }
        assertThat(messages).anyMatch(m -> m.contains("no data for"));
        assertThat(rangeStart(hub.requestsFor("/blobs/").getLast())).isPositive();
    }

    @Test
    @Timeout(60)
    void cancellingEndsATransferBlockedOnAStalledServer() throws IOException {
        hub.stallAfter = 100_000;
        hub.stallsLeft.set(1);
        AtomicBoolean cancel = new AtomicBoolean();
        DownloadListener cancelOnceStarted = new DownloadListener() {
            @Override
            public void progress(DownloadProgress p) {
                if (p.fileDone() >= 100_000) {
                    // From elsewhere, a moment later: by then the read is blocked on the silent server.
                    Thread.ofVirtual().start(() -> {
                        try {
                            Thread.sleep(100);
                        } catch (InterruptedException e) {
                            return;
                        }
                        cancel.set(true);
                    });
                }
            }
        };
        try (HubClient client = client(1)) {
            RepoListing listing = client.listFiles(REPO, "main");
            assertThatThrownBy(() -> client.download(listing, listing.file(WEIGHTS).orElseThrow(),
                    new DownloadTarget.Folder(dir), cancelOnceStarted, cancel::get))
                    .isInstanceOf(CancellationException.class);
        }
        assertThat(Files.size(dir.resolve(WEIGHTS + ".part"))).isEqualTo(100_000);
    }

    @Test
    void aServerIgnoringRangeRestartsTheFileCleanly() throws IOException {
        hub.dropAfter = 250_000;
        hub.dropsLeft.set(1);
        hub.ignoreRange = true;
        try (HubClient client = client(2)) {
            RepoListing listing = client.listFiles(REPO, "main");
            Path file = client.download(listing, listing.file(WEIGHTS).orElseThrow(), new DownloadTarget.Folder(dir),
                    listener, () -> false);
            assertThat(Files.readAllBytes(file)).isEqualTo(weights);
        }
    }

    @Test
    void aChecksumMismatchDeletesTheDownloadAndSaysSo() throws IOException {
        byte[] corrupt = weights.clone();
        corrupt[123_456] ^= 1;
        hub.corruptBody = corrupt;
        try (HubClient client = client(3)) {
            RepoListing listing = client.listFiles(REPO, "main");
            RepoFile file = listing.file(WEIGHTS).orElseThrow();
            assertThatThrownBy(() -> client.download(listing, file, new DownloadTarget.Folder(dir), listener, () -> false))
                    .isInstanceOf(HubException.class)
                    .hasMessageContaining("sha256")
                    .hasMessageContaining(file.sha256())
                    .hasMessageContaining("deleted");
        }
        assertThat(dir.resolve(WEIGHTS)).doesNotExist();
        assertThat(dir.resolve(WEIGHTS + ".part")).doesNotExist();
    }

    @Test
    void aSmallFileIsCheckedAgainstItsGitBlobId() throws IOException {
        hub.listingOverride = hub.listing().replace(FakeHub.gitBlobId(hub.files.get(CONFIG).content()),
                "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
        try (HubClient client = client(1)) {
            RepoListing listing = client.listFiles(REPO, "main");
            assertThatThrownBy(() -> client.download(listing, listing.file(CONFIG).orElseThrow(),
                    new DownloadTarget.Folder(dir), listener, () -> false))
                    .isInstanceOf(HubException.class).hasMessageContaining("git blob id");
        }
        assertThat(dir.resolve(CONFIG)).doesNotExist();
    }

    @Test
    void cancellingStopsTheTransferAndKeepsThePartForLater() throws IOException {
        try (HubClient client = client(1)) {
            RepoListing listing = client.listFiles(REPO, "main");
            RepoFile file = listing.file(WEIGHTS).orElseThrow();
            assertThatThrownBy(() -> client.download(listing, file, new DownloadTarget.Folder(dir), listener, () -> true))
                    .isInstanceOf(CancellationException.class);
            assertThat(Files.size(dir.resolve(WEIGHTS + ".part"))).isPositive().isLessThan(weights.length);
            assertThat(dir.resolve(WEIGHTS)).doesNotExist();
        }
    }

    @Test
    void aPrivateRepositoryWithoutATokenNamesTheFix() {
        hub.requiredToken = "hf_secret";
        try (HubClient client = client(1)) {
            assertThatThrownBy(() -> client.listFiles(REPO, "main"))
                    .isInstanceOf(HubException.class)
                    .hasMessageContaining("HTTP 401")
                    .hasMessageContaining("HF_TOKEN")
                    .hasMessageContaining("restricted");
        }
    }

    @Test
    void aListingThatEscapesTheFolderIsRefused() {
        hub.listingOverride = "{\"sha\":\"" + FakeHub.COMMIT + "\",\"siblings\":[{\"rfilename\":\"../../etc/evil\",\"size\":1}]}";
        try (HubClient client = client(1)) {
            assertThatThrownBy(() -> client.listFiles(REPO, "main"))
                    .isInstanceOf(HubException.class)
                    .hasMessageContaining("siblings[0]")
                    .hasMessageContaining("unsafe");
        }
    }

    @Test
    void aMalformedListingNamesTheField() {
        hub.listingOverride = "{\"sha\":\"" + FakeHub.COMMIT + "\",\"siblings\":[{\"rfilename\":\"a\",\"size\":-5}]}";
        try (HubClient client = client(1)) {
            assertThatThrownBy(() -> client.listFiles(REPO, "main"))
                    .isInstanceOf(HubException.class).hasMessageContaining("siblings[0]: size");
        }
        hub.listingOverride = "not json";
        try (HubClient client = client(1)) {
            assertThatThrownBy(() -> client.listFiles(REPO, "main"))
                    .isInstanceOf(HubException.class).hasMessageContaining("not JSON");
        }
    }

    @Test
    void repositoryIdsAreChecked() {
        assertThat(new RepoId("HuggingFaceTB/SmolLM2-135M").cacheFolderName()).isEqualTo("models--HuggingFaceTB--SmolLM2-135M");
        assertThatThrownBy(() -> new RepoId("../x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RepoId("a/b/c")).isInstanceOf(IllegalArgumentException.class);
    }
}
