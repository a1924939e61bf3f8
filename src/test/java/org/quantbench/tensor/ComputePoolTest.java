package org.quantbench.tensor;

import org.junit.jupiter.api.Test;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ComputePoolTest {

    @Test
    void everyChunkRunsExactlyOnceAcrossManyJobs() {
        try (ComputePool pool = new ComputePool(3)) {
            for (int job = 0; job < 2000; job++) {
                int chunks = 1 + job % 37;
                AtomicIntegerArray runs = new AtomicIntegerArray(chunks);
                pool.forEach(chunks, runs::incrementAndGet);
                for (int c = 0; c < chunks; c++) {
                    assertThat(runs.get(c)).as("job %d chunk %d", job, c).isEqualTo(1);
                }
            }
        }
    }

    @Test
    void aFailingChunkIsRethrownToTheCallerAndThePoolKeepsWorking() {
        try (ComputePool pool = new ComputePool(2)) {
            assertThatThrownBy(() -> pool.forEach(8, c -> {
                if (c == 5) {
                    throw new IllegalArgumentException("chunk five");
                }
            })).isInstanceOf(IllegalArgumentException.class).hasMessage("chunk five");
            AtomicIntegerArray runs = new AtomicIntegerArray(8);
            pool.forEach(8, runs::incrementAndGet);
            assertThat(runs.toString()).isEqualTo("[1, 1, 1, 1, 1, 1, 1, 1]");
        }
    }

    @Test
    void nestedAndConcurrentCallersGetAllTheirChunks() throws Exception {
        try (ComputePool pool = new ComputePool(2); ExecutorService callers = Executors.newFixedThreadPool(3)) {
            Future<?>[] f = new Future<?>[3];
            for (int t = 0; t < f.length; t++) {
                f[t] = callers.submit(() -> {
                    for (int rep = 0; rep < 200; rep++) {
                        AtomicIntegerArray runs = new AtomicIntegerArray(16);
                        pool.forEach(4, outer -> pool.forEach(4, inner -> runs.incrementAndGet(outer * 4 + inner)));
                        for (int c = 0; c < 16; c++) {
                            assertThat(runs.get(c)).isEqualTo(1);
                        }
                    }
                });
            }
            for (Future<?> x : f) {
                x.get();
            }
        }
    }

    @Test
    void aClosedPoolRefusesWork() {
        ComputePool pool = new ComputePool(2);
        pool.close();
        assertThatThrownBy(() -> pool.forEach(4, c -> { })).isInstanceOf(IllegalStateException.class);
    }
}
