package org.quantbench.eval.tasks;

import org.quantbench.tensor.FileFormatException;

import java.nio.file.Path;

/** Where an item starts: errors about it name the file and the line. */
record RowPosition(Path file, int line) {
    FileFormatException error(String reason) {
        return new FileFormatException(file, "line " + line, reason);
    }
}
