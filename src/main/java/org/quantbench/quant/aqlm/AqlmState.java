package org.quantbench.quant.aqlm;

/**
 * The parameters AQLM optimizes for one layer: codes {@code [rows][groups][M]}, codebooks {@code [M][K][8]}
 * (kept float16-exact between steps, as stored) and per-row scales (float16-exact too).
 */
final class AqlmState {
    static final int G = AqlmLinear.GROUP;

    final int rows;
    final int cols;
    final int groups;
    final int books;
    final int entries;
    final int[] codes;
    final float[] codebook;
    final float[] scales;

    AqlmState(int rows, int cols, int books, int entries) {
        this.rows = rows;
        this.cols = cols;
        this.groups = cols / G;
        this.books = books;
        this.entries = entries;
        this.codes = new int[rows * groups * books];
        this.codebook = new float[books * entries * G];
        this.scales = new float[rows];
    }

    /** The codebook index of code m of group g of row r: {@code m*K + code}. */
    int word(int r, int g, int m) {
        return m * entries + codes[(r * groups + g) * books + m];
    }

    /** Row r before scaling, {@code sum_m C_m[b_m]} per group, summed over codebooks in order as the format does. */
    void unscaledRow(int r, float[] dst, int dstOff) {
        for (int g = 0; g < groups; g++) {
            for (int j = 0; j < G; j++) {
                float v = codebook[word(r, g, 0) * G + j];
                for (int m = 1; m < books; m++) {
                    v += codebook[word(r, g, m) * G + j];
                }
                dst[dstOff + g * G + j] = v;
            }
        }
    }

    /** The unscaled reconstruction of every row. */
    float[] unscaled() {
        float[] z = new float[rows * cols];
        for (int r = 0; r < rows; r++) {
            unscaledRow(r, z, r * cols);
        }
        return z;
    }

    /** The codebook transposed, {@code [m][j][k]}: lanes over codewords. */
    float[] transposedCodebook() {
        float[] t = new float[codebook.length];
        for (int m = 0; m < books; m++) {
            for (int k = 0; k < entries; k++) {
                for (int j = 0; j < G; j++) {
                    t[(m * G + j) * entries + k] = codebook[(m * entries + k) * G + j];
                }
            }
        }
        return t;
    }

    static float half(float v) {
        return Float.float16ToFloat(Float.floatToFloat16(v));
    }

    void roundCodebooks() {
        for (int i = 0; i < codebook.length; i++) {
            codebook[i] = half(codebook[i]);
        }
    }
}
