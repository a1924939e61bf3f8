package org.quantbench.cli;

import org.quantbench.quant.CacheContents;
import org.quantbench.quant.QuantizedModelStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "cache", description = {"List the quantized-model cache: finished entries and unfinished calibration runs",
        "(the next run of the same quantization continues those), with their sizes; delete what is not wanted."})
final class CacheCommand implements Callable<Integer> {
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneId.systemDefault());

    @Option(names = "--cache", paramLabel = "DIR", description = "Cache folder (default: $QUANTBENCH_CACHE or ~/.cache/quantbench).")
    Path cache;

    @Option(names = "--delete", paramLabel = "NAME", description = "Delete the entry folders of this name (as listed), in every model.")
    List<String> delete = new ArrayList<>();

    @Option(names = "--delete-unfinished", description = "Delete every unfinished folder that no running quantization holds.")
    boolean deleteUnfinished;

    @Override
    public Integer call() {
        QuantizedModelStore store = new QuantizedModelStore(cache != null ? cache : QuantizedModelStore.defaultCacheRoot());
        List<CacheContents.Folder> folders = CacheContents.list(store);
        for (String name : delete) {
            if (folders.stream().noneMatch(f -> f.name().equals(name))) {
                throw new IllegalArgumentException("--delete " + name + ": no such entry in " + store.root()
                        + " (names as `cache` lists them)");
            }
        }
        List<CacheContents.Folder> kept = new ArrayList<>();
        for (CacheContents.Folder f : folders) {
            boolean named = delete.contains(f.name());
            if (named || deleteUnfinished && !f.finished() && !f.inUse()) {
                CacheContents.delete(f);
                System.out.printf("deleted %s (%s)%n", f.path(), Bytes.human(f.bytes()));
            } else {
                kept.add(f);
            }
        }
        System.out.println("cache " + store.root() + ":");
        long total = 0;
        int unfinished = 0;
        for (CacheContents.Folder f : kept) {
            System.out.printf("  %s  %-60s %11s  %s%s%n", f.modelHash(), f.name(), Bytes.human(f.bytes()), WHEN.format(f.modified()),
                    f.finished() ? "" : "  (" + f.state() + ")");
            total += f.bytes();
            unfinished += f.finished() ? 0 : 1;
        }
        if (kept.isEmpty()) {
            System.out.println("  (empty)");
        }
        System.out.printf("%d entries (%d unfinished), %s%n", kept.size(), unfinished, Bytes.human(total));
        return 0;
    }
}
