package org.quantbench.model.gguf;

import java.util.List;
import java.util.Map;

/** What the parser read before the data section: all of it validated against the file's size. */
record GgufHeader(int version, Map<String, GgufValue> metadata, List<GgufTensorInfo> tensors, int alignment,
                  long dataOffset) {
}
