package org.quantbench.cli;

import org.quantbench.workbench.hub.DownloadListener;
import org.quantbench.workbench.hub.DownloadProgress;
import org.quantbench.workbench.hub.DownloadTarget;
import org.quantbench.workbench.hub.HfCacheLocation;
import org.quantbench.workbench.hub.HubClient;
import org.quantbench.workbench.hub.HubException;
import org.quantbench.workbench.hub.HubSettings;
import org.quantbench.workbench.hub.RepoFile;
import org.quantbench.workbench.hub.RepoFilters;
import org.quantbench.workbench.hub.RepoId;
import org.quantbench.workbench.hub.RepoListing;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Predicate;

@Command(name = "download", description = {"Download a model from the Hugging Face Hub into the HF cache (or a folder):",
        "resumes interrupted files, checks sizes and sha256. Token: $HF_TOKEN or huggingface-cli login; endpoint: $HF_ENDPOINT."})
final class DownloadCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "REPO", description = "Repository id, e.g. HuggingFaceTB/SmolLM2-135M-Instruct.")
    String repo;

    @Option(names = "--revision", paramLabel = "REV", description = "Branch, tag or commit (default: ${DEFAULT-VALUE}).")
    String revision = "main";

    @Option(names = "--include", paramLabel = "GLOB", split = ",", description = {"Files to fetch, e.g. '*Q4_K_M.gguf'",
            "(default: what a HF folder model needs: config, tokenizer and safetensors files)."})
    List<String> include = new ArrayList<>();

    @Option(names = "--to", paramLabel = "DIR", description = "Put the files into this folder instead of the HF cache.")
    Path folder;

    @Option(names = "--endpoint", paramLabel = "URL", description = "Hub endpoint (default: $HF_ENDPOINT or https://huggingface.co).")
    URI endpoint;

    @Option(names = "--list", description = "Only list the revision's files.")
    boolean list;

    @Override
    public Integer call() {
        HubSettings settings = HubSettings.fromEnvironment(System.getenv());
        if (endpoint != null) {
            settings = settings.withEndpoint(endpoint);
        }
        try (HubClient client = new HubClient(settings)) {
            RepoListing listing = client.listFiles(new RepoId(repo), revision);
            Predicate<RepoFile> selected = include.isEmpty() ? RepoFilters.hfFolderModel() : RepoFilters.globs(include);
            if (list) {
                for (RepoFile f : listing.files()) {
                    System.out.printf("%s %12s  %s%n", selected.test(f) ? "*" : " ", f.size() < 0 ? "?" : Bytes.human(f.size()),
                            f.path());
                }
                System.out.printf("commit %s; * = fetched by default%n", listing.commit());
                return 0;
            }
            if (listing.files().stream().noneMatch(selected)) {
                throw new IllegalArgumentException(repo + "@" + revision + ": no file matches "
                        + (include.isEmpty() ? "the HF model files (try --list and --include)" : include));
            }
            DownloadTarget target = folder != null ? new DownloadTarget.Folder(folder)
                    : new DownloadTarget.HfCache(HfCacheLocation.hubCache(System.getenv()));
            Path where = client.downloadAll(listing, selected, target, new ConsoleProgress(), () -> false);
            System.out.println(where);
            return 0;
        } catch (HubException e) {
            System.err.println("error: " + e.getMessage());
            return 2;
        } catch (IOException e) {
            System.err.println("error: " + repo + ": " + e.getMessage());
            return 2;
        }
    }

    /** A line per file and a percentage every 5% on stderr, which stays readable in logs too. */
    private static final class ConsoleProgress implements DownloadListener {
        private String file;
        private long lastStep = -1;

        @Override
        public void progress(DownloadProgress p) {
            if (!p.file().equals(file)) {
                file = p.file();
                lastStep = -1;
                System.err.printf("[%d/%d] %s (%s)%n", p.fileIndex() + 1, p.fileCount(), p.file(),
                        p.fileTotal() < 0 ? "size unknown" : Bytes.human(p.fileTotal()));
            }
            if (p.fileTotal() > 0) {
                long step = 20 * p.fileDone() / p.fileTotal();
                if (step > lastStep) {
                    lastStep = step;
                    System.err.printf("  %3d%%  %s of %s in all%n", 5 * step, Bytes.human(p.allDone()), Bytes.human(p.allTotal()));
                }
            }
        }

        @Override
        public void message(String line) {
            System.err.println("  " + line);
        }
    }
}
