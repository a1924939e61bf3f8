package org.quantbench.workbench.hub;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/** Which files of a repository to fetch: what a HF folder model needs, or files named by glob patterns. */
public final class RepoFilters {
    private static final Set<String> MODEL_FILES = Set.of("config.json", "generation_config.json", "tokenizer.json",
            "tokenizer_config.json", "special_tokens_map.json", "tokenizer.model", "model.safetensors.index.json");

    private RepoFilters() {}

    /** Config, tokenizer and safetensors files at the top of the repository (not .bin/.pt copies, not GGUF). */
    public static Predicate<RepoFile> hfFolderModel() {
        return f -> !f.path().contains("/") && (MODEL_FILES.contains(f.path()) || f.path().endsWith(".safetensors"));
    }

    /** Files whose path matches any glob ({@code *} within a folder, {@code **} across folders), e.g. {@code *Q4_K_M.gguf}. */
    public static Predicate<RepoFile> globs(List<String> patterns) {
        List<PathMatcher> matchers = patterns.stream()
                .map(p -> FileSystems.getDefault().getPathMatcher("glob:" + p)).toList();
        return f -> matchers.stream().anyMatch(m -> m.matches(Path.of(f.path())));
    }
}
