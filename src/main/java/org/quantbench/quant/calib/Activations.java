package org.quantbench.quant.calib;

/**
 * Captured activations of one input group over the calibration batch: {@link #samples()} sequences of
 * {@link #tokens()} rows of {@link #width()} floats, row-major. Held on the heap or spilled to a temporary file
 * (the pipeline decides by its memory budget); reading is the same either way and safe from several threads.
 */
public interface Activations {

    int samples();

    int tokens();

    int width();

    /** Copies sample {@code sample} ({@code tokens x width} floats) into {@code dst} from {@code dstOff}. */
    void read(int sample, float[] dst, int dstOff);

    /** Sample {@code sample} as a new array. */
    default float[] sample(int sample) {
        float[] x = new float[Math.multiplyExact(tokens(), width())];
        read(sample, x, 0);
        return x;
    }

    /** Rows over all samples: {@code samples x tokens}. */
    default long rows() {
        return (long) samples() * tokens();
    }
}
