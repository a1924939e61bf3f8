package org.quantbench.engine;

import org.junit.jupiter.api.Test;
import org.quantbench.tensor.ComputePool;

import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.assertj.core.api.Assertions.assertThat;

class TiledMatmulGemvTest {

    @Test
    void rangesCoverEveryRowOnceAndStartOnWholeChunks() {
        for (int threads : new int[] {1, 2, 3}) {
            try (ComputePool pool = new ComputePool(threads)) {
                for (int rows : new int[] {1, 15, 16, 17, 200, 576, 4099, 49_152}) {
                    AtomicIntegerArray seen = new AtomicIntegerArray(rows);
                    int[] ranges = {0};
                    TiledMatmul.gemv(rows, 4096, pool, (o0, n) -> {
                        assertThat(o0 % TiledMatmul.CHUNK_ROWS).as("start of a range of %d rows", rows).isZero();
                        assertThat(n).isPositive();
                        for (int r = o0; r < o0 + n; r++) {
                            seen.incrementAndGet(r);
                        }
                        synchronized (ranges) {
                            ranges[0]++;
                        }
                    });
                    for (int r = 0; r < rows; r++) {
                        assertThat(seen.get(r)).as("row %d of %d, %d threads", r, rows, threads).isEqualTo(1);
                    }
                    // a few long ranges per thread, not one per 16 rows
                    assertThat(ranges[0]).isLessThanOrEqualTo(Math.max(1, 4 * threads));
                }
            }
        }
    }
}
