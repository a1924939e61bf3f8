package org.quantbench.workbench.memory;

import org.quantbench.tensor.DType;

/**
 * How a scheme stores an {@code [rows = out, cols = in]} weight matrix, as the checkpoints users exchange lay it
 * out, so that sizes match what a download or a serving engine holds: codes plus every scale, zero point and
 * index the format keeps. Tensors a format does not quantize (embeddings, lm_head, norms) are 16-bit unless it
 * says otherwise.
 */
public sealed interface WeightFormat {

    String name();

    /** One sentence on what is counted, shown next to the numbers. */
    String layout();

    /** Bits of one matrix in the given role. */
    long bits(TensorRole role, long rows, long cols);

    /** Bits per value of the small tensors (norms, biases). */
    default int smallTensorBits() {
        return 16;
    }

    /** Unquantized 16- or 32-bit floats for every tensor. */
    record Dense(String name, int bitsPerValue) implements WeightFormat {
        @Override
        public String layout() {
            return bitsPerValue + "-bit floats for every tensor";
        }

        @Override
        public long bits(TensorRole role, long rows, long cols) {
            return rows * cols * bitsPerValue;
        }

        @Override
        public int smallTensorBits() {
            return bitsPerValue;
        }
    }

    /** Where one scale (and zero point) applies. */
    enum Granularity { TENSOR, CHANNEL, GROUP }

    /**
     * Integer or FP8 codes of {@code codeBits} with a {@code scaleBits} scale per tensor, output channel or group of
     * {@code groupSize} input columns (a short last group gets its own), a {@code zeroBits} zero point beside each
     * scale (0 when symmetric), and {@code indexBits} per input column (GPTQ's g_idx).
     */
    record ScaledCodes(String name, int codeBits, Granularity granularity, int groupSize, int scaleBits, int zeroBits,
                       int indexBits) implements WeightFormat {
        public ScaledCodes {
            if (granularity == Granularity.GROUP && groupSize <= 0) {
                throw new IllegalArgumentException("a group size must be positive");
            }
        }

        @Override
        public String layout() {
            String per = switch (granularity) {
                case TENSOR -> "one " + scaleBits + "-bit scale per tensor";
                case CHANNEL -> "a " + scaleBits + "-bit scale per output channel";
                case GROUP -> "a " + scaleBits + "-bit scale per " + groupSize + " input columns";
            };
            return codeBits + "-bit codes, " + per + (zeroBits > 0 ? " with a " + zeroBits + "-bit zero point" : "")
                    + (indexBits > 0 ? ", a " + indexBits + "-bit group index per input column" : "")
                    + "; embeddings and lm_head 16-bit";
        }

        @Override
        public long bits(TensorRole role, long rows, long cols) {
            if (role != TensorRole.LINEAR) {
                return rows * cols * 16;
            }
            long scales = switch (granularity) {
                case TENSOR -> 1;
                case CHANNEL -> rows;
                case GROUP -> rows * ((cols + groupSize - 1) / groupSize);
            };
            return rows * cols * codeBits + scales * (scaleBits + zeroBits) + cols * indexBits;
        }
    }

    /**
     * bitsandbytes NF4: 4-bit codes in blocks of 64 of the flattened tensor with an fp32 absmax each; double quant
     * stores the absmax values as 8-bit codes in blocks of 256 with an fp32 scale each, plus one fp32 offset.
     */
    record Nf4(boolean doubleQuant) implements WeightFormat {
        @Override
        public String name() {
            return doubleQuant ? "NF4-DQ" : "NF4";
        }

        @Override
        public String layout() {
            return "4-bit codes, " + (doubleQuant ? "8-bit absmax per 64 weights, fp32 per 256 absmax"
                    : "fp32 absmax per 64 weights") + "; embeddings and lm_head 16-bit";
        }

        @Override
        public long bits(TensorRole role, long rows, long cols) {
            if (role != TensorRole.LINEAR) {
                return rows * cols * 16;
            }
            long n = rows * cols;
            long blocks = (n + 63) / 64;
            return 4 * n + (doubleQuant ? 8 * blocks + 32 * ((blocks + 255) / 256) + 32 : 32 * blocks);
        }
    }

    /**
     * AQLM: each group of {@code groupSize} input weights is {@code codebooks} codes of {@code codebookBits}; each
     * linear holds its own fp16 codebooks ({@code 2^codebookBits} vectors of {@code groupSize}) and an fp16 scale
     * per output channel.
     */
    record Aqlm(int codebooks, int codebookBits, int groupSize) implements WeightFormat {
        @Override
        public String name() {
            return "AQLM-" + codebooks + "x" + codebookBits;
        }

        @Override
        public String layout() {
            return (codebooks == 1 ? "one " + codebookBits + "-bit code" : codebooks + " " + codebookBits + "-bit codes")
                    + " per " + groupSize + " weights, fp16 codebooks and output scales per linear; embeddings and lm_head 16-bit";
        }

        @Override
        public long bits(TensorRole role, long rows, long cols) {
            if (role != TensorRole.LINEAR) {
                return rows * cols * 16;
            }
            long codes = rows * ((cols + groupSize - 1) / groupSize) * codebooks * codebookBits;
            return codes + (long) codebooks * (1L << codebookBits) * groupSize * 16 + rows * 16;
        }
    }

    /**
     * llama.cpp block types. As its quantize tool does, the token embedding takes the type too, and the classifier
     * (output, or token_embd when tied) is kept at Q6_K (Q8_0 when its rows do not split into 256-blocks) for types
     * under 6 bits; norms stay F32. Rows that do not split into whole blocks are counted as if padded to a whole block.
     */
    record GgufType(DType type) implements WeightFormat {
        public GgufType {
            if (type.blockSize() == 1) {
                throw new IllegalArgumentException(type + " is not a block type");
            }
        }

        @Override
        public String name() {
            return type.name();
        }

        @Override
        public String layout() {
            return "llama.cpp " + type + " blocks (" + type.bitsPerWeight() + " bits per weight) for every matrix"
                    + (type.bitsPerWeight() < 6 ? ", the classifier at Q6_K (Q8_0 when its rows are not whole 256-blocks)" : "")
                    + ", norms F32";
        }

        @Override
        public long bits(TensorRole role, long rows, long cols) {
            DType t = role == TensorRole.CLASSIFIER ? classifierType(cols) : type;
            return rows * ((cols + t.blockSize() - 1) / t.blockSize()) * t.blockBytes() * 8;
        }

        /** llama.cpp keeps norms (and biases) in F32. */
        @Override
        public int smallTensorBits() {
            return 32;
        }

        private DType classifierType(long cols) {
            if (type.bitsPerWeight() >= 6) {
                return type;
            }
            return cols % DType.Q6_K.blockSize() == 0 ? DType.Q6_K : DType.Q8_0;
        }
    }
}
