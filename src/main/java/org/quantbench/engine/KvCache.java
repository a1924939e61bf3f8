package org.quantbench.engine;

import org.quantbench.tensor.ArrayAlignment;

/**
 * Keys and values of every layer for positions [0, capacity), float32, one contiguous array per layer. Position p's
 * row starts at {@code BASE + p * kvDim}: BASE puts it on a 64-byte line (see {@link ArrayAlignment}), so attention's
 * loads of 64-float heads do not straddle lines.
 */
final class KvCache {
    static final int BASE = ArrayAlignment.floatPad();

    final float[][] keys;
    final float[][] values;
    final int capacity;

    KvCache(int layers, int capacity, int kvDim) {
        this.capacity = capacity;
        int size = Math.addExact(BASE, Math.multiplyExact(capacity, kvDim));
        this.keys = new float[layers][size];
        this.values = new float[layers][size];
    }
}
