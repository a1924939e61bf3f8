package org.quantbench.workbench.hub;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Where the Hub is and who asks: the endpoint (the public Hub, a mirror, or a local test server), an optional
 * access token for gated and private repositories, how often a dropped transfer is resumed before giving up, and
 * how long one may go without data before it counts as dropped.
 */
public record HubSettings(URI endpoint, Optional<String> token, int attempts, Duration retryDelay,
                          Duration connectTimeout, Duration stallTimeout) {
    public static final URI PUBLIC_HUB = URI.create("https://huggingface.co");

    public HubSettings {
        if (endpoint == null || endpoint.getScheme() == null || endpoint.getHost() == null
                || !(endpoint.getScheme().equals("http") || endpoint.getScheme().equals("https"))) {
            throw new IllegalArgumentException("Hub endpoint must be an http(s) URL, got " + endpoint);
        }
        String s = endpoint.toString();
        endpoint = URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
        token = token == null ? Optional.empty() : token.map(String::strip).filter(t -> !t.isEmpty());
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be at least 1, got " + attempts);
        }
        if (retryDelay == null || retryDelay.isNegative()) {
            throw new IllegalArgumentException("retry delay must be zero or positive");
        }
        if (connectTimeout == null || connectTimeout.isNegative() || connectTimeout.isZero()
                || stallTimeout == null || stallTimeout.isNegative() || stallTimeout.isZero()) {
            throw new IllegalArgumentException("connect and stall timeouts must be positive");
        }
    }

    /** The given endpoint, no token, three attempts a second apart, a transfer given up after 60 s without data. */
    public static HubSettings of(URI endpoint) {
        return new HubSettings(endpoint, Optional.empty(), 3, Duration.ofSeconds(1), Duration.ofSeconds(30),
                Duration.ofSeconds(60));
    }

    /**
     * The settings huggingface_hub users already have: {@code HF_ENDPOINT}, then the token from {@code HF_TOKEN},
     * {@code HUGGING_FACE_HUB_TOKEN} or the file {@code huggingface-cli login} writes ({@code $HF_TOKEN_PATH},
     * default {@code $HF_HOME/token}).
     */
    public static HubSettings fromEnvironment(Map<String, String> env) {
        String endpoint = env.get("HF_ENDPOINT");
        HubSettings settings = of(endpoint == null || endpoint.isBlank() ? PUBLIC_HUB : URI.create(endpoint.strip()));
        String token = env.get("HF_TOKEN");
        if (token == null || token.isBlank()) {
            token = env.get("HUGGING_FACE_HUB_TOKEN");
        }
        if (token == null || token.isBlank()) {
            String tokenPath = env.get("HF_TOKEN_PATH");
            token = readTokenFile(tokenPath != null && !tokenPath.isBlank() ? Path.of(tokenPath)
                    : HfCacheLocation.hfHome(env).resolve("token"));
        }
        return settings.withToken(token);
    }

    public HubSettings withEndpoint(URI newEndpoint) {
        return new HubSettings(newEndpoint, token, attempts, retryDelay, connectTimeout, stallTimeout);
    }

    public HubSettings withToken(String newToken) {
        return new HubSettings(endpoint, Optional.ofNullable(newToken), attempts, retryDelay, connectTimeout, stallTimeout);
    }

    public HubSettings withRetries(int newAttempts, Duration newRetryDelay) {
        return new HubSettings(endpoint, token, newAttempts, newRetryDelay, connectTimeout, stallTimeout);
    }

    /** How long a transfer may go without a byte before it counts as dropped (and is resumed). */
    public HubSettings withStallTimeout(Duration newStallTimeout) {
        return new HubSettings(endpoint, token, attempts, retryDelay, connectTimeout, newStallTimeout);
    }

    private static String readTokenFile(Path file) {
        try {
            // A token is a short line; anything larger is not a token file.
            if (Files.isRegularFile(file) && Files.size(file) < 4096) {
                return Files.readString(file, StandardCharsets.UTF_8).strip();
            }
        } catch (IOException | RuntimeException e) {
            // An unreadable token file means anonymous access, as huggingface_hub treats it.
        }
        return null;
    }

    @Override
    public String toString() {
        // Never print the token itself.
        return "HubSettings[endpoint=" + endpoint + ", token=" + (token.isPresent() ? "set" : "none") + ", attempts="
                + attempts + "]";
    }
}
