package org.quantbench.quant.aqlm;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.quantbench.engine.TiledMatmul;
import org.quantbench.tensor.ComputePool;
import org.quantbench.tensor.VectorSupport;

import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The AQLM forward pass in the order {@link AqlmLinear} defines, computed two ways that give the same floats:
 * <ul>
 *   <li>direct: decode each group's codewords and take the {@code fma} chain with the activations;</li>
 *   <li>lookup table (2x8 only): for a token and a group, the chain of every codeword of each codebook is computed
 *   once ({@code 256 x 8} FMAs per codebook, vectorized over codewords); each row then costs M loads per group.</li>
 * </ul>
 * One token (decode) runs scalar over rows, four in flight. Several tokens (prefill) put tokens in the vector lanes:
 * the activations of {@code L} tokens are transposed so that a codeword times column j is one broadcast FMA, and a
 * table entry for L tokens is one vector load. Every lane performs the scalar sequence exactly (lane-wise FMA and add
 * are IEEE operations), so the GEMM equals the GEMV bit for bit, and which way a layer takes is a speed decision only.
 */
final class AqlmKernels {
    /** Codebooks up to this size get lookup tables; 1x16's would hold 65,536 floats per group. */
    static final int LUT_MAX_ENTRIES = 256;
    private static final int G = AqlmLinear.GROUP;
    private static final VectorSpecies<Float> S = VectorSupport.kernelSpecies();
    private static final int L = S.length();
    /** Floats of one block of the several-token table (512 KB): it stays in L2 while every row reads it. */
    private static final int TABLE_BLOCK_FLOATS = 1 << 17;
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ThreadLocal<float[][]> TABLE = ThreadLocal.withInitial(() -> new float[1][0]);
    private static final ThreadLocal<float[][]> TRANSPOSED = ThreadLocal.withInitial(() -> new float[1][0]);
    private static final ThreadLocal<float[][]> ACC = ThreadLocal.withInitial(() -> new float[1][0]);

    private AqlmKernels() {}

    static void forward(AqlmLinear l, float[] in, float[] out, int tokens, ComputePool pool) {
        if (tokens > 1 && VectorSupport.enabled()) {
            gemm(l, in, out, tokens, pool);
            return;
        }
        for (int t = 0; t < tokens; t++) {
            gemv(l, in, t * l.cols, out, t * l.rows, pool);
        }
    }

    /** Whether one token takes the table: its build (vectorized) is cheaper than decoding codewords per row. */
    static boolean tableForOneToken(AqlmLinear l) {
        return l.codebookT != null && l.rows >= 32;
    }

    /** Whether a block of tokens takes the table: building it costs as much as decoding about 4/3 * 2^B rows. */
    static boolean tableForTokenBlock(AqlmLinear l) {
        return l.codebookT != null && 3L * l.rows > 4L * l.entries;
    }

    private static float[] buffer(ThreadLocal<float[][]> local, int size) {
        float[][] holder = local.get();
        if (holder[0].length < size) {
            holder[0] = new float[size];
        }
        return holder[0];
    }

    // ---------------------------------------------------------------- one token

    static void gemv(AqlmLinear l, float[] x, int xOff, float[] out, int outOff, ComputePool pool) {
        int rows = l.rows;
        if (tableForOneToken(l)) {
            int perGroup = l.books * l.entries;
            float[] table = buffer(TABLE, l.groups * perGroup);
            int blockGroups = Math.max(1, TABLE_BLOCK_FLOATS / 4 / perGroup);
            int blocks = (l.groups + blockGroups - 1) / blockGroups;
            pool.forEach(blocks, (long) blockGroups * perGroup * G, b -> {
                int g0 = b * blockGroups;
                buildTable(l, x, xOff, g0, Math.min(l.groups, g0 + blockGroups), table);
            });
            // Long row ranges per thread (TiledMatmul.gemv): each thread's codes are one stream.
            TiledMatmul.gemv(rows, l.cols, pool, (o0, n) -> tableRows(l, table, o0, n, out, outOff));
            return;
        }
        TiledMatmul.gemv(rows, l.cols, pool, (o0, n) -> directRows(l, x, xOff, o0, n, out, outOff));
    }

    /** {@code table[(g*M + m)*K + k]} = the chain of codeword k of codebook m with group g of x, for g in [g0, g1). */
    static void buildTable(AqlmLinear l, float[] x, int xOff, int g0, int g1, float[] table) {
        int k = l.entries;
        for (int g = g0; g < g1; g++) {
            int xg = xOff + g * G;
            for (int m = 0; m < l.books; m++) {
                int base = (g * l.books + m) * k;
                if (VectorSupport.enabled()) {
                    tableEntriesVector(l.codebookT, m * G * k, k, x, xg, table, base);
                } else {
                    for (int e = 0; e < k; e++) {
                        table[base + e] = chain(l.codebook, (m * k + e) * G, x, xg);
                    }
                }
            }
        }
    }

    private static void tableEntriesVector(float[] ct, int c0, int k, float[] x, int xg, float[] table, int base) {
        FloatVector x0 = FloatVector.broadcast(S, x[xg]), x1 = FloatVector.broadcast(S, x[xg + 1]);
        FloatVector x2 = FloatVector.broadcast(S, x[xg + 2]), x3 = FloatVector.broadcast(S, x[xg + 3]);
        FloatVector x4 = FloatVector.broadcast(S, x[xg + 4]), x5 = FloatVector.broadcast(S, x[xg + 5]);
        FloatVector x6 = FloatVector.broadcast(S, x[xg + 6]), x7 = FloatVector.broadcast(S, x[xg + 7]);
        for (int e = 0; e < k; e += L) {
            FloatVector a = FloatVector.fromArray(S, ct, c0 + e).fma(x0, FloatVector.zero(S));
            a = FloatVector.fromArray(S, ct, c0 + k + e).fma(x1, a);
            a = FloatVector.fromArray(S, ct, c0 + 2 * k + e).fma(x2, a);
            a = FloatVector.fromArray(S, ct, c0 + 3 * k + e).fma(x3, a);
            a = FloatVector.fromArray(S, ct, c0 + 4 * k + e).fma(x4, a);
            a = FloatVector.fromArray(S, ct, c0 + 5 * k + e).fma(x5, a);
            a = FloatVector.fromArray(S, ct, c0 + 6 * k + e).fma(x6, a);
            a = FloatVector.fromArray(S, ct, c0 + 7 * k + e).fma(x7, a);
            a.intoArray(table, base + e);
        }
    }

    /** The chain {@code fma(c[7], x[7], ... fma(c[0], x[0], 0))} of a codeword at {@code cb[c]} with x at xg. */
    private static float chain(float[] cb, int c, float[] x, int xg) {
        float d = Math.fma(cb[c], x[xg], 0f);
        d = Math.fma(cb[c + 1], x[xg + 1], d);
        d = Math.fma(cb[c + 2], x[xg + 2], d);
        d = Math.fma(cb[c + 3], x[xg + 3], d);
        d = Math.fma(cb[c + 4], x[xg + 4], d);
        d = Math.fma(cb[c + 5], x[xg + 5], d);
        d = Math.fma(cb[c + 6], x[xg + 6], d);
        return Math.fma(cb[c + 7], x[xg + 7], d);
    }

    /** Rows [o0, o0+n) of a 2x8 layer from the one-token table, four rows in flight, codes read 4 groups at a time. */
    private static void tableRows(AqlmLinear l, float[] table, int o0, int n, float[] out, int outOff) {
        int groups = l.groups;
        long rowBytes = 2L * groups;
        int r = 0;
        for (; r + 4 <= n; r += 4) {
            long b0 = (o0 + r) * rowBytes, b1 = b0 + rowBytes, b2 = b1 + rowBytes, b3 = b2 + rowBytes;
            float a0 = 0f, a1 = 0f, a2 = 0f, a3 = 0f;
            int g = 0;
            for (; g + 4 <= groups; g += 4) {
                long v0 = l.codes.get(U64, b0 + 2L * g), v1 = l.codes.get(U64, b1 + 2L * g);
                long v2 = l.codes.get(U64, b2 + 2L * g), v3 = l.codes.get(U64, b3 + 2L * g);
                for (int q = 0; q < 4; q++) {
                    int t = (g + q) * 512;
                    int s = 16 * q;
                    a0 += table[t + (int) (v0 >>> s & 0xFF)] + table[t + 256 + (int) (v0 >>> s + 8 & 0xFF)];
                    a1 += table[t + (int) (v1 >>> s & 0xFF)] + table[t + 256 + (int) (v1 >>> s + 8 & 0xFF)];
                    a2 += table[t + (int) (v2 >>> s & 0xFF)] + table[t + 256 + (int) (v2 >>> s + 8 & 0xFF)];
                    a3 += table[t + (int) (v3 >>> s & 0xFF)] + table[t + 256 + (int) (v3 >>> s + 8 & 0xFF)];
                }
            }
            for (; g < groups; g++) {
                int t = g * 512;
                int v0 = l.codes.get(U16, b0 + 2L * g), v1 = l.codes.get(U16, b1 + 2L * g);
                int v2 = l.codes.get(U16, b2 + 2L * g), v3 = l.codes.get(U16, b3 + 2L * g);
                a0 += table[t + (v0 & 0xFF)] + table[t + 256 + (v0 >>> 8 & 0xFF)];
                a1 += table[t + (v1 & 0xFF)] + table[t + 256 + (v1 >>> 8 & 0xFF)];
                a2 += table[t + (v2 & 0xFF)] + table[t + 256 + (v2 >>> 8 & 0xFF)];
                a3 += table[t + (v3 & 0xFF)] + table[t + 256 + (v3 >>> 8 & 0xFF)];
            }
            out[outOff + o0 + r] = l.scales[o0 + r] * a0;
            out[outOff + o0 + r + 1] = l.scales[o0 + r + 1] * a1;
            out[outOff + o0 + r + 2] = l.scales[o0 + r + 2] * a2;
            out[outOff + o0 + r + 3] = l.scales[o0 + r + 3] * a3;
        }
        for (; r < n; r++) {
            long b = (o0 + r) * rowBytes;
            float a = 0f;
            for (int g = 0; g < groups; g++) {
                int t = g * 512;
                int v = l.codes.get(U16, b + 2L * g);
                a += table[t + (v & 0xFF)] + table[t + 256 + (v >>> 8 & 0xFF)];
            }
            out[outOff + o0 + r] = l.scales[o0 + r] * a;
        }
    }

    /** Rows [o0, o0+n) by decoding codewords: any scheme. */
    private static void directRows(AqlmLinear l, float[] x, int xOff, int o0, int n, float[] out, int outOff) {
        float[] cb = l.codebook;
        int k = l.entries;
        for (int r = o0; r < o0 + n; r++) {
            float a = 0f;
            for (int g = 0; g < l.groups; g++) {
                int xg = xOff + g * G;
                float p = chain(cb, l.code(r, g, 0) * G, x, xg);
                for (int m = 1; m < l.books; m++) {
                    p += chain(cb, (m * k + l.code(r, g, m)) * G, x, xg);
                }
                a += p;
            }
            out[outOff + r] = l.scales[r] * a;
        }
    }

    // ---------------------------------------------------------------- several tokens: tokens in the lanes

    private static void gemm(AqlmLinear l, float[] in, float[] out, int tokens, ComputePool pool) {
        int rows = l.rows;
        int cols = l.cols;
        float[] xT = buffer(TRANSPOSED, cols * L);
        float[] acc = buffer(ACC, rows * L);
        boolean useTable = tableForTokenBlock(l);
        int perGroup = l.books * l.entries * L;
        int blockGroups = Math.max(1, TABLE_BLOCK_FLOATS / perGroup);
        float[] table = useTable ? buffer(TABLE, blockGroups * perGroup) : null;
        for (int t0 = 0; t0 < tokens; t0 += L) {
            int tb = Math.min(L, tokens - t0);
            for (int c = 0; c < cols; c++) {
                for (int lane = 0; lane < L; lane++) {
                    xT[c * L + lane] = lane < tb ? in[(t0 + lane) * cols + c] : 0f;
                }
            }
            if (useTable) {
                java.util.Arrays.fill(acc, 0, rows * L, 0f);
                for (int g0 = 0; g0 < l.groups; g0 += blockGroups) {
                    int gStart = g0;
                    int gEnd = Math.min(l.groups, g0 + blockGroups);
                    pool.forEach(gEnd - gStart, (long) l.books * l.entries * G * L, i ->
                            buildLaneTable(l, xT, gStart + i, gStart, table));
                    pool.forEach(TiledMatmul.chunks(rows), (long) TiledMatmul.CHUNK_ROWS * (gEnd - gStart) * 4 * L, c -> {
                        int o0 = c * TiledMatmul.CHUNK_ROWS;
                        laneTableRows(l, table, gStart, gEnd, acc, o0, Math.min(TiledMatmul.CHUNK_ROWS, rows - o0));
                    });
                }
            } else {
                pool.forEach(TiledMatmul.chunks(rows), TiledMatmul.workPerChunk(cols, L), c -> {
                    int o0 = c * TiledMatmul.CHUNK_ROWS;
                    directLaneRows(l, xT, acc, o0, Math.min(TiledMatmul.CHUNK_ROWS, rows - o0));
                });
            }
            for (int r = 0; r < rows; r++) {
                for (int lane = 0; lane < tb; lane++) {
                    out[(t0 + lane) * rows + r] = l.scales[r] * acc[r * L + lane];
                }
            }
        }
    }

    /** The table of group g for the L tokens of xT: {@code table[(((g-g0)*M + m)*K + k)*L + lane]}. */
    private static void buildLaneTable(AqlmLinear l, float[] xT, int g, int g0, float[] table) {
        int xg = g * G * L;
        FloatVector x0 = FloatVector.fromArray(S, xT, xg), x1 = FloatVector.fromArray(S, xT, xg + L);
        FloatVector x2 = FloatVector.fromArray(S, xT, xg + 2 * L), x3 = FloatVector.fromArray(S, xT, xg + 3 * L);
        FloatVector x4 = FloatVector.fromArray(S, xT, xg + 4 * L), x5 = FloatVector.fromArray(S, xT, xg + 5 * L);
        FloatVector x6 = FloatVector.fromArray(S, xT, xg + 6 * L), x7 = FloatVector.fromArray(S, xT, xg + 7 * L);
        float[] cb = l.codebook;
        int codewords = l.books * l.entries;
        int base = (g - g0) * codewords * L;
        for (int e = 0; e < codewords; e++) {
            int c = e * G;
            FloatVector a = x0.fma(FloatVector.broadcast(S, cb[c]), FloatVector.zero(S));
            a = x1.fma(FloatVector.broadcast(S, cb[c + 1]), a);
            a = x2.fma(FloatVector.broadcast(S, cb[c + 2]), a);
            a = x3.fma(FloatVector.broadcast(S, cb[c + 3]), a);
            a = x4.fma(FloatVector.broadcast(S, cb[c + 4]), a);
            a = x5.fma(FloatVector.broadcast(S, cb[c + 5]), a);
            a = x6.fma(FloatVector.broadcast(S, cb[c + 6]), a);
            a = x7.fma(FloatVector.broadcast(S, cb[c + 7]), a);
            a.intoArray(table, base + e * L);
        }
    }

    /** Adds groups [g0, g1) of rows [o0, o0+n) (2x8) to the lane accumulators {@code acc[r*L ..]}, from the table. */
    private static void laneTableRows(AqlmLinear l, float[] table, int g0, int g1, float[] acc, int o0, int n) {
        long rowBytes = 2L * l.groups;
        for (int r = o0; r < o0 + n; r++) {
            FloatVector a = FloatVector.fromArray(S, acc, r * L);
            long b = r * rowBytes;
            for (int g = g0; g < g1; g++) {
                int v = l.codes.get(U16, b + 2L * g);
                int t = (g - g0) * 512;
                FloatVector p = FloatVector.fromArray(S, table, (t + (v & 0xFF)) * L)
                        .add(FloatVector.fromArray(S, table, (t + 256 + (v >>> 8 & 0xFF)) * L));
                a = a.add(p);
            }
            a.intoArray(acc, r * L);
        }
    }

    /** Rows [o0, o0+n) by decoding codewords, L tokens in the lanes: {@code acc[r*L ..]} = the row sums. */
    private static void directLaneRows(AqlmLinear l, float[] xT, float[] acc, int o0, int n) {
        float[] cb = l.codebook;
        int k = l.entries;
        for (int r = o0; r < o0 + n; r++) {
            FloatVector a = FloatVector.zero(S);
            for (int g = 0; g < l.groups; g++) {
                int xg = g * G * L;
                FloatVector p = laneChain(cb, l.code(r, g, 0) * G, xT, xg);
                for (int m = 1; m < l.books; m++) {
                    p = p.add(laneChain(cb, (m * k + l.code(r, g, m)) * G, xT, xg));
                }
                a = a.add(p);
            }
            a.intoArray(acc, r * L);
        }
    }

    private static FloatVector laneChain(float[] cb, int c, float[] xT, int xg) {
        FloatVector d = FloatVector.fromArray(S, xT, xg).fma(FloatVector.broadcast(S, cb[c]), FloatVector.zero(S));
        d = FloatVector.fromArray(S, xT, xg + L).fma(FloatVector.broadcast(S, cb[c + 1]), d);
        d = FloatVector.fromArray(S, xT, xg + 2 * L).fma(FloatVector.broadcast(S, cb[c + 2]), d);
        d = FloatVector.fromArray(S, xT, xg + 3 * L).fma(FloatVector.broadcast(S, cb[c + 3]), d);
        d = FloatVector.fromArray(S, xT, xg + 4 * L).fma(FloatVector.broadcast(S, cb[c + 4]), d);
        d = FloatVector.fromArray(S, xT, xg + 5 * L).fma(FloatVector.broadcast(S, cb[c + 5]), d);
        d = FloatVector.fromArray(S, xT, xg + 6 * L).fma(FloatVector.broadcast(S, cb[c + 6]), d);
        return FloatVector.fromArray(S, xT, xg + 7 * L).fma(FloatVector.broadcast(S, cb[c + 7]), d);
    }
}
