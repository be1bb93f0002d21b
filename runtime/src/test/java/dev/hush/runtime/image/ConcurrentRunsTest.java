package dev.hush.runtime.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hush.runtime.CancelledException;
import dev.hush.runtime.DenoiserModel;
import dev.hush.runtime.Domain;
import dev.hush.runtime.HushException;
import dev.hush.runtime.RunContext;
import dev.hush.runtime.SessionConfig;
import dev.hush.runtime.ShippedModels;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Several calls on one model and one shared (immutable) denoiser at once, with the real shipped model: each call is
 * cancelled by its own context alone, and closing the model while calls run ends them with a clear error, not a
 * crash.
 */
class ConcurrentRunsTest {

    private static DenoiserModel open() throws HushException {
        return DenoiserModel.openShipped(ShippedModels.defaultFor(Domain.IMAGE), SessionConfig.defaults().withThreads(1));
    }

    @Test
    void cancellingOneCallLeavesTheOthersRunningToTheSameResult() throws Exception {
        try (DenoiserModel model = open()) {
            ImageDenoiser shared = new ImageDenoiser(model).withTileSize(64);
            FloatImage img = ImageDenoiserTest.noisyScene(320, 256, 20, 3); // 5 × 4 tiles
            FloatImage want = shared.denoise(img, new RunContext());
            int calls = 4;
            int victim = 1;
            ExecutorService pool = Executors.newFixedThreadPool(calls);
            try {
                List<RunContext> contexts = new ArrayList<>();
                CountDownLatch started = new CountDownLatch(1);
                List<Future<FloatImage>> results = new ArrayList<>();
                for (int i = 0; i < calls; i++) {
                    boolean isVictim = i == victim;
                    // The victim's first tile opens the latch and then waits there, so it is surely mid-call when
                    // cancelled.
                    RunContext ctx = new RunContext((done, total) -> {
                        if (isVictim && done == 1) {
                            started.countDown();
                            sleep(200);
                        }
                    });
                    contexts.add(ctx);
                    results.add(pool.submit(() -> shared.denoise(img, ctx)));
                }
                assertTrue(started.await(60, TimeUnit.SECONDS), "the victim call started");
                contexts.get(victim).cancel();
                for (int i = 0; i < calls; i++) {
                    Future<FloatImage> f = results.get(i);
                    if (i == victim) {
                        Exception e = assertThrows(Exception.class, f::get);
                        assertInstanceOf(CancelledException.class, e.getCause(), "the victim was cancelled");
                        assertTrue(contexts.get(i).isCancelled());
                    } else {
                        assertArrayEquals(want.data(), f.get().data(), 0f, "call " + i + " went on undisturbed");
                        assertTrue(!contexts.get(i).isCancelled() && contexts.get(i).networkNanos() > 0);
                    }
                }
            } finally {
                pool.shutdownNow();
            }
            // A later call with a fresh context works: cancel was not sticky on the model or the denoiser.
            assertArrayEquals(want.data(), shared.denoise(img, new RunContext()).data(), 0f);
        }
    }

    @Test
    void aCancelledContextStopsBeforeTheFirstTileAndAViewSharesTheSwitch() throws Exception {
        try (DenoiserModel model = open()) {
            ImageDenoiser d = new ImageDenoiser(model).withTileSize(64);
            RunContext ctx = new RunContext();
            AtomicInteger reports = new AtomicInteger();
            RunContext view = ctx.withProgress((done, total) -> reports.incrementAndGet());
            ctx.cancel();
            assertTrue(view.isCancelled(), "a view shares its context's switch");
            assertThrows(CancelledException.class, () -> d.denoise(ImageDenoiserTest.noisyScene(100, 100, 20, 4), view));
            assertEquals(0, view.networkNanos(), "no ONNX Runtime call was made");
        }
    }

    @Test
    void closingTheModelDuringCallsEndsThemWithModelClosed() throws Exception {
        DenoiserModel model = open();
        ImageDenoiser d = new ImageDenoiser(model).withTileSize(32);
        FloatImage img = ImageDenoiserTest.noisyScene(640, 480, 20, 5); // 300 tiles: several seconds per call
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            CountDownLatch running = new CountDownLatch(2);
            List<Future<FloatImage>> calls = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                calls.add(pool.submit(() -> d.denoise(img, new RunContext((done, total) -> {
                    if (done == 1) {
                        running.countDown();
                    }
                }))));
            }
            assertTrue(running.await(60, TimeUnit.SECONDS), "both calls are running");
            model.close();
            assertTrue(model.isClosed());
            for (Future<FloatImage> f : calls) {
                Exception e = assertThrows(Exception.class, f::get);
                HushException h = assertInstanceOf(HushException.class, e.getCause(), "a HushException, not a crash");
                assertEquals(HushException.Code.MODEL_CLOSED, h.code());
                assertTrue(h.getMessage().contains("was closed"), h.getMessage());
            }
            HushException after = assertThrows(HushException.class, () -> d.denoise(img, new RunContext()));
            assertEquals(HushException.Code.MODEL_CLOSED, after.code());
            model.close(); // twice is fine
        } finally {
            pool.shutdownNow();
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
