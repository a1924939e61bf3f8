package org.quantbench.export;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AtomicFileWriterTest {
    @TempDir
    Path dir;

    @Test
    void replacesTheTargetOnlyWhenComplete() throws IOException {
        Path target = dir.resolve("sub/out.txt");
        AtomicFileWriter.writeString(target, "first");
        assertThat(target).hasContent("first");
        assertThatThrownBy(() -> AtomicFileWriter.write(target, channel -> {
            channel.write(ByteBuffer.wrap("partial".getBytes()));
            throw new IOException("cancelled");
        })).hasMessage("cancelled");
        assertThat(target).hasContent("first");
        try (var files = Files.list(target.getParent())) {
            assertThat(files).containsExactly(target);
        }
        AtomicFileWriter.writeString(target, "second");
        assertThat(target).hasContent("second");
    }

    @Test
    void finishedFilesAreNotOwnerOnly() throws IOException {
        Path target = dir.resolve("shared.txt");
        AtomicFileWriter.writeString(target, "x");
        if (target.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Path plain = Files.writeString(dir.resolve("plain.txt"), "x");
            assertThat(Files.getPosixFilePermissions(target)).isEqualTo(Files.getPosixFilePermissions(plain));
            assertThat(Files.getPosixFilePermissions(target)).contains(PosixFilePermission.OWNER_READ);
        }
    }
}
