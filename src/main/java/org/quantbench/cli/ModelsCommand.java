package org.quantbench.cli;

import org.quantbench.workbench.hub.CacheScan;
import org.quantbench.workbench.hub.HfCacheLocation;
import org.quantbench.workbench.hub.HfCacheScanner;
import org.quantbench.workbench.hub.LocalModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "models", description = {"List the models on disk: the Hugging Face cache ($HF_HUB_CACHE, $HF_HOME/hub or",
        "~/.cache/huggingface/hub) and any folders given (HF folders, GGUF and llama2.c files)."})
final class ModelsCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FOLDER", arity = "0..*", description = "Folders to search as well.")
    List<Path> folders = new ArrayList<>();

    @Option(names = "--hub-cache", paramLabel = "DIR", description = "The HF hub cache to list (default: from the environment).")
    Path hubCache;

    @Override
    public Integer call() {
        Path cache = hubCache != null ? hubCache : HfCacheLocation.hubCache(System.getenv());
        List<CacheScan> scans = new ArrayList<>();
        scans.add(HfCacheScanner.scanHubCache(cache));
        folders.forEach(f -> scans.add(HfCacheScanner.scanFolder(f)));
        int count = 0;
        for (int i = 0; i < scans.size(); i++) {
            CacheScan scan = scans.get(i);
            System.out.println(i == 0 ? "HF cache " + cache + ":" : folders.get(i - 1) + ":");
            for (LocalModel m : scan.models()) {
                System.out.printf("  %-50s %-9s %11s  %s%s%n", m.label(), kind(m), Bytes.human(m.sizeBytes()), m.path(),
                        m.problem().map(p -> "  (" + p + ")").orElse(""));
                count++;
            }
            if (scan.models().isEmpty()) {
                System.out.println("  (no models)");
            }
            scan.warnings().forEach(w -> System.err.println("warning: " + w));
        }
        System.out.printf("%d model(s)%n", count);
        return 0;
    }

    private static String kind(LocalModel m) {
        return switch (m.kind()) {
            case HF_FOLDER -> "HF";
            case GGUF -> "GGUF";
            case LLAMA2C -> "llama2.c";
        };
    }
}
