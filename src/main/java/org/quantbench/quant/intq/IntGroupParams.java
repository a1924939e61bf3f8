package org.quantbench.quant.intq;

/** The scale and zero point of one group: {@code x' = scale * (float) (q - zero)}. */
public record IntGroupParams(float scale, int zero) {}
