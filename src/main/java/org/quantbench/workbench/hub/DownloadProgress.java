package org.quantbench.workbench.hub;

/**
 * How far a download is: the current file ({@code fileIndex} of {@code fileCount}, counted from 0) and all files
 * together. Totals are -1 when the listing gave no size.
 */
public record DownloadProgress(String file, int fileIndex, int fileCount, long fileDone, long fileTotal,
                               long allDone, long allTotal) {

    /** Fraction of all bytes done, or -1 when the total is unknown. */
    public double fraction() {
        return allTotal <= 0 ? -1 : Math.min(1.0, (double) allDone / allTotal);
    }
}
