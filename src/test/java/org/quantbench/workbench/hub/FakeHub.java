package org.quantbench.workbench.hub;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local stand-in for the Hub: the revision API, {@code resolve} URLs that redirect LFS files to a second server
 * (another origin, like the Hub's CDN), Range requests, and faults on demand (a connection dropped mid-file, a
 * body that does not match its listed sha256, a server that ignores Range).
 */
public final class FakeHub implements AutoCloseable {
    public static final String REPO = "acme/tiny-model";
    public static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";

    /** A request as the servers saw it. */
    record Seen(String server, String path, String range, String authorization) {}

    record Served(byte[] content, boolean lfs) {}

    final Map<String, Served> files = new LinkedHashMap<>();
    final List<Seen> seen = new CopyOnWriteArrayList<>();
    /** Drop the connection after this many body bytes, for the next {@link #dropsLeft} responses. */
    volatile int dropAfter = -1;
    final AtomicInteger dropsLeft = new AtomicInteger();
    /** Serve these bytes instead of the listed content (a corrupted mirror). */
    volatile byte[] corruptBody;
    /** Send this many body bytes, then nothing until the hub closes, for the next {@link #stallsLeft} responses. */
    volatile int stallAfter = -1;
    final AtomicInteger stallsLeft = new AtomicInteger();
    private final CountDownLatch closing = new CountDownLatch(1);
    private final ExecutorService handlers = Executors.newCachedThreadPool();
    volatile boolean ignoreRange;
    volatile String requiredToken;
    volatile String listingOverride;

    private final HttpServer api;
    private final HttpServer cdn;

    public FakeHub() throws IOException {
        InetSocketAddress local = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        api = HttpServer.create(local, 0);
        cdn = HttpServer.create(local, 0);
        // Handlers on their own threads: a stalled response must not hold up the next request.
        api.setExecutor(handlers);
        cdn.setExecutor(handlers);
        api.createContext("/", this::handleApi);
        cdn.createContext("/", ex -> handleCdn(ex));
        api.start();
        cdn.start();
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + api.getAddress().getPort());
    }

    public void put(String path, byte[] content, boolean lfs) {
        files.put(path, new Served(content, lfs));
    }

    List<Seen> requestsFor(String pathPart) {
        return seen.stream().filter(s -> s.path().contains(pathPart)).toList();
    }

    private void handleApi(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getRawPath();
        record(ex, "api");
        if (requiredToken != null && !("Bearer " + requiredToken).equals(ex.getRequestHeaders().getFirst("Authorization"))) {
            ex.getResponseHeaders().add("X-Error-Message", "Access to model " + REPO + " is restricted.");
            respond(ex, 401, new byte[0]);
            return;
        }
        if (path.startsWith("/api/models/" + REPO + "/revision/")) {
            byte[] body = (listingOverride != null ? listingOverride : listing()).getBytes(StandardCharsets.UTF_8);
            respond(ex, 200, body);
            return;
        }
        String prefix = "/" + REPO + "/resolve/" + COMMIT + "/";
        if (path.startsWith(prefix)) {
            String file = java.net.URLDecoder.decode(path.substring(prefix.length()), StandardCharsets.UTF_8);
            Served served = files.get(file);
            if (served == null) {
                respond(ex, 404, new byte[0]);
            } else if (served.lfs()) {
                ex.getResponseHeaders().add("Location", "http://127.0.0.1:" + cdn.getAddress().getPort()
                        + "/blobs/" + sha256(served.content()));
                respond(ex, 302, new byte[0]);
            } else {
                serveRange(ex, served.content());
            }
            return;
        }
        respond(ex, 404, new byte[0]);
    }

    private void handleCdn(HttpExchange ex) throws IOException {
        record(ex, "cdn");
        String sha = ex.getRequestURI().getPath().substring("/blobs/".length());
        for (Served s : files.values()) {
            if (s.lfs() && sha256(s.content()).equals(sha)) {
                serveRange(ex, corruptBody != null ? corruptBody : s.content());
                return;
            }
        }
        respond(ex, 404, new byte[0]);
    }

    private void serveRange(HttpExchange ex, byte[] content) throws IOException {
        String range = ex.getRequestHeaders().getFirst("Range");
        int start = 0;
        int status = 200;
        if (range != null && !ignoreRange) {
            start = Integer.parseInt(range.substring("bytes=".length(), range.indexOf('-')));
            if (start >= content.length) {
                ex.getResponseHeaders().add("Content-Range", "bytes */" + content.length);
                respond(ex, 416, new byte[0]);
                return;
            }
            status = 206;
            ex.getResponseHeaders().add("Content-Range",
                    "bytes " + start + "-" + (content.length - 1) + "/" + content.length);
        }
        int length = content.length - start;
        ex.sendResponseHeaders(status, length);
        OutputStream out = ex.getResponseBody();
        if (stallAfter >= 0 && stallsLeft.getAndDecrement() > 0) {
            out.write(content, start, Math.min(stallAfter, length));
            out.flush();
            try {
                closing.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ex.close();
            return;
        }
        if (dropAfter >= 0 && dropsLeft.getAndDecrement() > 0) {
            out.write(content, start, Math.min(dropAfter, length));
            out.flush();
            // Fewer bytes than announced, then the connection goes: what a client sees when a link dies.
            ex.close();
            return;
        }
        out.write(content, start, length);
        out.close();
    }

    private void record(HttpExchange ex, String server) {
        seen.add(new Seen(server, ex.getRequestURI().getRawPath(), ex.getRequestHeaders().getFirst("Range"),
                ex.getRequestHeaders().getFirst("Authorization")));
    }

    private static void respond(HttpExchange ex, int status, byte[] body) throws IOException {
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
        ex.close();
    }

    String listing() {
        StringBuilder b = new StringBuilder("{\"id\":\"" + REPO + "\",\"sha\":\"" + COMMIT + "\",\"siblings\":[");
        boolean first = true;
        for (var e : files.entrySet()) {
            byte[] c = e.getValue().content();
            b.append(first ? "" : ",").append("{\"rfilename\":\"").append(e.getKey()).append("\",\"size\":")
                    .append(c.length).append(",\"blobId\":\"").append(gitBlobId(c)).append('"');
            if (e.getValue().lfs()) {
                b.append(",\"lfs\":{\"sha256\":\"").append(sha256(c)).append("\",\"size\":").append(c.length)
                        .append(",\"pointerSize\":134}");
            }
            b.append('}');
            first = false;
        }
        return b.append("]}").toString();
    }

    static String sha256(byte[] c) {
        return digest("SHA-256", c, new byte[0]);
    }

    static String gitBlobId(byte[] c) {
        return digest("SHA-1", c, ("blob " + c.length + "\0").getBytes(StandardCharsets.US_ASCII));
    }

    private static String digest(String algorithm, byte[] c, byte[] header) {
        try {
            MessageDigest md = MessageDigest.getInstance(algorithm);
            md.update(header);
            return HexFormat.of().formatHex(md.digest(c));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        closing.countDown();
        api.stop(0);
        cdn.stop(0);
        handlers.shutdownNow();
    }
}
