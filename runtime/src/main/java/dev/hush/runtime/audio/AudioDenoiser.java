package dev.hush.runtime.audio;

import dev.hush.runtime.DenoiserModel;
import dev.hush.runtime.Domain;
import dev.hush.runtime.HushException;
import dev.hush.runtime.ModelContract;
import dev.hush.runtime.ModelFormatException;
import dev.hush.runtime.ProgressListener;
import dev.hush.runtime.RunContext;
import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * Denoises audio with a mask model, as a stream: samples → {@link StreamingStft} → log-magnitude
 * features → blocks of frames with their past context and look-ahead → ONNX Runtime → gain per bin →
 * (attenuation limit, dry/wet) → {@link OverlapAdd} → samples. Memory is bounded by the block; the
 * result does not depend on how the input is cut into pieces, and whole-signal {@link #denoise} is the
 * same stream with its delay removed.
 *
 * <p>A model's output frame t depends on input frames t − context … t + lookahead ({@link AudioSpec});
 * each call gets exactly that many frames around the block it answers for. Frames before the start repeat the
 * first frame (so noise at the start of a recording looks stationary, as the model needs to remove it) and
 * frames after the end are silence (the features of an all-zero frame), so every block is computed as if the
 * whole signal had been given at once.
 *
 * <p>An {@link AudioDenoiser} is immutable (the {@code with…} methods make variants) and may serve several
 * streams and calls at once (one per channel, one per thread); a {@link Stream} is for one thread.
 */
public final class AudioDenoiser {
    /** Default frames per ONNX Runtime call for batch work: long enough that context frames cost little. */
    public static final int DEFAULT_BLOCK = 128;

    private final DenoiserModel model;
    private final AudioSpec spec;
    private final int block;
    private final float floorGain;
    private final float wet;

    public AudioDenoiser(DenoiserModel model) throws HushException {
        ModelContract c = model.contract();
        c.requireDomain(Domain.AUDIO);
        if (c.output() != ModelContract.Output.MASK) {
            throw new ModelFormatException("the audio model '" + c.name() + "' gives '" + c.output().name().toLowerCase()
                    + "' output, but this Hush runs audio models that give a gain mask ('" + ModelContract.OUTPUT
                    + "' = mask)");
        }
        if (c.channels() != 1) {
            throw new ModelFormatException("the audio model '" + c.name() + "' takes " + c.channels() + " input channels;"
                    + " audio models take one (each audio channel is denoised on its own)");
        }
        this.model = model;
        this.spec = AudioSpec.of(c);
        this.block = DEFAULT_BLOCK;
        this.floorGain = 0f;
        this.wet = 1f;
    }

    private AudioDenoiser(AudioDenoiser base, int block, float floorGain, float wet) {
        this.model = base.model;
        this.spec = base.spec;
        this.block = block;
        this.floorGain = floorGain;
        this.wet = wet;
    }

    public AudioSpec spec() {
        return spec;
    }

    public DenoiserModel model() {
        return model;
    }

    /** The sample rate the model works at; resample other audio to it first. */
    public int sampleRate() {
        return spec.sampleRate();
    }

    /**
     * This denoiser with {@code frames} frames per ONNX Runtime call: larger is faster for files, 1 gives the lowest
     * latency for live audio.
     */
    public AudioDenoiser withBlockFrames(int frames) {
        if (frames < 1) {
            throw new IllegalArgumentException("a block needs at least 1 frame, got " + frames);
        }
        return new AudioDenoiser(this, frames, floorGain, wet);
    }

    public int blockFrames() {
        return block;
    }

    /**
     * This denoiser never removing more than {@code db} dB from any bin (the gain is at least 10^(−db/20)); 0 or
     * infinity means no limit. Keeps some of the background, which sounds more natural and hides the model's mistakes.
     */
    public AudioDenoiser withAttenuationLimit(double db) {
        if (Double.isNaN(db) || db < 0) {
            throw new IllegalArgumentException("the attenuation limit is a positive number of dB (or 0 for none), got " + db);
        }
        return new AudioDenoiser(this, block, db == 0 || Double.isInfinite(db) ? 0f : (float) Math.pow(10, -db / 20), wet);
    }

    /** The attenuation limit in dB ({@link #withAttenuationLimit}), 0 for none. */
    public double attenuationLimitDb() {
        return floorGain > 0 ? -20 * Math.log10(floorGain) : 0;
    }

    /** This denoiser with a dry/wet mix: 1 is fully denoised, 0 the input unchanged (delayed), between them a blend. */
    public AudioDenoiser withMix(double wetShare) {
        if (!(wetShare >= 0 && wetShare <= 1)) {
            throw new IllegalArgumentException("the mix is a share in [0, 1] (1 = fully denoised), got " + wetShare);
        }
        return new AudioDenoiser(this, block, floorGain, (float) wetShare);
    }

    /** The smallest gain any bin gets (10^(−limit/20)); 0 without an attenuation limit. */
    public double floorGain() {
        return floorGain;
    }

    /** The wet share of the dry/wet mix (1: fully denoised). */
    public double mix() {
        return wet;
    }

    /**
     * The delay of a {@link Stream}'s output behind its input, in samples at the model's rate: the STFT's
     * n_fft − hop, plus the block and the look-ahead frames the model waits for, less one sample (a frame's
     * output is ready as soon as its last sample has arrived).
     */
    public int latencySamples() {
        return spec.nFft() - spec.hop() + prefill();
    }

    private int prefill() {
        return (block + spec.lookahead()) * spec.hop() - 1;
    }

    /** A new stream (for one channel) that cannot be cancelled; see {@link #stream(RunContext)}. */
    public Stream stream() {
        return new Stream(new RunContext());
    }

    /** A new stream (for one channel) under {@code context}: cancelling it stops this stream alone. */
    public Stream stream(RunContext context) {
        return new Stream(context);
    }

    /** As {@link #denoise(float[], RunContext)} with a context of its own that reports to {@code progress}. */
    public float[] denoise(float[] samples, ProgressListener progress) throws HushException {
        return denoise(samples, new RunContext(progress));
    }

    /**
     * Denoises a whole signal at the model's rate; the result is aligned with it and as long. {@code context}
     * cancels this call alone and gets its progress (samples done of all).
     */
    public float[] denoise(float[] samples, RunContext context) throws HushException {
        ProgressListener progress = context.progress();
        Stream s = stream(context);
        int d = s.latencySamples();
        float[] out = new float[samples.length];
        float[] piece = new float[Math.max(1, block * spec.hop())];
        int pos = 0;
        int written = 0;
        int skip = d;
        progress.update(0, samples.length);
        while (pos < samples.length) {
            int n = Math.min(piece.length, samples.length - pos);
            s.process(samples, pos, n, piece, 0);
            pos += n;
            int from = Math.min(skip, n);
            skip -= from;
            System.arraycopy(piece, from, out, written, n - from);
            written += n - from;
            progress.update(pos, samples.length);
        }
        float[] tail = s.finish();
        System.arraycopy(tail, 0 + skip, out, written, samples.length - written);
        return out;
    }

    /**
     * Denoises audio of any channel count at any sample rate: each channel is resampled to the model's rate,
     * denoised on its own and resampled back ({@link ChannelPipeline}; above the model's rate the band it cannot
     * see is kept, scaled by the model's gain). The result has the input's rate, channels and length, aligned with
     * it. {@code context} cancels the call and gets its progress (samples done over all channels).
     *
     * @param channels one array per channel, all of one length
     */
    public float[][] denoise(float[][] channels, int sampleRate, RunContext context) throws HushException {
        if (channels.length == 0) {
            return new float[0][];
        }
        int n = channels[0].length;
        for (float[] c : channels) {
            if (c.length != n) {
                throw new HushException(HushException.Code.INVALID_INPUT, "the channels have different lengths ("
                        + n + " and " + c.length + " samples); give one array per channel, all of one length");
            }
        }
        if (sampleRate < Resampler.MIN_RATE || sampleRate > Resampler.MAX_RATE) {
            throw new HushException(HushException.Code.INVALID_INPUT, "sample rate " + sampleRate + " Hz is outside "
                    + Resampler.MIN_RATE + "–" + Resampler.MAX_RATE + " Hz");
        }
        ProgressListener progress = context.progress();
        long total = (long) n * channels.length;
        float[][] out = new float[channels.length][];
        int piece = Math.max(1, block * spec.hop() * sampleRate / spec.sampleRate());
        for (int c = 0; c < channels.length; c++) {
            ChannelPipeline p = new ChannelPipeline(this, sampleRate, context);
            float[] y = new float[n];
            int written = 0;
            for (int pos = 0; pos < n; pos += piece) {
                int len = Math.min(piece, n - pos);
                written = append(y, written, p.push(channels[c], pos, len));
                progress.update((long) c * n + pos + len, total);
            }
            append(y, written, p.finish());
            out[c] = y;
        }
        return out;
    }

    /** Copies what fits of {@code piece} into {@code y} at {@code at} (the pipeline may give a few past the end). */
    private static int append(float[] y, int at, float[] piece) {
        int k = Math.min(piece.length, y.length - at);
        System.arraycopy(piece, 0, y, at, k);
        return at + k;
    }

    /**
     * One channel's stream: {@link #process} gives back as many samples as it is given, the input delayed by
     * {@link #latencySamples()}; {@link #finish} gives the last latency samples. Of the first latency output
     * samples, the first (block + lookahead)·hop − 1 are zeros and the rest hold what the gains spread back from
     * the first frames into the STFT's leading padding (near silence); from then on output i + latency is input i
     * denoised.
     */
    public final class Stream {
        private final int bins = spec.bins();
        private final int fullBins = spec.spectrumBins();
        private final int hop = spec.hop();
        private final int context = spec.context();
        private final int lookahead = spec.lookahead();
        private final int blk = block;
        private final float floor = floorGain;
        private final float wetShare = wet;
        private final int window = context + blk + lookahead;
        private final int latency = AudioDenoiser.this.latencySamples();
        private final float silence = (float) Math.log(spec.logEps());
        private final StreamingStft stft = new StreamingStft(spec.nFft(), spec.hop());
        private final OverlapAdd ola = new OverlapAdd(spec.nFft(), spec.hop());
        /** Features of frames first − context … first + blk + lookahead − 1, frame-major. */
        private final float[] features = new float[window * bins];
        /** The complex frames first … first + blk + lookahead − 1 that still wait for their gain. */
        private final float[] re = new float[(blk + lookahead) * fullBins];
        private final float[] im = new float[(blk + lookahead) * fullBins];
        private final float[] staging = new float[window * bins];
        private final FloatBuffer input = DenoiserModel.directBuffer(window * bins);
        private final float[] gainRe = new float[fullBins];
        private final float[] gainIm = new float[fullBins];
        private final float[] synth = new float[hop];
        /** A recurrent model's state after frame first − 1 (zeros at the start), or null. */
        private final float[] state = spec.stateSize() > 0 ? new float[spec.stateSize()] : null;
        private final SampleQueue queue;
        private long first;
        private long received;
        private long pushed;
        private long emitted;
        private boolean finished;
        private HushException failure;
        private final RunContext run;

        private Stream(RunContext run) {
            this.run = run;
            Arrays.fill(features, silence);
            queue = new SampleQueue(prefill() + (blk + lookahead + 2) * hop);
            queue.addZeros(prefill());
        }

        /** Denoises {@code in[inOff .. inOff + len)} and writes {@code len} delayed output samples to {@code out[outOff ..)}. */
        public void process(float[] in, int inOff, int len, float[] out, int outOff) throws HushException {
            if (finished) {
                throw new IllegalStateException("this stream is finished; start a new one with stream()");
            }
            run.throwIfCancelled();
            requireFinite(in, inOff, len, pushed);
            int done = 0;
            // Push in pieces of at most a block so the queue never holds more than its capacity.
            int step = Math.max(1, blk * hop);
            while (done < len) {
                int n = Math.min(step, len - done);
                stft.push(in, inOff + done, n, this::frame);
                rethrow();
                queue.take(out, outOff + done, n);
                done += n;
            }
            pushed += len;
            emitted += len;
        }

        /** This stream's delay in samples, fixed when it was made (see {@link AudioDenoiser#latencySamples()}). */
        public int latencySamples() {
            return latency;
        }

        /** Ends the stream and returns its last {@link #latencySamples()} output samples. */
        public float[] finish() throws HushException {
            if (finished) {
                throw new IllegalStateException("this stream is already finished");
            }
            finished = true;
            stft.flush(this::frame);
            rethrow();
            while (first < received) {
                runBlock((int) Math.min(blk, received - first));
            }
            int rest = (int) (pushed + latency - emitted);
            float[] tail = new float[rest];
            int have = Math.min(rest, queue.size());
            queue.take(tail, 0, have);
            return tail;
        }

        private void frame(long index, float[] fr, float[] fi) {
            if (failure != null) {
                return;
            }
            int slot = (int) (index - first);
            System.arraycopy(fr, 0, re, slot * fullBins, fullBins);
            System.arraycopy(fi, 0, im, slot * fullBins, fullBins);
            int fs = (int) (index - first + context);
            Spectrogram.logMagnitude(fr, fi, 0, bins, spec.logEps(), gainRe);
            System.arraycopy(gainRe, 0, features, fs * bins, bins);
            if (index == 0) {
                // The past before the first frame repeats the first frame: a recording that starts in noise then
                // looks like noise that was always there (which the model removes), not like a sound out of silence.
                for (int t = 0; t < context; t++) {
                    System.arraycopy(gainRe, 0, features, t * bins, bins);
                }
            }
            received = index + 1;
            if (received - first >= blk + lookahead) {
                try {
                    runBlock(blk);
                } catch (HushException e) {
                    failure = e;
                }
            }
        }

        private void rethrow() throws HushException {
            if (failure != null) {
                HushException e = failure;
                failure = null;
                throw e;
            }
        }

        /** Gains for frames first … first + count − 1, applied and synthesised; then the window slides by count. */
        private void runBlock(int count) throws HushException {
            // Frames not received yet (past the end of a finished stream) stay silence.
            for (int t = 0; t < window; t++) {
                for (int b = 0; b < bins; b++) {
                    staging[b * window + t] = features[t * bins + b];
                }
            }
            input.clear();
            input.put(staging);
            input.flip();
            float[] gains = model.run(input, new long[] {1, 1, bins, window}, state, run);
            for (int k = 0; k < count; k++) {
                int t = context + k;
                for (int b = 0; b < bins; b++) {
                    float g = gains[b * window + t];
                    g = Math.max(Math.min(g, 1f), floor);
                    gainRe[b] = wetShare * g + (1 - wetShare);
                }
                if (bins < fullBins) {
                    gainRe[fullBins - 1] = gainRe[bins - 1];
                }
                int base = k * fullBins;
                for (int b = 0; b < fullBins; b++) {
                    gainIm[b] = im[base + b] * gainRe[b];
                    gainRe[b] = re[base + b] * gainRe[b];
                }
                ola.push(gainRe, gainIm, synth, 0);
                queue.add(synth, 0, hop);
            }
            int keep = (int) Math.max(0, received - first - count);
            System.arraycopy(re, count * fullBins, re, 0, keep * fullBins);
            System.arraycopy(im, count * fullBins, im, 0, keep * fullBins);
            System.arraycopy(features, count * bins, features, 0, (window - count) * bins);
            Arrays.fill(features, (window - count) * bins, features.length, silence);
            first += count;
        }
    }

    /**
     * Refuses NaN or infinite samples (a broken decoder or a bad float WAV): they would poison the STFT and every
     * frame after them, so the whole output would be noise or silence.
     */
    private static void requireFinite(float[] in, int off, int len, long before) throws HushException {
        for (int i = 0; i < len; i++) {
            if (!Float.isFinite(in[off + i])) {
                throw new HushException(HushException.Code.INVALID_INPUT, "the audio has a NaN or infinite sample (sample "
                        + (before + i) + " of this channel); replace such samples (with 0) before denoising, since a"
                        + " denoiser cannot guess what they should be");
            }
        }
    }

    /** A FIFO of samples in a ring. */
    private static final class SampleQueue {
        private float[] ring;
        private int head;
        private int size;

        SampleQueue(int capacity) {
            ring = new float[Math.max(16, capacity)];
        }

        int size() {
            return size;
        }

        void addZeros(int n) {
            ensure(n);
            for (int i = 0; i < n; i++) {
                ring[(head + size + i) % ring.length] = 0f;
            }
            size += n;
        }

        void add(float[] src, int off, int n) {
            ensure(n);
            for (int i = 0; i < n; i++) {
                ring[(head + size + i) % ring.length] = src[off + i];
            }
            size += n;
        }

        void take(float[] dst, int off, int n) {
            if (n > size) {
                throw new IllegalStateException("audio stream underflow: " + n + " samples asked, " + size + " ready");
            }
            for (int i = 0; i < n; i++) {
                dst[off + i] = ring[(head + i) % ring.length];
            }
            head = (head + n) % ring.length;
            size -= n;
        }

        private void ensure(int n) {
            if (size + n <= ring.length) {
                return;
            }
            float[] bigger = new float[Math.max(ring.length * 2, size + n)];
            for (int i = 0; i < size; i++) {
                bigger[i] = ring[(head + i) % ring.length];
            }
            ring = bigger;
            head = 0;
        }
    }
}
