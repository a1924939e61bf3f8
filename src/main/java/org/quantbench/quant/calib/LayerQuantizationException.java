package org.quantbench.quant.calib;

/** A layer that a calibration algorithm cannot quantize (for example a Hessian that stays singular at maximum damping). */
public final class LayerQuantizationException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public LayerQuantizationException(String message) {
        super(message);
    }

    public LayerQuantizationException(String message, Throwable cause) {
        super(message, cause);
    }
}
