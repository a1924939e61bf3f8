package org.quantbench.workbench.hub;

import java.util.List;

/** What a scan found, and what it could not read (an unreadable folder does not stop a scan). */
public record CacheScan(List<LocalModel> models, List<String> warnings) {
    public CacheScan {
        models = List.copyOf(models);
        warnings = List.copyOf(warnings);
    }
}
