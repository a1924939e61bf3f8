package org.quantbench.workbench.hub;

import java.nio.file.Path;
import java.util.Map;

/** Where huggingface_hub keeps its files, by the same environment variables it reads. */
public final class HfCacheLocation {
    private HfCacheLocation() {}

    /** {@code $HF_HOME}, else {@code $XDG_CACHE_HOME/huggingface}, else {@code ~/.cache/huggingface}. */
    public static Path hfHome(Map<String, String> env) {
        String home = env.get("HF_HOME");
        if (home != null && !home.isBlank()) {
            return Path.of(home);
        }
        String xdg = env.get("XDG_CACHE_HOME");
        Path cache = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return cache.resolve("huggingface");
    }

    /** The hub cache: {@code $HF_HUB_CACHE}, else {@code <hf home>/hub}. */
    public static Path hubCache(Map<String, String> env) {
        String hub = env.get("HF_HUB_CACHE");
        return hub != null && !hub.isBlank() ? Path.of(hub) : hfHome(env).resolve("hub");
    }
}
