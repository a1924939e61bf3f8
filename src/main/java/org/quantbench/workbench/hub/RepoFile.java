package org.quantbench.workbench.hub;

/**
 * One file of a repository revision as the Hub lists it: its path inside the repository, its size, the git blob
 * id, and for files stored with Git LFS (weights) their sha256; {@code size} is -1 and {@code sha256} null when
 * the listing does not say.
 */
public record RepoFile(String path, long size, String blobId, String sha256) {

    public RepoFile {
        RepoPaths.requireSafe(path);
    }

    public boolean isLfs() {
        return sha256 != null;
    }

    /** The name of the blob in the HF cache: the sha256 for LFS files, the git blob id otherwise. */
    public String cacheBlobName() {
        return sha256 != null ? sha256 : blobId;
    }
}
