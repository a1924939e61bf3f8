package org.quantbench.cli;

/** Byte counts for people. */
final class Bytes {
    private Bytes() {}

    static String human(long bytes) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return u == 0 ? bytes + " B" : String.format("%.2f %s", v, units[u]);
    }
}
