package org.quantbench.workbench.hub;

import java.util.List;
import java.util.Optional;

/** The files of one repository revision, pinned to the commit the revision pointed at when it was listed. */
public record RepoListing(RepoId repo, String revision, String commit, List<RepoFile> files) {

    public RepoListing {
        files = List.copyOf(files);
    }

    public Optional<RepoFile> file(String path) {
        return files.stream().filter(f -> f.path().equals(path)).findFirst();
    }

    /** Sum of the listed sizes (files of unknown size count 0). */
    public long totalBytes() {
        return files.stream().mapToLong(f -> Math.max(0, f.size())).sum();
    }
}
