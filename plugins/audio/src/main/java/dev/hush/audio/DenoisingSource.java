package dev.hush.audio;

import dev.hush.runtime.audio.ChannelPipeline;
import dev.hush.runtime.audio.FloatQueue;
import dev.hush.runtime.RunContext;
import dev.hush.runtime.HushException;
import dev.hush.runtime.audio.AudioDenoiser;
import java.util.function.LongConsumer;

/**
 * The denoised frames of another source, pulled through one {@link ChannelPipeline} per channel: exactly as
 * many frames as the input has, aligned with it, at the input's rate. Memory is bounded by the pipelines'
 * delays, not by the length of the input.
 */
final class DenoisingSource implements FrameSource {
    private final FrameSource in;
    private final ChannelPipeline[] pipes;
    private final FloatQueue[] queues;
    private final float[][] block;
    private final LongConsumer progress;
    private final SpectrogramImage.Pair spectrogram;
    private long consumed;
    private long emitted;
    private boolean inputEnded;

    /**
     * @param progress    told the input frames consumed so far (may be null)
     * @param spectrogram the before/after spectrograms of the first channel to feed (may be null)
     */
    DenoisingSource(FrameSource in, AudioDenoiser denoiser, LongConsumer progress, SpectrogramImage.Pair spectrogram,
                    RunContext context) {
        this.in = in;
        int c = in.channels();
        this.pipes = new ChannelPipeline[c];
        this.queues = new FloatQueue[c];
        for (int i = 0; i < c; i++) {
            pipes[i] = new ChannelPipeline(denoiser, in.sampleRate(), context);
            queues[i] = new FloatQueue();
        }
        this.block = new float[c][AudioFiles.CHUNK];
        this.progress = progress;
        this.spectrogram = spectrogram;
    }

    @Override
    public int channels() {
        return in.channels();
    }

    @Override
    public int sampleRate() {
        return in.sampleRate();
    }

    /** Input frames read so far. */
    long consumed() {
        return consumed;
    }

    @Override
    public int read(float[][] dst, int max) throws HushException {
        while (ready() == 0) {
            if (inputEnded) {
                return -1;
            }
            int n = in.read(block, block[0].length);
            if (n < 0) {
                inputEnded = true;
                for (int c = 0; c < pipes.length; c++) {
                    queues[c].add(pipes[c].finish());
                }
                continue;
            }
            if (spectrogram != null) {
                spectrogram.before().add(block[0], 0, n);
            }
            for (int c = 0; c < pipes.length; c++) {
                queues[c].add(pipes[c].push(block[c], 0, n));
            }
            consumed += n;
            if (progress != null) {
                progress.accept(consumed);
            }
        }
        int n = (int) Math.min(max, ready());
        for (int c = 0; c < queues.length; c++) {
            queues[c].take(dst[c], n);
        }
        if (spectrogram != null) {
            spectrogram.after().add(dst[0], 0, n);
        }
        emitted += n;
        return n;
    }

    /** Frames that can go out: what every channel has, never past the input frames read so far. */
    private long ready() {
        long r = consumed - emitted;
        for (FloatQueue q : queues) {
            r = Math.min(r, q.size());
        }
        return Math.max(0, r);
    }

    @Override
    public void close() throws HushException {
        in.close();
    }
}
