package org.quantbench.quant.aqlm;

/**
 * The codebook update of an AQLM round: with codes and scales fixed the objective is a least-squares problem in the
 * codebooks, {@code min_C tr((A(C) - W) H (A(C) - W)^T)} with {@code A(C)[r, 8g+j] = s_r sum_m C_m[b_rgm][j]}. Its
 * normal equations {@code A^T(A(C) H) = A^T(W H)} are solved by conjugate gradients from the current codebooks,
 * preconditioned with the 8x8 diagonal blocks {@code sum s_r^2 H_gg} over each codeword's uses; a step costs one
 * product with H. CG minimizes the objective over a growing subspace, so each step can only lower it.
 */
final class CodebookSolver {
    private static final int G = AqlmLinear.GROUP;

    private final AqlmState st;
    private final HessianProducts hp;
    private final int n;

    private CodebookSolver(AqlmState st, HessianProducts hp) {
        this.st = st;
        this.hp = hp;
        this.n = st.codebook.length;
    }

    /**
     * Runs {@code iterations} CG steps; {@code eh = (What - W) H} on entry (not updated: the caller recomputes it
     * once the codebooks are rounded to float16).
     */
    static void solve(AqlmState st, float[] eh, HessianProducts hp, int iterations) {
        new CodebookSolver(st, hp).run(eh, iterations);
    }

    private void run(float[] eh, int iterations) {
        double[] inverse = preconditioner();
        double[] c = new double[n];
        for (int i = 0; i < n; i++) {
            c[i] = st.codebook[i];
        }
        double[] r = adjoint(eh);
        for (int i = 0; i < n; i++) {
            r[i] = -r[i];
        }
        double[] z = apply(inverse, r);
        double[] p = z.clone();
        double rz = dot(r, z);
        float[] d = new float[st.rows * st.cols];
        float[] dh = new float[d.length];
        for (int it = 0; it < iterations && rz > 0; it++) {
            expand(p, d);
            hp.times(d, st.rows, dh);
            double[] q = adjoint(dh);
            double pq = dot(p, q);
            if (!(pq > 0)) {
                break;
            }
            double alpha = rz / pq;
            for (int i = 0; i < n; i++) {
                c[i] += alpha * p[i];
                r[i] -= alpha * q[i];
            }
            z = apply(inverse, r);
            double next = dot(r, z);
            double beta = next / rz;
            for (int i = 0; i < n; i++) {
                p[i] = z[i] + beta * p[i];
            }
            rz = next;
        }
        for (int i = 0; i < n; i++) {
            st.codebook[i] = (float) c[i];
        }
    }

    /** {@code A(v)}: every row's groups as the scaled sum of the codewords of {@code v} its codes pick. */
    private void expand(double[] v, float[] out) {
        for (int r = 0; r < st.rows; r++) {
            double s = st.scales[r];
            for (int g = 0; g < st.groups; g++) {
                for (int j = 0; j < G; j++) {
                    double sum = 0;
                    for (int m = 0; m < st.books; m++) {
                        sum += v[st.word(r, g, m) * G + j];
                    }
                    out[r * st.cols + g * G + j] = (float) (s * sum);
                }
            }
        }
    }

    /** {@code A^T(x)}: each codeword collects {@code s_r x[r, group]} over the groups whose codes pick it. */
    private double[] adjoint(float[] x) {
        double[] out = new double[n];
        for (int r = 0; r < st.rows; r++) {
            double s = st.scales[r];
            if (s == 0) {
                continue;
            }
            for (int g = 0; g < st.groups; g++) {
                int at = r * st.cols + g * G;
                for (int m = 0; m < st.books; m++) {
                    int o = st.word(r, g, m) * G;
                    for (int j = 0; j < G; j++) {
                        out[o + j] += s * x[at + j];
                    }
                }
            }
        }
        return out;
    }

    /**
     * Inverses of the diagonal blocks {@code sum s_r^2 H_gg} per codeword (Cholesky with a little damping; zero for
     * a codeword no group uses, whose gradient is zero anyway).
     */
    private double[] preconditioner() {
        int words = st.books * st.entries;
        double[] blocks = new double[words * G * G];
        float[] h = hp.hessian();
        int cols = st.cols;
        for (int r = 0; r < st.rows; r++) {
            double s2 = (double) st.scales[r] * st.scales[r];
            if (s2 == 0) {
                continue;
            }
            for (int g = 0; g < st.groups; g++) {
                for (int m = 0; m < st.books; m++) {
                    int b = st.word(r, g, m) * G * G;
                    for (int j = 0; j < G; j++) {
                        int hr = (g * G + j) * cols + g * G;
                        for (int i = 0; i < G; i++) {
                            blocks[b + j * G + i] += s2 * h[hr + i];
                        }
                    }
                }
            }
        }
        double[] inverse = new double[blocks.length];
        for (int w = 0; w < words; w++) {
            invertBlock(blocks, w * G * G, inverse);
        }
        return inverse;
    }

    private static void invertBlock(double[] a, int o, double[] out) {
        double trace = 0;
        for (int j = 0; j < G; j++) {
            trace += a[o + j * G + j];
        }
        if (!(trace > 0)) {
            return;
        }
        double[] l = new double[G * G];
        double damp = 1e-6 * trace / G;
        for (int j = 0; j < G; j++) {
            for (int i = 0; i <= j; i++) {
                double sum = a[o + j * G + i] + (i == j ? damp : 0);
                for (int t = 0; t < i; t++) {
                    sum -= l[j * G + t] * l[i * G + t];
                }
                if (i == j) {
                    if (!(sum > 0)) {
                        diagonalInverse(a, o, damp, out);
                        return;
                    }
                    l[j * G + j] = Math.sqrt(sum);
                } else {
                    l[j * G + i] = sum / l[i * G + i];
                }
            }
        }
        // inverse = L^-T L^-1, column by column
        double[] col = new double[G];
        for (int c = 0; c < G; c++) {
            for (int j = 0; j < G; j++) {
                double sum = j == c ? 1 : 0;
                for (int t = 0; t < j; t++) {
                    sum -= l[j * G + t] * col[t];
                }
                col[j] = sum / l[j * G + j];
            }
            for (int j = G - 1; j >= 0; j--) {
                double sum = col[j];
                for (int t = j + 1; t < G; t++) {
                    sum -= l[t * G + j] * col[t];
                }
                col[j] = sum / l[j * G + j];
            }
            for (int j = 0; j < G; j++) {
                out[o + j * G + c] = col[j];
            }
        }
    }

    private static void diagonalInverse(double[] a, int o, double damp, double[] out) {
        for (int j = 0; j < G; j++) {
            double v = a[o + j * G + j] + damp;
            out[o + j * G + j] = v > 0 ? 1 / v : 0;
        }
    }

    private double[] apply(double[] inverse, double[] v) {
        double[] out = new double[n];
        for (int w = 0; w < n / G; w++) {
            int o = w * G;
            int b = w * G * G;
            for (int j = 0; j < G; j++) {
                double sum = 0;
                for (int i = 0; i < G; i++) {
                    sum += inverse[b + j * G + i] * v[o + i];
                }
                out[o + j] = sum;
            }
        }
        return out;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
