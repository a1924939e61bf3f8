package org.quantbench.export;

import java.nio.file.Path;
import java.util.List;

/**
 * What an export wrote: the file or folder, the files in it, how many tensors, the bytes on disk, and notes on
 * choices the exporter made that the user should know (a tensor kept in another dtype, a tokenizer left out).
 */
public record ExportResult(Path path, List<Path> files, int tensors, long bytes, List<String> notes) {
    public ExportResult {
        files = List.copyOf(files);
        notes = List.copyOf(notes);
    }
}
