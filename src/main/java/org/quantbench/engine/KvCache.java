package org.quantbench.engine;

/** Keys and values of every layer for positions [0, capacity), float32, one contiguous array per layer. */
final class KvCache {
    final float[][] keys;
    final float[][] values;
    final int capacity;

    KvCache(int layers, int capacity, int kvDim) {
        this.capacity = capacity;
        this.keys = new float[layers][Math.multiplyExact(capacity, kvDim)];
        this.values = new float[layers][Math.multiplyExact(capacity, kvDim)];
    }
}
