package org.quantbench.ui.viewmodel;

import org.quantbench.quant.CacheContents;

import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/** One folder of the quantized-model cache as the Cache page shows it. */
public record CacheRow(CacheContents.Folder folder) {
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneId.systemDefault());

    /** The entry's name: scheme, lm_head and calibration tag (with its unfinished suffix). */
    public String name() { return folder.name(); }

    /** The model it was made from: the first 16 hex digits of the model file's SHA-256. */
    public String model() { return folder.modelHash(); }

    public String state() { return folder.state(); }

    public String size() { return Formats.bytes(folder.bytes()); }

    public String modified() { return WHEN.format(folder.modified()); }
}
