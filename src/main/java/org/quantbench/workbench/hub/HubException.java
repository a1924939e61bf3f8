package org.quantbench.workbench.hub;

import java.io.IOException;

/** A Hub request that cannot succeed as asked: an HTTP error, a malformed listing, a size or checksum mismatch. */
public final class HubException extends IOException {
    public HubException(String message) {
        super(message);
    }

    public HubException(String message, Throwable cause) {
        super(message, cause);
    }
}
