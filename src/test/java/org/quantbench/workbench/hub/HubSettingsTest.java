package org.quantbench.workbench.hub;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HubSettingsTest {
    @TempDir
    Path home;

    @Test
    void readsEndpointAndTokenAsHuggingfaceHubDoes() throws IOException {
        Files.writeString(home.resolve("token"), "hf_from_login\n");
        HubSettings fromFile = HubSettings.fromEnvironment(Map.of("HF_HOME", home.toString(),
                "HF_ENDPOINT", "http://mirror.local:8080/"));
        assertThat(fromFile.endpoint()).isEqualTo(URI.create("http://mirror.local:8080"));
        assertThat(fromFile.token()).contains("hf_from_login");

        HubSettings fromEnv = HubSettings.fromEnvironment(Map.of("HF_HOME", home.toString(), "HF_TOKEN", "hf_env"));
        assertThat(fromEnv.endpoint()).isEqualTo(HubSettings.PUBLIC_HUB);
        assertThat(fromEnv.token()).contains("hf_env");

        Path other = Files.writeString(home.resolve("other-token"), "hf_other");
        assertThat(HubSettings.fromEnvironment(Map.of("HF_HOME", home.toString(), "HF_TOKEN_PATH", other.toString()))
                .token()).contains("hf_other");
        assertThat(HubSettings.fromEnvironment(Map.of("HF_HOME", home.resolve("none").toString())).token()).isEmpty();
    }

    @Test
    void neverPrintsTheTokenAndRefusesNonHttpEndpoints() {
        HubSettings s = HubSettings.of(URI.create("https://huggingface.co")).withToken("hf_secret");
        assertThat(s.toString()).doesNotContain("hf_secret").contains("token=set");
        assertThatThrownBy(() -> HubSettings.of(URI.create("file:///etc"))).isInstanceOf(IllegalArgumentException.class);
    }
}
