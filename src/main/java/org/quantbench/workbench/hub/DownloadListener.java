package org.quantbench.workbench.hub;

/** Hears how a download goes; called on the downloading thread (a UI adapts it to its own thread). */
public interface DownloadListener {
    DownloadListener NONE = new DownloadListener() {};

    default void progress(DownloadProgress progress) {}

    /** A line for the log: resumed at a byte offset, retrying after a dropped connection, verified. */
    default void message(String line) {}
}
