package org.quantbench.workbench.hub;

import java.nio.file.Path;

/** Where downloaded files go: laid out like the HF cache (shared with Python tools), or plainly into one folder. */
public sealed interface DownloadTarget {

    /**
     * {@code <hubRoot>/models--owner--name/blobs/<sha256 or blob id>}, linked from {@code snapshots/<commit>/<path>},
     * with {@code refs/<revision>} naming the commit, as huggingface_hub lays it out.
     */
    record HfCache(Path hubRoot) implements DownloadTarget {}

    /** {@code <dir>/<path>}. */
    record Folder(Path dir) implements DownloadTarget {}
}
