package org.quantbench.workbench.hub;

import org.quantbench.model.hf.HfShardIndex;
import org.quantbench.tensor.FileFormatException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Finds the models already on disk: in the Hugging Face hub cache ({@code models--owner--name/snapshots/<commit>},
 * with {@code refs/} naming commits) and in folders the user points at. A snapshot with config.json and safetensors
 * is one HF folder model; every GGUF file is a model of its own; llama2.c checkpoints are recognised by a header
 * whose implied size equals the file's. Nothing is opened beyond a few header bytes, symbolic links to folders are
 * not followed, and the walk is bounded in depth and entries so a huge or looping tree cannot stall it.
 */
public final class HfCacheScanner {
    private static final int MAX_DEPTH = 4;
    private static final int MAX_ENTRIES = 50_000;
    private static final int MAX_REF_BYTES = 256;

    private final List<LocalModel> models = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();
    private int entries;

    private HfCacheScanner() {}

    /** The hub cache the environment names (HF_HUB_CACHE, HF_HOME, XDG_CACHE_HOME or ~/.cache/huggingface/hub). */
    public static CacheScan scanDefaultCache(Map<String, String> env) {
        return scanHubCache(HfCacheLocation.hubCache(env));
    }

    /** Every model snapshot in a hub cache folder; an absent folder is an empty cache. */
    public static CacheScan scanHubCache(Path hubRoot) {
        HfCacheScanner scan = new HfCacheScanner();
        if (Files.isDirectory(hubRoot)) {
            for (Path repo : scan.list(hubRoot)) {
                String name = repo.getFileName().toString();
                if (name.startsWith("models--") && Files.isDirectory(repo, LinkOption.NOFOLLOW_LINKS)) {
                    scan.repository(repo, name.substring("models--".length()).replace("--", "/"));
                }
            }
        }
        return scan.result();
    }

    /** Models in a folder of the user's and below it (a few levels deep). */
    public static CacheScan scanFolder(Path folder) {
        HfCacheScanner scan = new HfCacheScanner();
        if (!Files.isDirectory(folder)) {
            scan.warnings.add(folder + ": not a folder");
        } else {
            scan.walk(folder, 0, null, null, List.of());
        }
        return scan.result();
    }

    private CacheScan result() {
        models.sort(Comparator.comparing(LocalModel::label, String.CASE_INSENSITIVE_ORDER));
        return new CacheScan(models, warnings);
    }

    private void repository(Path repo, String repoId) {
        Map<String, List<String>> refs = readRefs(repo.resolve("refs"));
        Path snapshots = repo.resolve("snapshots");
        if (!Files.isDirectory(snapshots)) {
            return;
        }
        for (Path snapshot : list(snapshots)) {
            if (Files.isDirectory(snapshot, LinkOption.NOFOLLOW_LINKS)) {
                String commit = snapshot.getFileName().toString();
                walk(snapshot, 0, repoId, commit, refs.getOrDefault(commit, List.of()));
            }
        }
    }

    /** Branch and tag names by the commit they point at, from {@code refs/<name>} files holding a commit hash. */
    private Map<String, List<String>> readRefs(Path refsDir) {
        Map<String, List<String>> byCommit = new HashMap<>();
        if (!Files.isDirectory(refsDir)) {
            return byCommit;
        }
        try (var files = Files.walk(refsDir, MAX_DEPTH)) {
            for (Path ref : files.filter(Files::isRegularFile).limit(1000).toList()) {
                if (Files.size(ref) <= MAX_REF_BYTES) {
                    String commit = Files.readString(ref, StandardCharsets.UTF_8).strip();
                    String name = refsDir.relativize(ref).toString().replace('\\', '/');
                    byCommit.computeIfAbsent(commit, c -> new ArrayList<>()).add(name);
                }
            }
        } catch (IOException | RuntimeException e) {
            warnings.add(refsDir + ": cannot read refs (" + e.getMessage() + ")");
        }
        byCommit.values().forEach(names -> names.sort(null));
        return byCommit;
    }

    private void walk(Path dir, int depth, String repoId, String commit, List<String> refs) {
        List<Path> children = list(dir);
        if (isHfFolder(children)) {
            hfFolder(dir, children, repoId, commit, refs);
        }
        for (Path child : children) {
            String name = child.getFileName().toString();
            String lower = name.toLowerCase(Locale.ROOT);
            if (Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS)) {
                if (depth < MAX_DEPTH && !name.startsWith(".")) {
                    walk(child, depth + 1, repoId, commit, refs);
                }
            } else if (lower.endsWith(".gguf") && hasMagic(child, "GGUF")) {
                add(child, LocalModel.Kind.GGUF, size(child), repoId, commit, refs, Optional.empty());
            } else if (repoId == null && lower.endsWith(".bin") && isLlama2c(child)) {
                add(child, LocalModel.Kind.LLAMA2C, size(child), null, null, refs, Optional.empty());
            }
        }
    }

    private static boolean isHfFolder(List<Path> children) {
        boolean config = false;
        boolean weights = false;
        for (Path c : children) {
            String name = c.getFileName().toString();
            config |= name.equals("config.json");
            weights |= name.endsWith(".safetensors") || name.equals(HfShardIndex.FILE_NAME);
        }
        return config && weights;
    }

    private void hfFolder(Path dir, List<Path> children, String repoId, String commit, List<String> refs) {
        long bytes = 0;
        List<String> missing = new ArrayList<>();
        for (Path c : children) {
            if (Files.isRegularFile(c)) {
                bytes += size(c);
            } else if (Files.isSymbolicLink(c) && !Files.exists(c)) {
                missing.add(c.getFileName().toString());
            }
        }
        Path index = dir.resolve(HfShardIndex.FILE_NAME);
        if (Files.isRegularFile(index)) {
            try {
                for (String shard : HfShardIndex.read(index).shardNames()) {
                    if (!Files.isRegularFile(dir.resolve(shard)) && !missing.contains(shard)) {
                        missing.add(shard);
                    }
                }
            } catch (FileFormatException | IllegalArgumentException e) {
                warnings.add(index + ": " + e.getMessage());
            }
        }
        Optional<String> problem = missing.isEmpty() ? Optional.empty()
                : Optional.of("incomplete download: missing " + String.join(", ", missing.stream().sorted().limit(5).toList())
                        + (missing.size() > 5 ? " and " + (missing.size() - 5) + " more" : ""));
        add(dir, LocalModel.Kind.HF_FOLDER, bytes, repoId, commit, refs, problem);
    }

    private void add(Path path, LocalModel.Kind kind, long bytes, String repoId, String commit, List<String> refs,
                     Optional<String> problem) {
        String label;
        if (repoId == null) {
            label = path.getFileName().toString();
        } else {
            String at = refs.isEmpty() ? commit.substring(0, Math.min(8, commit.length())) : String.join(",", refs);
            label = repoId + "@" + at + (kind == LocalModel.Kind.GGUF ? " " + path.getFileName() : "");
        }
        models.add(new LocalModel(label, kind, path, bytes, Optional.ofNullable(repoId), Optional.ofNullable(commit),
                refs, problem));
    }

    private List<Path> list(Path dir) {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            for (Path p : stream) {
                if (++entries > MAX_ENTRIES) {
                    warnings.add("stopped after " + MAX_ENTRIES + " entries; point the scan at a smaller folder");
                    break;
                }
                out.add(p);
            }
        } catch (IOException | RuntimeException e) {
            warnings.add(dir + ": cannot list (" + e.getMessage() + ")");
        }
        out.sort(Comparator.comparing(p -> p.getFileName().toString()));
        return out;
    }

    private long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            warnings.add(file + ": cannot read its size (" + e.getMessage() + ")");
            return 0;
        }
    }

    private static boolean hasMagic(Path file, String magic) {
        try (InputStream in = Files.newInputStream(file)) {
            return new String(in.readNBytes(magic.length()), StandardCharsets.ISO_8859_1).equals(magic);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * llama.c has no magic number: its seven int32 header fields must be in range and the float32 tensors they
     * imply (with the RoPE tables, and a classifier when the vocab size is negative) must fill the file exactly.
     */
    static boolean isLlama2c(Path file) {
        int[] h = new int[7];
        long fileSize;
        try (InputStream in = Files.newInputStream(file)) {
            fileSize = Files.size(file);
            byte[] bytes = in.readNBytes(28);
            if (bytes.length < 28) {
                return false;
            }
            ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < 7; i++) {
                h[i] = b.getInt();
            }
        } catch (IOException | RuntimeException e) {
            return false;
        }
        long dim = h[0], hidden = h[1], layers = h[2], heads = h[3], kvHeads = h[4], seqLen = h[6];
        long vocab = Math.abs((long) h[5]);
        boolean sane = dim > 0 && dim <= 1 << 16 && hidden > 0 && hidden <= 1 << 18 && layers > 0 && layers <= 1024
                && heads > 0 && dim % heads == 0 && kvHeads > 0 && heads % kvHeads == 0 && vocab > 0 && vocab <= 1 << 22
                && seqLen > 0 && seqLen <= 1 << 20;
        if (!sane) {
            return false;
        }
        long kvDim = dim / heads * kvHeads;
        long floats = vocab * dim + layers * (2 * dim + 2 * dim * dim + 2 * dim * kvDim + 3 * dim * hidden) + dim
                + seqLen * (dim / heads);
        if (h[5] < 0) {
            floats += vocab * dim;
        }
        return 28 + 4 * floats == fileSize;
    }
}
