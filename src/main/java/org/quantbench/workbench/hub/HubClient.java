package org.quantbench.workbench.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.quantbench.export.AtomicFileWriter;
import org.quantbench.tensor.SoftwareVersion;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Lists and downloads repository files from the Hugging Face Hub (or any server speaking its API, such as a
 * mirror or a local test server). A download goes to a {@code .part} file next to its final name and resumes
 * with an HTTP Range request after a dropped connection, both within one call ({@link HubSettings#attempts()})
 * and across calls; the finished file is checked against the listed size and checksum (sha256 for LFS files,
 * the git blob id otherwise) before it is renamed into place, and deleted when it does not match.
 * Redirects are followed by hand so the token is sent only to the endpoint's own host, never to a CDN.
 */
public final class HubClient implements AutoCloseable {
    private static final int MAX_LISTING_BYTES = 32 << 20;
    private static final int MAX_FILES = 100_000;
    private static final int MAX_REDIRECTS = 10;
    private static final int CHUNK = 256 << 10;
    private static final Pattern HEX = Pattern.compile("[0-9a-fA-F]+");
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+|\\*)");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HubSettings settings;
    private final HttpClient http;

    public HubClient(HubSettings settings) {
        this.settings = Objects.requireNonNull(settings);
        this.http = HttpClient.newBuilder()
                .connectTimeout(settings.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    public HubSettings settings() {
        return settings;
    }

    /** The files of {@code revision} (a branch, tag or commit) with sizes and checksums, pinned to its commit. */
    public RepoListing listFiles(RepoId repo, String revision) throws IOException {
        String rev = requireRevision(revision);
        URI uri = URI.create(settings.endpoint() + "/api/models/" + repo.value() + "/revision/" + encode(rev)
                + "?blobs=true");
        String what = repo + "@" + rev;
        HttpResponse<InputStream> response = open(uri, 0, what);
        byte[] body;
        try (InputStream in = response.body()) {
            if (response.statusCode() != 200) {
                throw statusError(response, what);
            }
            body = in.readNBytes(MAX_LISTING_BYTES + 1);
        }
        if (body.length > MAX_LISTING_BYTES) {
            throw new HubException(what + ": listing is larger than " + (MAX_LISTING_BYTES >> 20) + " MiB");
        }
        return parseListing(repo, rev, body);
    }

    /**
     * Downloads one file of a listing and returns where it lies (in the HF cache layout: the snapshot path).
     * A file already there with the listed size is kept. Cancelling keeps the {@code .part} file for a later resume.
     */
    public Path download(RepoListing listing, RepoFile file, DownloadTarget target, DownloadListener listener,
                         BooleanSupplier cancelled) throws IOException {
        return download(listing, file, target, listener, cancelled, 0, 1, 0, Math.max(0, file.size()));
    }

    /** Downloads every file {@code include} accepts; returns the folder holding them (the snapshot folder in the cache). */
    public Path downloadAll(RepoListing listing, Predicate<RepoFile> include, DownloadTarget target,
                            DownloadListener listener, BooleanSupplier cancelled) throws IOException {
        List<RepoFile> files = listing.files().stream().filter(include).toList();
        long total = files.stream().mapToLong(f -> Math.max(0, f.size())).sum();
        long done = 0;
        for (int i = 0; i < files.size(); i++) {
            RepoFile f = files.get(i);
            download(listing, f, target, listener, cancelled, i, files.size(), done, total);
            done += Math.max(0, f.size());
        }
        return root(listing, target);
    }

    /** The folder a listing's files land in under {@code target}. */
    public static Path root(RepoListing listing, DownloadTarget target) {
        return switch (target) {
            case DownloadTarget.HfCache c -> repoFolder(c, listing).resolve("snapshots").resolve(listing.commit());
            case DownloadTarget.Folder f -> f.dir();
        };
    }

    private Path download(RepoListing listing, RepoFile file, DownloadTarget target, DownloadListener listener,
                          BooleanSupplier cancelled, int index, int count, long doneBefore, long allTotal)
            throws IOException {
        Path blob = blobPath(listing, file, target);
        Path visible = visiblePath(listing, file, target);
        if (Files.isRegularFile(blob) && (file.size() < 0 || Files.size(blob) == file.size())) {
            listener.message(file.path() + ": already present");
            listener.progress(new DownloadProgress(file.path(), index, count, Files.size(blob), file.size(),
                    doneBefore + Files.size(blob), allTotal));
            return link(listing, file, target, blob, visible);
        }
        Files.createDirectories(blob.getParent());
        Path part = blob.resolveSibling(blob.getFileName() + ".part");
        String what = listing.repo() + "/" + file.path();
        Progress progress = new Progress(listener, file, index, count, doneBefore, allTotal);
        for (int attempt = 1; ; attempt++) {
            try {
                transfer(listing, file, part, what, progress, cancelled);
                break;
            } catch (HubException | CancellationException e) {
                throw e;
            } catch (IOException e) {
                if (e instanceof InterruptedIOException) {
                    throw e;
                }
                long have = Files.exists(part) ? Files.size(part) : 0;
                if (attempt >= settings.attempts()) {
                    throw new HubException(what + ": transfer failed after " + attempt + " attempt(s) at byte " + have
                            + " (" + e.getMessage() + "); " + part.getFileName() + " is kept, a new download resumes it", e);
                }
                listener.message(what + ": connection lost at byte " + have + " (" + e.getMessage() + "), resuming, attempt "
                        + (attempt + 1) + " of " + settings.attempts());
                pause();
            }
        }
        verify(file, part, what, cancelled);
        Files.move(part, blob, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        listener.message(what + ": done" + (file.isLfs() ? ", sha256 verified" : ""));
        return link(listing, file, target, blob, visible);
    }

    /** Brings {@code part} up to the whole file, resuming from its current length when the server allows. */
    private void transfer(RepoListing listing, RepoFile file, Path part, String what, Progress progress,
                          BooleanSupplier cancelled) throws IOException {
        long have = Files.exists(part) ? Files.size(part) : 0;
        long expected = file.size();
        if (expected >= 0 && have > expected) {
            Files.delete(part);
            have = 0;
        }
        if (expected >= 0 && have == expected) {
            if (!Files.exists(part)) {
                Files.createFile(part);
            }
            return;
        }
        URI uri = URI.create(settings.endpoint() + "/" + listing.repo().value() + "/resolve/" + encode(listing.commit())
                + "/" + encodePath(file.path()));
        HttpResponse<InputStream> response = open(uri, have, what);
        try (InputStream in = response.body()) {
            int status = response.statusCode();
            boolean append;
            if (status == 206) {
                long start = contentRangeStart(response, what);
                if (start != have) {
                    throw new HubException(what + ": server resumed at byte " + start + ", asked for " + have);
                }
                append = true;
                progress.message(what + ": resuming at byte " + have);
            } else if (status == 200) {
                append = false;
                have = 0;
                long length = response.headers().firstValueAsLong("Content-Length").orElse(-1);
                if (expected >= 0 && length >= 0 && length != expected) {
                    throw new HubException(what + ": server sends " + length + " bytes, the listing says " + expected);
                }
            } else if (status == 416) {
                // The part no longer fits the file on the server: start over.
                Files.deleteIfExists(part);
                throw new IOException("range not satisfiable at byte " + have);
            } else {
                throw statusError(response, what);
            }
            try (FileChannel out = FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING);
                 TransferWatch watch = new TransferWatch(in, cancelled, settings.stallTimeout())) {
                byte[] buffer = new byte[CHUNK];
                progress.at(have);
                while (true) {
                    int n;
                    try {
                        n = in.read(buffer);
                    } catch (IOException e) {
                        throw watched(watch, what, have, e);
                    }
                    if (n < 0) {
                        if (watch.verdict() != TransferWatch.Verdict.RUNNING) {
                            throw watched(watch, what, have, null);
                        }
                        break;
                    }
                    watch.bytesArrived();
                    if (expected >= 0 && have + n > expected) {
                        out.close();
                        Files.deleteIfExists(part);
                        throw new HubException(what + ": server sends more than the listed " + expected + " bytes");
                    }
                    ByteBuffer chunk = ByteBuffer.wrap(buffer, 0, n);
                    while (chunk.hasRemaining()) {
                        out.write(chunk);
                    }
                    have += n;
                    progress.at(have);
                    if (cancelled.getAsBoolean()) {
                        throw new CancellationException(what + ": cancelled at byte " + have);
                    }
                }
            }
        }
        if (expected >= 0 && have < expected) {
            throw new IOException("connection closed at byte " + have + " of " + expected);
        }
    }

    /** The exception a transfer ends with once its watch closed the stream: a cancel, or a stall to resume from. */
    private IOException watched(TransferWatch watch, String what, long have, IOException cause) {
        return switch (watch.verdict()) {
            case CANCELLED -> throw new CancellationException(what + ": cancelled at byte " + have);
            case STALLED -> new IOException("no data for " + settings.stallTimeout().toSeconds() + " s", cause);
            case RUNNING -> cause;
        };
    }

    private void verify(RepoFile file, Path part, String what, BooleanSupplier cancelled) throws IOException {
        long size = Files.size(part);
        String problem = null;
        if (file.size() >= 0 && size != file.size()) {
            problem = "size " + size + " differs from the listed " + file.size();
        } else if (file.isLfs()) {
            String actual = FileDigests.sha256(part, cancelled);
            if (!actual.equalsIgnoreCase(file.sha256())) {
                problem = "sha256 " + actual + " differs from the listed " + file.sha256();
            }
        } else if (file.blobId() != null && file.blobId().length() == 40) {
            String actual = FileDigests.gitBlobSha1(part, cancelled);
            if (!actual.equalsIgnoreCase(file.blobId())) {
                problem = "git blob id " + actual + " differs from the listed " + file.blobId();
            }
        }
        if (problem != null) {
            Files.deleteIfExists(part);
            throw new HubException(what + ": " + problem + "; the download was deleted");
        }
    }

    private HttpResponse<InputStream> open(URI uri, long rangeStart, String what) throws IOException {
        URI current = uri;
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            HttpRequest.Builder request = HttpRequest.newBuilder(current).GET()
                    .header("User-Agent", "quantbench/" + SoftwareVersion.VERSION);
            if (sameOrigin(current, settings.endpoint()) && settings.token().isPresent()) {
                request.header("Authorization", "Bearer " + settings.token().get());
            }
            if (rangeStart > 0) {
                request.header("Range", "bytes=" + rangeStart + "-");
            }
            HttpResponse<InputStream> response;
            try {
                response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException(what + ": interrupted");
            }
            int status = response.statusCode();
            if (status != 301 && status != 302 && status != 303 && status != 307 && status != 308) {
                return response;
            }
            response.body().close();
            String location = response.headers().firstValue("Location")
                    .orElseThrow(() -> new HubException(what + ": redirect " + status + " without a Location"));
            try {
                current = current.resolve(location);
            } catch (IllegalArgumentException e) {
                throw new HubException(what + ": redirect to a malformed location", e);
            }
            if (!"http".equals(current.getScheme()) && !"https".equals(current.getScheme())) {
                throw new HubException(what + ": redirect to a non-HTTP location");
            }
        }
        throw new HubException(what + ": more than " + MAX_REDIRECTS + " redirects");
    }

    private HubException statusError(HttpResponse<?> response, String what) {
        int status = response.statusCode();
        String serverSays = response.headers().firstValue("X-Error-Message")
                .map(m -> " (" + m.replaceAll("\\p{Cntrl}", "?").substring(0, Math.min(300, m.length())) + ")")
                .orElse("");
        String hint = switch (status) {
            case 401, 403 -> settings.token().isPresent()
                    ? ": the token has no access to this repository (gated: accept its terms on the Hub)"
                    : ": private or gated repository; set a token (HF_TOKEN)";
            case 404 -> ": not found (check the repository id, the revision and the file name)";
            case 429 -> ": rate limited by the server; try again later";
            default -> "";
        };
        return new HubException(what + ": HTTP " + status + hint + serverSays);
    }

    private static RepoListing parseListing(RepoId repo, String revision, byte[] body) throws HubException {
        String what = repo + "@" + revision + " listing";
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (IOException e) {
            throw new HubException(what + ": not JSON (" + e.getMessage().lines().findFirst().orElse("") + ")", e);
        }
        if (root == null || !root.isObject()) {
            throw new HubException(what + ": expected a JSON object");
        }
        String commit = root.path("sha").asText("");
        if (!HEX.matcher(commit).matches() || commit.length() < 7 || commit.length() > 64) {
            throw new HubException(what + ": sha: missing or not a commit hash");
        }
        JsonNode siblings = root.path("siblings");
        if (!siblings.isArray()) {
            throw new HubException(what + ": siblings: missing or not an array");
        }
        if (siblings.size() > MAX_FILES) {
            throw new HubException(what + ": siblings: more than " + MAX_FILES + " files");
        }
        List<RepoFile> files = new ArrayList<>(siblings.size());
        for (int i = 0; i < siblings.size(); i++) {
            JsonNode s = siblings.get(i);
            String field = "siblings[" + i + "]";
            try {
                files.add(parseFile(s));
            } catch (IllegalArgumentException e) {
                throw new HubException(what + ": " + field + ": " + e.getMessage());
            }
        }
        return new RepoListing(repo, revision, commit.toLowerCase(java.util.Locale.ROOT), files);
    }

    private static RepoFile parseFile(JsonNode s) {
        if (!s.path("rfilename").isTextual()) {
            throw new IllegalArgumentException("rfilename: missing");
        }
        long size = optionalSize(s.get("size"), "size");
        String blobId = optionalHex(s.get("blobId"), "blobId");
        String sha256 = null;
        JsonNode lfs = s.get("lfs");
        if (lfs != null && !lfs.isNull()) {
            sha256 = optionalHex(lfs.get("sha256"), "lfs.sha256");
            if (sha256 == null || sha256.length() != 64) {
                throw new IllegalArgumentException("lfs.sha256: missing or not 64 hex digits");
            }
            long lfsSize = optionalSize(lfs.get("size"), "lfs.size");
            size = lfsSize >= 0 ? lfsSize : size;
        }
        return new RepoFile(s.get("rfilename").asText(), size, blobId, sha256 == null ? null
                : sha256.toLowerCase(java.util.Locale.ROOT));
    }

    private static long optionalSize(JsonNode n, String field) {
        if (n == null || n.isNull()) {
            return -1;
        }
        if (!n.isIntegralNumber() || !n.canConvertToLong() || n.asLong() < 0) {
            throw new IllegalArgumentException(field + ": not a byte count");
        }
        return n.asLong();
    }

    private static String optionalHex(JsonNode n, String field) {
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual() || !HEX.matcher(n.asText()).matches() || n.asText().length() > 64) {
            throw new IllegalArgumentException(field + ": not a hex digest");
        }
        return n.asText();
    }

    private static long contentRangeStart(HttpResponse<?> response, String what) throws HubException {
        String range = response.headers().firstValue("Content-Range").orElse("");
        Matcher m = CONTENT_RANGE.matcher(range);
        if (!m.matches()) {
            throw new HubException(what + ": partial response without a valid Content-Range ('" + range + "')");
        }
        try {
            return Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
            throw new HubException(what + ": Content-Range start out of range", e);
        }
    }

    private static Path repoFolder(DownloadTarget.HfCache cache, RepoListing listing) {
        return cache.hubRoot().resolve(listing.repo().cacheFolderName());
    }

    private static Path blobPath(RepoListing listing, RepoFile file, DownloadTarget target) throws HubException {
        return switch (target) {
            case DownloadTarget.HfCache c -> {
                String name = file.cacheBlobName();
                if (name == null) {
                    throw new HubException(listing.repo() + "/" + file.path()
                            + ": the listing gives no blob id, which the HF cache layout needs");
                }
                yield repoFolder(c, listing).resolve("blobs").resolve(name);
            }
            case DownloadTarget.Folder f -> RepoPaths.resolveInside(f.dir(), file.path());
        };
    }

    private static Path visiblePath(RepoListing listing, RepoFile file, DownloadTarget target) {
        return RepoPaths.resolveInside(root(listing, target), file.path());
    }

    /** In the cache: points {@code snapshots/<commit>/<path>} at the blob and records which commit the revision is. */
    private static Path link(RepoListing listing, RepoFile file, DownloadTarget target, Path blob, Path visible)
            throws IOException {
        if (!(target instanceof DownloadTarget.HfCache cache)) {
            return blob;
        }
        Files.createDirectories(visible.getParent());
        Files.deleteIfExists(visible);
        try {
            Files.createSymbolicLink(visible, visible.getParent().relativize(blob));
        } catch (UnsupportedOperationException | IOException e) {
            // File systems without symbolic links get a copy, as huggingface_hub does there.
            Files.copy(blob, visible, StandardCopyOption.REPLACE_EXISTING);
        }
        if (!listing.revision().equalsIgnoreCase(listing.commit())) {
            Path ref = RepoPaths.resolveInside(repoFolder(cache, listing).resolve("refs"), listing.revision());
            AtomicFileWriter.writeString(ref, listing.commit());
        }
        return visible;
    }

    private static String requireRevision(String revision) {
        if (revision == null || revision.isBlank()) {
            return "main";
        }
        return RepoPaths.requireSafe(revision.strip());
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String encodePath(String path) {
        StringBuilder b = new StringBuilder();
        for (String segment : path.split("/")) {
            b.append(b.isEmpty() ? "" : "/").append(encode(segment));
        }
        return b.toString();
    }

    private static boolean sameOrigin(URI a, URI b) {
        return a.getScheme().equalsIgnoreCase(b.getScheme()) && a.getHost().equalsIgnoreCase(b.getHost())
                && port(a) == port(b);
    }

    private static int port(URI u) {
        return u.getPort() >= 0 ? u.getPort() : u.getScheme().equalsIgnoreCase("https") ? 443 : 80;
    }

    private void pause() throws InterruptedIOException {
        try {
            Thread.sleep(settings.retryDelay());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting to resume");
        }
    }

    @Override
    public void close() {
        http.close();
    }

    /** Turns byte counts of the current file into progress events for the whole download. */
    private record Progress(DownloadListener listener, RepoFile file, int index, int count, long doneBefore,
                            long allTotal) {
        void at(long fileDone) {
            listener.progress(new DownloadProgress(file.path(), index, count, fileDone, file.size(),
                    doneBefore + fileDone, allTotal));
        }

        void message(String line) {
            listener.message(line);
        }
    }
}
