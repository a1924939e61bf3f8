package org.quantbench.workbench.hub;

import java.nio.file.Path;

/**
 * File names in a repository come from the server: they are resolved under a local folder only after this check,
 * so a hostile listing cannot write outside it ({@code ../}, absolute paths, drive letters, odd characters).
 */
final class RepoPaths {
    private static final int MAX_PATH = 1024;

    private RepoPaths() {}

    static String requireSafe(String path) {
        if (path == null || path.isEmpty() || path.length() > MAX_PATH) {
            throw new IllegalArgumentException("repository file name is empty or too long");
        }
        for (String segment : path.split("/", -1)) {
            boolean bad = segment.isEmpty() || segment.equals(".") || segment.equals("..");
            for (int i = 0; i < segment.length() && !bad; i++) {
                char c = segment.charAt(i);
                bad = c < 0x20 || c == 0x7f || c == '\\' || c == ':';
            }
            if (bad) {
                throw new IllegalArgumentException("unsafe repository file name '" + printable(path) + "'");
            }
        }
        return path;
    }

    /** {@code folder/path}, checked to stay inside {@code folder}. */
    static Path resolveInside(Path folder, String path) {
        Path base = folder.toAbsolutePath().normalize();
        Path resolved = base.resolve(requireSafe(path)).normalize();
        if (!resolved.startsWith(base) || resolved.equals(base)) {
            throw new IllegalArgumentException("repository file name '" + printable(path) + "' leaves " + base);
        }
        return resolved;
    }

    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        s.codePoints().limit(200).forEach(c -> b.append(c < 0x20 || c == 0x7f ? '?' : (char) c));
        return b.toString();
    }
}
