package org.quantbench.eval.tasks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Task names as the CLI takes them, resolved against a data folder laid out as {@code ../shared/data}:
 * {@code arc_easy}, {@code arc_challenge}, {@code piqa}, {@code winogrande}, {@code mmlu} (every subject) or
 * {@code mmlu_<subject>}, {@code hellaswag}, {@code lambada}. {@code name=PATH} reads that task from another file
 * (for {@code mmlu}: the folder holding {@code dev/} and {@code test/}).
 */
public final class TaskCatalog {
    public static final List<String> NAMES = List.of("arc_easy", "arc_challenge", "piqa", "winogrande", "mmlu",
            "mmlu_<subject>", "hellaswag", "lambada");

    private TaskCatalog() {}

    public static List<Task> resolve(String request, Path dataDir) {
        int eq = request.indexOf('=');
        String name = (eq < 0 ? request : request.substring(0, eq)).strip();
        Path given = eq < 0 ? null : Path.of(request.substring(eq + 1).strip());
        return switch (name) {
            case "arc_easy" -> List.of(ArcTask.load(name, file(name, given, dataDir, "arc/arc_easy.test.jsonl")));
            case "arc_challenge" -> List.of(ArcTask.load(name, file(name, given, dataDir, "arc/arc_challenge.test.jsonl")));
            case "piqa" -> {
                Path rows = file(name, given, dataDir, "piqa/valid.jsonl");
                String labels = rows.getFileName().toString().replaceFirst("\\.jsonl$", "") + "-labels.lst";
                yield List.of(PiqaTask.load(name, rows, existing(name, rows.resolveSibling(labels))));
            }
            case "winogrande" -> List.of(WinograndeTask.load(name, file(name, given, dataDir, "winogrande/dev.jsonl")));
            case "hellaswag" -> List.of(HellaswagTask.load(name, file(name, given, dataDir, "hellaswag/hellaswag_val.jsonl")));
            case "lambada" -> List.of(LambadaTask.load(name, file(name, given, dataDir, "lambada/lambada_test.jsonl")));
            case "mmlu" -> MmluTask.loadAll(file(name, given, dataDir, "mmlu/data"), "test");
            default -> {
                if (name.startsWith("mmlu_")) {
                    Path root = given != null ? given : dataDir.resolve("mmlu/data");
                    String subject = name.substring("mmlu_".length());
                    existing(name, root.resolve("test").resolve(subject + "_test.csv"));
                    yield List.of(MmluTask.load(root, "test", subject));
                }
                throw new IllegalArgumentException("unknown task '" + name + "'; known: " + String.join(", ", NAMES)
                        + " (or --task-spec FILE for your own data)");
            }
        };
    }

    private static Path file(String task, Path given, Path dataDir, String standard) {
        return existing(task, given != null ? given : dataDir.resolve(standard));
    }

    private static Path existing(String task, Path path) {
        if (!Files.exists(path)) {
            throw new IllegalArgumentException(task + ": " + path + " does not exist (give the data folder with --data DIR, "
                    + "or the file with " + task + "=PATH)");
        }
        return path;
    }
}
