package org.quantbench.quant;

/** The codec of each scheme: which format family quantizes it and restores it from the cache. */
final class SchemeCodecs {
    private SchemeCodecs() {}

    static SchemeCodec of(Scheme scheme) {
        throw new IllegalArgumentException(scheme.name() + " has no weight format yet");
    }
}
