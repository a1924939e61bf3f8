package org.quantbench.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quantbench.testing.SharedData;
import org.quantbench.workbench.hub.FakeHub;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The models, download and memory commands, end to end in process (download against a local server). */
class HubCommandsTest {
    @TempDir
    Path dir;

    @Test
    void downloadFetchesTheModelFilesOnlyAndListsTheRest() throws IOException {
        try (FakeHub hub = new FakeHub()) {
            hub.put("config.json", "{}".getBytes(StandardCharsets.UTF_8), false);
            hub.put("model.safetensors", new byte[70_000], true);
            hub.put("model.Q4_0.gguf", new byte[100], true);
            String endpoint = hub.endpoint().toString();

            CliRun listed = CliRun.of("download", FakeHub.REPO, "--endpoint", endpoint, "--list");
            assertThat(listed.exit()).isZero();
            assertThat(listed.out()).containsPattern("\\* +68\\.36 KiB  model\\.safetensors")
                    .containsPattern("\n +100 B  model\\.Q4_0\\.gguf").contains(FakeHub.COMMIT);

            CliRun run = CliRun.of("download", FakeHub.REPO, "--endpoint", endpoint, "--to", dir.toString());
            assertThat(run.exit()).as(run.err()).isZero();
            assertThat(dir.resolve("model.safetensors")).hasSize(70_000);
            assertThat(dir.resolve("config.json")).exists();
            assertThat(dir.resolve("model.Q4_0.gguf")).doesNotExist();
            assertThat(run.err()).contains("[2/2] model.safetensors").contains("100%");

            CliRun missing = CliRun.of("download", "acme/other", "--endpoint", endpoint, "--to", dir.toString());
            assertThat(missing.exit()).isEqualTo(2);
            assertThat(missing.err()).contains("error: acme/other@main: HTTP 404");
        }
    }

    @Test
    void modelsListsWhatAFolderHolds() throws IOException {
        Files.writeString(dir.resolve("a.gguf"), "GGUF....");
        CliRun run = CliRun.of("models", "--hub-cache", dir.resolve("empty").toString(), dir.toString());
        assertThat(run.exit()).isZero();
        assertThat(run.out()).contains("(no models)").contains("a.gguf").contains("GGUF").contains("1 model(s)");
    }

    @Test
    void memoryOfAPresetAndOfTheSharedGguf() {
        CliRun preset = CliRun.of("memory", "--preset", "Llama-3.1-8B", "--formats", "BF16,W4A16-AWQ-g128-asym");
        assertThat(preset.exit()).isZero();
        // 16,060,522,496 bytes = 14.96 GiB; 5,727,823,342 bytes = 5.33 GiB (the seed blog's 5.73 GB)
        assertThat(preset.out()).containsPattern("BF16 +16\\.000 +14\\.96 GiB +1\\.00 GiB")
                .containsPattern("W4A16-AWQ-g128-asym +4\\.156 +5\\.33 GiB");
        Path gguf = SharedData.require("models/smollm2-135m-instruct-q4_1/SmolLM2-135M-Instruct.Q4_1.gguf");
        CliRun model = CliRun.of("memory", gguf.toString(), "--formats", "Q4_0");
        assertThat(model.exit()).isZero();
        assertThat(model.out()).contains("134,515,008 parameters").contains("Q8_0 when its rows");
        assertThat(CliRun.of("memory", "--preset", "Llama-9").err()).contains("unknown preset 'Llama-9'");
    }
}
