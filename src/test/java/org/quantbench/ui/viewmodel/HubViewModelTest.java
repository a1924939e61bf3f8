package org.quantbench.ui.viewmodel;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quantbench.testing.SharedData;
import org.quantbench.workbench.hub.LocalModel;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The Hub part of the Model view against a local server serving stories260K as a repository. */
class HubViewModelTest {
    private static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";

    @TempDir
    Path home;

    private HttpServer server;
    private final Map<String, byte[]> files = new LinkedHashMap<>();
    private final RecordingDialogs dialogs = new RecordingDialogs();
    private ModelViewModel model;
    private HubViewModel vm;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", ex -> {
            String path = ex.getRequestURI().getPath();
            byte[] body;
            int status = 200;
            if (path.equals("/api/models/karpathy/tinyllamas/revision/main")) {
                body = listing().getBytes(StandardCharsets.UTF_8);
            } else if (path.startsWith("/karpathy/tinyllamas/resolve/" + COMMIT + "/") && files.containsKey(path.substring(path.lastIndexOf('/') + 1))) {
                body = files.get(path.substring(path.lastIndexOf('/') + 1));
            } else {
                body = new byte[0];
                status = 404;
            }
            ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        InlineBackground background = new InlineBackground();
        model = new ModelViewModel(background, dialogs);
        vm = new HubViewModel(model, background, dialogs, Map.of("HF_HOME", home.toString()));
        vm.endpointProperty().set("http://127.0.0.1:" + server.getAddress().getPort());
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private String listing() {
        StringBuilder b = new StringBuilder("{\"sha\":\"" + COMMIT + "\",\"siblings\":[");
        String sep = "";
        for (var e : files.entrySet()) {
            b.append(sep).append("{\"rfilename\":\"").append(e.getKey()).append("\",\"size\":").append(e.getValue().length)
                    .append(",\"lfs\":{\"sha256\":\"").append(sha256(e.getValue())).append("\",\"size\":")
                    .append(e.getValue().length).append("}}");
            sep = ",";
        }
        return b.append("]}").toString();
    }

    private static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void downloadsIntoTheCacheAndOpensTheModel() throws IOException {
        files.put("stories260K.bin", Files.readAllBytes(SharedData.require("models/stories260K/stories260K.bin")));
        files.put("tok512.bin", Files.readAllBytes(SharedData.require("models/stories260K/tok512.bin")));
        files.put("README.md", "tiny".getBytes(StandardCharsets.UTF_8));
        vm.repoProperty().set("karpathy/tinyllamas");
        vm.patternProperty().set("*.bin");

        vm.download();

        assertThat(dialogs.errors).isEmpty();
        assertThat(vm.downloadingProperty().get()).isFalse();
        assertThat(vm.progressProperty().get()).isEqualTo(1.0);
        Path snapshot = home.resolve("hub/models--karpathy--tinyllamas/snapshots/" + COMMIT);
        assertThat(snapshot.resolve("README.md")).doesNotExist();
        assertThat(model.summaryProperty().get()).isNotNull();
        assertThat(model.summaryProperty().get().format()).isEqualTo("llama2c");
        assertThat(model.summaryProperty().get().source()).isEqualTo(snapshot.resolve("stories260K.bin"));
    }

    @Test
    void theCacheListShowsGgufFilesAndAnUnreadableOneGivesADialog() throws IOException {
        Path snapshot = Files.createDirectories(home.resolve("hub/models--acme--tiny/snapshots/" + COMMIT));
        Files.write(snapshot.resolve("tiny-Q4_0.gguf"), "GGUF-but-nothing-else".getBytes(StandardCharsets.US_ASCII));
        vm.scanCache();
        assertThat(vm.localModels()).singleElement().satisfies(m -> {
            assertThat(m.kind()).isEqualTo(LocalModel.Kind.GGUF);
            assertThat(m.repoId()).contains("acme/tiny");
        });
        assertThat(vm.statusProperty().get()).startsWith("1 models in ");
        vm.open(vm.localModels().getFirst());
        assertThat(dialogs.errors).singleElement().asString().startsWith("Cannot open model").contains("tiny-Q4_0.gguf");
    }

    @Test
    void aPatternMatchingNothingAndAMissingRepoAreReported() {
        files.put("model.gguf", new byte[] {1});
        vm.repoProperty().set("karpathy/tinyllamas");
        vm.patternProperty().set("*.safetensors");
        vm.download();
        assertThat(dialogs.errors).singleElement().asString().startsWith("Download failed").contains("no file matches");

        vm.repoProperty().set("nobody/nothing");
        vm.patternProperty().set("");
        vm.download();
        assertThat(dialogs.errors).hasSize(2);
        assertThat(dialogs.errors.get(1)).contains("nobody/nothing");
        assertThat(vm.downloadingProperty().get()).isFalse();
        assertThat(model.summaryProperty().get()).isNull();
    }

    @Test
    void badInputIsRefusedBeforeAnyRequest() {
        vm.repoProperty().set("not a repo id");
        vm.download();
        vm.repoProperty().set("a/b");
        vm.endpointProperty().set("ftp://x");
        vm.download();
        vm.endpointProperty().set("http://127.0.0.1:1");
        vm.intoCacheProperty().set(false);
        vm.download();
        assertThat(dialogs.errors).hasSize(3).allSatisfy(e -> assertThat(e).startsWith("Cannot download"));
        assertThat(dialogs.errors.get(2)).contains("choose a folder");
    }

    @Test
    void globsMatchNamesAndPaths() {
        var any = HubViewModel.filesMatching("");
        var q41 = HubViewModel.filesMatching("*Q4_1.gguf");
        var f = new org.quantbench.workbench.hub.RepoFile("sub/model-Q4_1.gguf", 1, null, null);
        assertThat(any.test(f)).isTrue();
        assertThat(q41.test(f)).isTrue();
        assertThat(q41.test(new org.quantbench.workbench.hub.RepoFile("model-Q8_0.gguf", 1, null, null))).isFalse();
    }
}
