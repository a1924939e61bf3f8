package org.quantbench.ui.viewmodel;

import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.quantbench.workbench.hub.CacheScan;
import org.quantbench.workbench.hub.DownloadListener;
import org.quantbench.workbench.hub.DownloadProgress;
import org.quantbench.workbench.hub.DownloadTarget;
import org.quantbench.workbench.hub.HfCacheLocation;
import org.quantbench.workbench.hub.HfCacheScanner;
import org.quantbench.workbench.hub.HubClient;
import org.quantbench.workbench.hub.HubSettings;
import org.quantbench.workbench.hub.LocalModel;
import org.quantbench.workbench.hub.RepoFile;
import org.quantbench.workbench.hub.RepoId;
import org.quantbench.workbench.hub.RepoListing;

import java.net.URI;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

/**
 * The model sources of the Model view beyond a file picker: the models already in the local Hugging Face cache, and
 * a download from the Hub by repository id (progress, cancel, resume on the next try; the client checks sizes and
 * sha256). A finished download or a picked cache entry is opened in the {@link ModelViewModel}.
 */
public final class HubViewModel {
    private final ModelViewModel model;
    private final Background background;
    private final Dialogs dialogs;
    private final Map<String, String> env;
    private final ObservableList<LocalModel> localModels = FXCollections.observableArrayList();
    private final StringProperty repo = new SimpleStringProperty("");
    private final StringProperty revision = new SimpleStringProperty("main");
    private final StringProperty pattern = new SimpleStringProperty("");
    private final StringProperty endpoint;
    private final StringProperty token = new SimpleStringProperty("");
    private final BooleanProperty intoCache = new SimpleBooleanProperty(true);
    private final StringProperty folder = new SimpleStringProperty("");
    private final BooleanProperty downloading = new SimpleBooleanProperty();
    private final DoubleProperty progress = new SimpleDoubleProperty();
    private final StringProperty status = new SimpleStringProperty("");
    private final ObservableList<String> log = FXCollections.observableArrayList();
    private final AtomicBoolean cancel = new AtomicBoolean();

    /** @param env the environment ({@code HF_HOME}, {@code HF_ENDPOINT}, {@code HF_TOKEN}), passed in for tests */
    public HubViewModel(ModelViewModel model, Background background, Dialogs dialogs, Map<String, String> env) {
        this.model = model;
        this.background = background;
        this.dialogs = dialogs;
        this.env = env;
        this.endpoint = new SimpleStringProperty(HubSettings.fromEnvironment(env).endpoint().toString());
    }

    /** Lists the models in the HF cache ({@code $HF_HOME/hub}, default {@code ~/.cache/huggingface/hub}). */
    public void scanCache() {
        background.submit(() -> HfCacheScanner.scanDefaultCache(env), (CacheScan scan) -> {
            localModels.setAll(scan.models());
            status.set(scan.models().size() + " models in " + HfCacheLocation.hubCache(env)
                    + (scan.warnings().isEmpty() ? "" : "; " + String.join("; ", scan.warnings())));
        }, e -> dialogs.error("Cannot read the Hugging Face cache", ModelViewModel.reason(e)));
    }

    /** Opens a model of the cache list. */
    public void open(LocalModel local) {
        if (local.problem().isPresent()) {
            dialogs.error("Cannot open " + local.label(), local.problem().get());
            return;
        }
        model.open(local.path(), null);
    }

    /** Downloads the files of {@link #repoProperty()} matching {@link #patternProperty()}, then opens the model. */
    public void download() {
        HubSettings settings;
        RepoId id;
        Predicate<RepoFile> include;
        DownloadTarget target;
        try {
            id = new RepoId(repo.get().strip());
            settings = HubSettings.of(URI.create(endpoint.get().strip())).withToken(token.get());
            include = filesMatching(pattern.get());
            if (!intoCache.get() && folder.get().isBlank()) {
                throw new IllegalArgumentException("choose a folder to download into, or the Hugging Face cache");
            }
            target = intoCache.get() ? new DownloadTarget.HfCache(HfCacheLocation.hubCache(env))
                    : new DownloadTarget.Folder(Path.of(folder.get().strip()));
        } catch (IllegalArgumentException e) {
            dialogs.error("Cannot download", ModelViewModel.reason(e));
            return;
        }
        cancel.set(false);
        downloading.set(true);
        progress.set(0);
        log.clear();
        status.set("Listing " + id + "...");
        String rev = revision.get().isBlank() ? "main" : revision.get().strip();
        DownloadListener listener = new DownloadListener() {
            @Override
            public void progress(DownloadProgress p) {
                background.onUi(() -> {
                    progress.set(p.fraction());
                    status.set(p.file() + " (" + (p.fileIndex() + 1) + "/" + p.fileCount() + "), "
                            + Formats.bytes(p.allDone()) + (p.allTotal() > 0 ? " of " + Formats.bytes(p.allTotal()) : ""));
                });
            }

            @Override
            public void message(String line) {
                background.onUi(() -> log.add(line));
            }
        };
        background.submit(() -> {
            try (HubClient client = new HubClient(settings)) {
                RepoListing listing = client.listFiles(id, rev);
                List<RepoFile> chosen = listing.files().stream().filter(include).toList();
                if (chosen.isEmpty()) {
                    throw new IllegalArgumentException(id + "@" + rev + ": no file matches '" + pattern.get() + "'");
                }
                Path root = client.downloadAll(listing, include, target, listener, cancel::get);
                return modelPath(root, chosen);
            }
        }, path -> {
            downloading.set(false);
            progress.set(1);
            status.set("Downloaded to " + path);
            model.open(path, null);
        }, e -> {
            downloading.set(false);
            status.set(cancel.get() ? "Cancelled; the next download resumes where this one stopped." : "Download failed.");
            if (!cancel.get()) {
                dialogs.error("Download failed", ModelViewModel.reason(e));
            }
        });
    }

    public void cancel() {
        cancel.set(true);
    }

    /**
     * What to open: the one GGUF file downloaded; else a HF folder when there is a config.json; else the largest .bin
     * (a llama2.c checkpoint: its tokenizer.bin or tok*.bin beside it is found by the loader).
     */
    private static Path modelPath(Path root, List<RepoFile> files) {
        List<RepoFile> gguf = files.stream().filter(f -> f.path().endsWith(".gguf")).toList();
        if (gguf.size() == 1) {
            return root.resolve(gguf.getFirst().path());
        }
        if (files.stream().anyMatch(f -> f.path().equals("config.json"))) {
            return root;
        }
        return files.stream().filter(f -> f.path().endsWith(".bin")).max(java.util.Comparator.comparingLong(RepoFile::size))
                .map(f -> root.resolve(f.path())).orElse(root);
    }

    /** A glob over the repository's file names (e.g. {@code *Q4_1.gguf}); blank takes every file. */
    static Predicate<RepoFile> filesMatching(String glob) {
        if (glob == null || glob.isBlank()) {
            return f -> true;
        }
        PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + glob.strip());
        return f -> m.matches(Path.of(f.path())) || m.matches(Path.of(f.path()).getFileName());
    }

    public ObservableList<LocalModel> localModels() { return localModels; }

    /** A repository id, {@code owner/name}. */
    public StringProperty repoProperty() { return repo; }

    public StringProperty revisionProperty() { return revision; }

    public StringProperty patternProperty() { return pattern; }

    public StringProperty endpointProperty() { return endpoint; }

    public StringProperty tokenProperty() { return token; }

    public BooleanProperty intoCacheProperty() { return intoCache; }

    public StringProperty folderProperty() { return folder; }

    public BooleanProperty downloadingProperty() { return downloading; }

    /** Fraction of the bytes done, or -1 while the total is unknown. */
    public DoubleProperty progressProperty() { return progress; }

    public StringProperty statusProperty() { return status; }

    public ObservableList<String> log() { return log; }
}
