package dev.hush.cli;

import dev.hush.audio.SpectrogramImage;
import dev.hush.runtime.DenoiserModel;
import dev.hush.runtime.Domain;
import dev.hush.runtime.HushException;
import dev.hush.runtime.RunContext;
import dev.hush.runtime.SessionConfig;
import dev.hush.runtime.ShippedModels;
import dev.hush.runtime.audio.AudioDenoiser;
import dev.hush.runtime.audio.AudioMetrics;
import dev.hush.runtime.audio.Resampler;
import dev.hush.runtime.io.AtomicFile;
import dev.hush.trainer.audio.NoiseSignals;
import dev.hush.trainer.audio.SpeechCorpus;
import dev.hush.trainer.audio.SpeechMixer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jtransforms.fft.DoubleFFT_1D;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "audio", mixinStandardHelpOptions = true,
        description = {"SI-SDR/STOI/segSNR and speed of audio models beside SoX and FFmpeg, in one run:",
                "noisy input, SoX noisered (noise profile from a noise-only lead-in) and FFmpeg afftdn (settings",
                "the best of a small grid). By default on real voices in real noise: the clips in models/bench/audio",
                "(speakers, languages and noises from packages never used in training) at 0, 5 and 10 dB SNR; then,",
                "where espeak-ng is installed, held-out espeak-ng voices in six generated noise kinds. SoX and FFmpeg",
                "rows appear when they are installed. Writes markdown tables and PNG figures to the output folder."})
final class BenchAudioCommand implements Callable<Integer> {
    /** Seed of the bench's speech and noise: no training seed is near it. */
    static final long SEED = 20261201L;
    /** At rates above 16 kHz the table adds the SI-SDR of the band above this frequency (Hz). */
    static final double HIGH_BAND_HZ = 8000;
    static final int[] SNRS = {0, 5, 10};
    /** The noise-only stretch before the speech: SoX's noise profile comes from it; metrics leave it out. */
    static final double LEAD_SECONDS = 0.5;
    static final double PEAK_DBFS = -3;
    static final int MAX_LAG = 4096;
    static final double[] SOX_AMOUNTS = {0.1, 0.2, 0.3};
    /** FFmpeg settings tried: label, filter graph. The last learns the noise from the lead-in, as SoX does. */
    static final List<String[]> AFFTDN = List.of(new String[] {"nr=12:nf=-40", "afftdn=nr=12:nf=-40"},
            new String[] {"nr=24:nf=-30", "afftdn=nr=24:nf=-30"}, new String[] {"nr=24:nf=-25", "afftdn=nr=24:nf=-25"},
            new String[] {"nr=24:nf=-20", "afftdn=nr=24:nf=-20"},
            new String[] {"nr=24:nf=-40, noise sampled from the lead-in (sn)", "asendcmd=0.0 afftdn sn start,asendcmd="
                    + LEAD_SECONDS + " afftdn sn stop,afftdn=nr=24:nf=-40"});
    static final String INSTALL = "Debian/Ubuntu: apt-get install sox ffmpeg";

    @Option(names = "--set", split = ",", defaultValue = "real,espeak", description = "Sets to run: real (the"
            + " recordings in models/bench/audio) and espeak (synthetic speech, generated noise; skipped with a note"
            + " when espeak-ng is missing). Default ${DEFAULT-VALUE}.")
    List<String> sets;

    @Option(names = "--bench-dir", paramLabel = "DIR", description = "Folder with speech/ and noise/ WAV clips (default:"
            + " models/bench/audio of this repository).")
    Path benchDir;

    @Option(names = "--rate", paramLabel = "HZ", defaultValue = "16000", description = "Rate of the bench mixtures"
            + " (default ${DEFAULT-VALUE}); clips at other rates are resampled. At 48000 with --bench-dir the clips"
            + " of scripts/data/speech.sh --bench48 (full band), the table adds the SI-SDR above 8 kHz and a line the"
            + " share of clean speech's energy above 8 kHz each Hush model keeps. Every method gets the mixtures at"
            + " this rate, as a file of that rate would reach it: Hush models of another rate through hush audio's"
            + " resampling path (the band above a 16 kHz model's kept and scaled by its gain), RNNoise resampled to"
            + " 48 kHz and back.")
    int rate;

    @Option(names = "--mixtures", defaultValue = "0", description = "Mixtures per SNR (default: one per noise"
            + " recording for the real set, 6 for espeak: each of the six generated kinds once).")
    int mixtures;

    @Option(names = "--atten-lim", split = ",", paramLabel = "DB", description = "Also run each model with these"
            + " attenuation limits (as hush audio --atten-lim), one row each, e.g. --atten-lim 12,20.")
    List<Double> attenLims = new ArrayList<>();

    @Option(names = "--seconds", defaultValue = "4", description = "Seconds of speech per mixture (default ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = {"-m", "--model"}, split = ",", description = "Models to test, names or .onnx files (default: every"
            + " shipped audio model).")
    List<String> models;

    @Option(names = "--cache", description = "Folder for the generated speech (default ~/.cache/hush).")
    Path cache;

    @Option(names = {"-o", "--out"}, defaultValue = "bench-out", description = "Output folder (default ${DEFAULT-VALUE}).")
    Path out;

    /** One validation mixture: the noisy signal (lead-in included) and the clean speech in it. */
    record Mix(int snr, String kind, float[] noisy, float[] clean) {
    }

    /** A method's scores on every mixture, in the order of the mixtures. */
    static final class Scores {
        final String label;
        final String setting;
        final double[] siSdr;
        final double[] stoi;
        final double[] seg;
        /** SI-SDR above {@link #HIGH_BAND_HZ}, at rates above 16 kHz; else null. */
        final double[] high;
        double seconds = Double.NaN;
        float[] figure;
        final TreeSet<Integer> lags = new TreeSet<>();

        Scores(String label, String setting, int n, boolean highBand) {
            this.label = label;
            this.setting = setting;
            siSdr = new double[n];
            stoi = new double[n];
            seg = new double[n];
            high = highBand ? new double[n] : null;
        }

        double meanSiSdr() {
            return Arrays.stream(siSdr).average().orElse(Double.NaN);
        }
    }

    private int lead;
    private final List<String> keptHigh = new ArrayList<>();
    /** Per mixture of the set being scored, the clean speech above {@link #HIGH_BAND_HZ} (made once, on first use). */
    private float[][] refHigh;

    /** True when the table scores the band above {@link #HIGH_BAND_HZ} (the bench rate is above 16 kHz). */
    private boolean highBandScored() {
        return rate > 16000;
    }

    @Override
    public Integer call() throws Exception {
        for (String set : sets) {
            if (!set.equals("real") && !set.equals("espeak")) {
                throw new HushException("unknown --set '" + set + "': use real or espeak (comma-separated)");
            }
        }
        if (rate < 8000 || rate > 48000) {
            throw new IllegalArgumentException("--rate must lie in 8000–48000 Hz, got " + rate);
        }
        if (mixtures < 0 || !(seconds >= 1)) {
            throw new IllegalArgumentException("--mixtures must be at least 1 and --seconds at least 1");
        }
        for (double db : attenLims) {
            if (!(db > 0) || Double.isInfinite(db)) {
                throw new IllegalArgumentException("--atten-lim takes positive numbers of dB, got " + db);
            }
        }
        boolean espeak = SpeechCorpus.espeakAvailable();
        if (sets.equals(List.of("espeak")) && !espeak) {
            System.err.println("hush: the espeak set makes its speech with espeak-ng, which is not installed;"
                    + " install it (Debian/Ubuntu: apt-get install espeak-ng) and run again, or use --set real");
            return 1;
        }
        String soxVersion = version("sox", "--version");
        String ffmpegVersion = version("ffmpeg", "-version");
        List<String> missing = new ArrayList<>();
        if (soxVersion == null) {
            missing.add("SoX (sox) is not installed, so its row is left out; install it (" + INSTALL + ")");
        }
        if (ffmpegVersion == null) {
            missing.add("FFmpeg (ffmpeg) is not installed, so its row is left out; install it (" + INSTALL + ")");
        }
        Path rnnoise = rnnoiseScript();
        if (rnnoise == null) {
            missing.add("RNNoise is left out: it runs in Node.js (Debian/Ubuntu: apt-get install nodejs npm) from"
                    + " scripts/rnnoise once its package is installed (npm install --prefix scripts/rnnoise)");
        }
        missing.forEach(m -> System.err.println("hush: " + m));

        List<String> names = new ArrayList<>();
        if (models != null) {
            names.addAll(models);
        } else {
            names.addAll(ShippedModels.denoisers(Domain.AUDIO));
            if (names.isEmpty()) {
                System.err.println("hush: no audio model is shipped in this build; pass --model FILE.onnx to include one");
            }
        }
        List<DenoiserModel> opened = new ArrayList<>();
        StringBuilder md = new StringBuilder("# hush bench audio\n\n");
        try {
            List<AudioDenoiser> denoisers = new ArrayList<>();
            for (String n : names) {
                DenoiserModel m = DenoiserModel.openNamed(n, SessionConfig.defaults().withThreads(1));
                opened.add(m);
                denoisers.add(new AudioDenoiser(m));
                for (double db : attenLims) {
                    denoisers.add(new AudioDenoiser(m).withAttenuationLimit(db));
                }
            }
            for (String set : sets) {
                if (set.equals("espeak") && !espeak) {
                    String skip = "The synthetic (espeak-ng) table is left out: espeak-ng is not installed (Debian/Ubuntu:"
                            + " apt-get install espeak-ng).\n\n";
                    System.err.println("hush: " + skip.strip());
                    md.append(skip);
                    continue;
                }
                int perSnr = mixtures;
                List<Mix> mixes;
                String title;
                if (set.equals("real")) {
                    Path dir = benchDir != null ? benchDir : BenchSets.defaultFolder("models/bench/audio");
                    List<Clip> speech = clips(dir.resolve("speech"), rate);
                    List<Clip> noise = clips(dir.resolve("noise"), rate);
                    perSnr = perSnr > 0 ? perSnr : noise.size();
                    mixes = realMixtures(speech, noise, perSnr);
                    title = "## Real voices in real noise\n\n" + realNote(dir, speech, noise, perSnr, mixes.size());
                } else {
                    perSnr = perSnr > 0 ? perSnr : 6;
                    mixes = mixtures(cache != null ? cache : Path.of(System.getProperty("user.home"), ".cache", "hush"),
                            perSnr);
                    title = "## Synthetic: espeak-ng voices in generated noise\n\n" + espeakNote(perSnr, mixes.size());
                }
                String section = title + section(set, mixes, perSnr, denoisers, soxVersion, ffmpegVersion, rnnoise,
                        missing);
                md.append(section);
                System.out.print(section);
            }
            AtomicFile.write(out.resolve("bench-audio.md"), md.toString().getBytes(StandardCharsets.UTF_8));
            System.err.println("wrote " + out.resolve("bench-audio.md"));
        } finally {
            for (DenoiserModel m : opened) {
                m.close();
            }
        }
        return 0;
    }

    /** Scores every method on one set's mixtures; writes its figure; returns its notes and table. */
    private String section(String set, List<Mix> mixes, int perSnr, List<AudioDenoiser> denoisers, String soxVersion,
                           String ffmpegVersion, Path rnnoise, List<String> missing) throws Exception {
        int figureIndex = perSnr; // the first 5 dB mixture
        double audioSeconds = mixes.stream().mapToDouble(m -> (double) m.noisy().length / rate).sum();
        Path tmp = Files.createTempDirectory("hush-bench-audio");
        try {
            for (int i = 0; i < mixes.size(); i++) {
                writeWav(tmp.resolve("noisy-" + i + ".wav"), mixes.get(i).noisy(), rate);
            }
            long runs = (long) mixes.size() * ((soxVersion != null ? SOX_AMOUNTS.length : 0)
                    + (ffmpegVersion != null ? AFFTDN.size() : 0) + (rnnoise != null ? 1 : 0) + denoisers.size());
            ProgressBar bar = new ProgressBar(System.err, "bench " + set, "runs");
            long[] done = {0};
            Runnable step = () -> bar.update(++done[0], runs);
            bar.update(0, runs);
            List<Scores> rows = new ArrayList<>();
            refHigh = new float[mixes.size()][];
            Scores noisy = new Scores("noisy input", "", mixes.size(), highBandScored());
            for (int i = 0; i < mixes.size(); i++) {
                score(noisy, i, mixes.get(i).noisy(), mixes.get(i));
            }
            noisy.figure = mixes.get(figureIndex).noisy();
            rows.add(noisy);

            Scores sox = null;
            if (soxVersion != null) {
                // The noise profile does not depend on the amount: made once per mixture, its time counted in every row.
                double[] profileSeconds = new double[mixes.size()];
                for (int i = 0; i < mixes.size(); i++) {
                    profileSeconds[i] = run(List.of("sox", tmp.resolve("noisy-" + i + ".wav").toString(), "-n", "trim",
                            "0", Double.toString(LEAD_SECONDS), "noiseprof", tmp.resolve("noise-" + i + ".prof").toString()));
                }
                for (double a : SOX_AMOUNTS) {
                    Scores s = external("SoX noisered", String.format(Locale.ROOT, "amount %.1f", a), mixes, tmp,
                            figureIndex, step, (i, in, o) -> profileSeconds[i] + run(List.of("sox", in.toString(), "-e",
                                    "floating-point", "-b", "32", o.toString(), "noisered",
                                    tmp.resolve("noise-" + i + ".prof").toString(), Double.toString(a))));
                    sox = sox == null || s.meanSiSdr() > sox.meanSiSdr() ? s : sox;
                }
                rows.add(sox);
            }

            Scores ff = null;
            if (ffmpegVersion != null) {
                for (String[] setting : AFFTDN) {
                    Scores s = external("FFmpeg afftdn", setting[0], mixes, tmp, figureIndex, step, (i, in, o) -> run(
                            List.of("ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y", "-i", in.toString(),
                                    "-af", setting[1], "-c:a", "pcm_f32le", o.toString())));
                    ff = ff == null || s.meanSiSdr() > ff.meanSiSdr() ? s : ff;
                }
                rows.add(ff);
            }

            Scores rn = null;
            if (rnnoise != null) {
                // RNNoise works at 48 kHz: each mixture is resampled up, denoised in Node.js and resampled back.
                rn = external("RNNoise", "xiph's model, 48 kHz", mixes, tmp, figureIndex, step, (i, in, o) -> {
                    Path raw = tmp.resolve("rnnoise-in.f32");
                    Path back = tmp.resolve("rnnoise-out.f32");
                    float[] x = mixes.get(i).noisy();
                    writeF32(raw, rate == RNNOISE_RATE ? x : new Resampler(rate, RNNOISE_RATE).resample(x));
                    double t = run(List.of("node", rnnoise.toString(), raw.toString(), back.toString()));
                    float[] y = readF32(back);
                    writeWav(o, rate == RNNOISE_RATE ? y : new Resampler(RNNOISE_RATE, rate).resample(y), rate);
                    return t;
                });
                rows.add(rn);
            }

            List<DenoiserModel> models = denoisers.stream().map(AudioDenoiser::model).distinct().toList();
            for (AudioDenoiser d : denoisers) {
                Scores s = new Scores(BenchSets.label(d.model(), models) + " (Hush)", d.attenuationLimitDb() > 0
                        ? String.format(Locale.ROOT, "--atten-lim %.0f", d.attenuationLimitDb()) : "", mixes.size(), highBandScored());
                hush(d, mixes.get(0).noisy()); // warm-up, untimed
                s.seconds = 0;
                for (int i = 0; i < mixes.size(); i++) {
                    long t0 = System.nanoTime();
                    float[] y = hush(d, mixes.get(i).noisy());
                    s.seconds += (System.nanoTime() - t0) / 1e9;
                    score(s, i, y, mixes.get(i));
                    if (i == figureIndex) {
                        s.figure = y;
                    }
                    step.run();
                }
                rows.add(s);
                if (highBandScored()) {
                    // Clean speech alone through the model: how much of its energy above 8 kHz comes out.
                    double in = 0;
                    double kept = 0;
                    for (int i = 0; i < mixes.size(); i++) {
                        Mix m = mixes.get(i);
                        in += energy(refHigh[i]);
                        kept += energy(highBand(hush(d, Arrays.copyOfRange(m.clean(), lead, m.clean().length)), rate));
                    }
                    keptHigh.add(String.format(Locale.ROOT, "%s%s %.1f %%", s.label.replace(" (Hush)", ""),
                            s.setting.isEmpty() ? "" : " (" + s.setting + ")", 100 * kept / Math.max(in, 1e-30)));
                }
            }

            String header = note(sox, ff, rn, soxVersion, ffmpegVersion, missing);
            String table = table(rows, mixes, audioSeconds);
            if (!keptHigh.isEmpty()) {
                table += String.format(Locale.ROOT, "%nClean speech alone (the mixtures' speech without noise) through each"
                        + " Hush model keeps this share of its energy above %.0f Hz: %s.%n", HIGH_BAND_HZ,
                        String.join("; ", keptHigh));
                keptHigh.clear();
            }
            Mix fm = mixes.get(figureIndex);
            List<float[]> panels = new ArrayList<>();
            List<String> labels = new ArrayList<>();
            for (Scores s : rows) {
                panels.add(Arrays.copyOf(s.figure, fm.noisy().length));
                labels.add((s == noisy ? "noisy, " + fm.snr() + " dB " + fm.kind() : s.label.replace("**", ""))
                        + (s.setting.isEmpty() ? "" : " (" + s.setting + ")"));
            }
            panels.add(fm.clean());
            labels.add("clean");
            Path fig = out.resolve("bench-audio-" + set + ".png");
            figure(fig, panels, labels);
            System.err.println("wrote " + fig);
            return header + table + "\n";
        } finally {
            try (Stream<Path> files = Files.list(tmp)) {
                for (Path f : files.toList()) {
                    Files.deleteIfExists(f);
                }
            }
            Files.deleteIfExists(tmp);
        }
    }

    /** A bench recording: its file name (without .wav), the speaker or source (name up to the last "__"), samples. */
    record Clip(String name, String source, float[] samples) {
    }

    /** Every WAV in {@code dir}, sorted by name, resampled to {@code rate}. */
    static List<Clip> clips(Path dir, int rate) throws HushException, IOException {
        if (!Files.isDirectory(dir)) {
            throw new HushException("bench audio folder " + dir + " does not exist (expected models/bench/audio/speech"
                    + " and models/bench/audio/noise with WAV clips); pass --bench-dir DIR or use --set espeak");
        }
        List<Path> files;
        try (Stream<Path> st = Files.list(dir)) {
            files = st.filter(p -> p.getFileName().toString().endsWith(".wav")).sorted().toList();
        }
        if (files.isEmpty()) {
            throw new HushException("no WAV files in " + dir);
        }
        List<Clip> out = new ArrayList<>();
        for (Path f : files) {
            String name = f.getFileName().toString().replaceFirst("\\.wav$", "");
            int cut = name.lastIndexOf("__");
            out.add(new Clip(name, cut > 0 ? name.substring(0, cut) : name, SpeechCorpus.read(f, rate)));
        }
        return out;
    }

    /**
     * The real set: for mixture i at each SNR, one speaker's clips one after another (short pauses) after the
     * noise-only lead-in, over noise recording i (cycled; a random excerpt, looped if short), all from fixed seeds.
     */
    private List<Mix> realMixtures(List<Clip> speech, List<Clip> noise, int perSnr) {
        int total = (int) Math.round((LEAD_SECONDS + seconds) * rate);
        lead = (int) Math.round(LEAD_SECONDS * rate);
        List<String> speakers = speech.stream().map(Clip::source).distinct().toList();
        List<Mix> out = new ArrayList<>();
        for (int s = 0; s < SNRS.length; s++) {
            for (int i = 0; i < perSnr; i++) {
                SplittableRandom rnd = new SplittableRandom(SEED + 1000L * s + i);
                String speaker = speakers.get((s * perSnr + i) % speakers.size());
                List<float[]> own = speech.stream().filter(c -> c.source().equals(speaker)).map(Clip::samples).toList();
                Clip n = noise.get(i % noise.size());
                float[] clean = new float[total];
                int at = lead + rnd.nextInt(rate / 10 + 1);
                int k = rnd.nextInt(own.size());
                while (at < total) {
                    float[] u = own.get(k++ % own.size());
                    for (int j = 0; j < u.length && at + j < total; j++) {
                        clean[at + j] = u[j];
                    }
                    at += u.length + rate / 10 + rnd.nextInt(rate / 5);
                }
                float[] nz = NoiseSignals.make("recorded", total, rate, List.of(), List.of(n.samples()), rnd);
                out.add(mix(SNRS[s], n.source().replaceFirst("^.*?__", "") + " / " + speaker, clean, nz));
            }
        }
        return out;
    }

    /** Speech plus noise scaled to the SNR over the speech (after the lead-in); the pair scaled to the bench peak. */
    private Mix mix(int snr, String kind, float[] clean, float[] noise) {
        int total = clean.length;
        float gn = SpeechMixer.noiseGain(clean, noise, lead, snr);
        float[] noisy = new float[total];
        float peak = 0;
        for (int k = 0; k < total; k++) {
            noisy[k] = clean[k] + gn * noise[k];
            peak = Math.max(peak, Math.abs(noisy[k]));
        }
        float scale = peak > 0 ? (float) (Math.pow(10, PEAK_DBFS / 20) / peak) : 1f;
        for (int k = 0; k < total; k++) {
            noisy[k] *= scale;
            clean[k] *= scale;
        }
        return new Mix(snr, kind, noisy, clean);
    }

    /** Held-out speech (its own seed) in front of noise; written as WAV files for SoX and FFmpeg on the way. */
    private List<Mix> mixtures(Path cacheDir, int mixtures) throws IOException {
        int total = (int) Math.round((LEAD_SECONDS + seconds) * rate);
        lead = (int) Math.round(LEAD_SECONDS * rate);
        int targets = Math.max(6, (int) Math.ceil(SNRS.length * mixtures * seconds / 2.0));
        int babble = 12;
        System.err.println("making " + (targets + babble) + " held-out espeak-ng utterances (cached in " + cacheDir + ")");
        List<float[]> all = SpeechCorpus.espeak(targets + babble, SEED, true, rate, cacheDir);
        int split = Math.max(1, all.size() - babble);
        List<float[]> speech = all.subList(0, split);
        List<float[]> voices = all.size() > split ? all.subList(split, all.size()) : speech;
        List<Mix> out = new ArrayList<>();
        for (int s = 0; s < SNRS.length; s++) {
            for (int i = 0; i < mixtures; i++) {
                SplittableRandom rnd = new SplittableRandom(SEED + 1000L * s + i);
                String kind = NoiseSignals.GENERATED.get((s * mixtures + i) % NoiseSignals.GENERATED.size());
                float[] clean = new float[total];
                // Utterances one after another with short pauses, from a little after the lead-in to the end.
                int at = lead + rnd.nextInt(rate / 10 + 1);
                while (at < total) {
                    float[] u = speech.get(rnd.nextInt(speech.size()));
                    float g = (float) rnd.nextDouble(0.6, 1.0);
                    for (int k = 0; k < u.length && at + k < total; k++) {
                        clean[at + k] = g * u[k];
                    }
                    at += u.length + rate / 10 + rnd.nextInt(rate / 5);
                }
                float[] noise = NoiseSignals.make(kind, total, rate, voices, rnd);
                out.add(mix(SNRS[s], kind, clean, noise));
            }
        }
        return out;
    }

    private void score(Scores s, int i, float[] estimate, Mix m) {
        float[] est = Arrays.copyOfRange(estimate, lead, m.clean().length);
        float[] ref = Arrays.copyOfRange(m.clean(), lead, m.clean().length);
        s.siSdr[i] = AudioMetrics.siSdr(est, ref);
        s.stoi[i] = AudioMetrics.stoi(est, ref, rate);
        if (s.high != null) {
            if (refHigh[i] == null) {
                refHigh[i] = highBand(ref, rate);
            }
            s.high[i] = AudioMetrics.siSdr(highBand(est, rate), refHigh[i]);
        }
        s.seg[i] = AudioMetrics.segmentalSnr(est, ref);
    }

    /** A Hush model on a mixture at the bench rate, through hush audio's path for a file of that rate. */
    private float[] hush(AudioDenoiser d, float[] noisy) throws HushException {
        return d.denoise(new float[][] {noisy}, rate, new RunContext())[0];
    }

    /** {@code x} with everything below {@link #HIGH_BAND_HZ} removed (FFT of the whole signal, bins zeroed). */
    static float[] highBand(float[] x, int rate) {
        int n = Integer.highestOneBit(Math.max(1, x.length - 1)) * 2;
        double[] a = new double[n];
        for (int i = 0; i < x.length; i++) {
            a[i] = x[i];
        }
        DoubleFFT_1D fft = new DoubleFFT_1D(n);
        fft.realForward(a);
        int cut = (int) Math.ceil(HIGH_BAND_HZ * n / rate);
        a[0] = 0;
        for (int k = 1; k < Math.min(cut, n / 2); k++) {
            a[2 * k] = 0;
            a[2 * k + 1] = 0;
        }
        fft.realInverse(a, true);
        float[] y = new float[x.length];
        for (int i = 0; i < y.length; i++) {
            y[i] = (float) a[i];
        }
        return y;
    }

    /** Sum of squares. */
    static double energy(float[] x) {
        double e = 0;
        for (float v : x) {
            e += (double) v * v;
        }
        return e;
    }

    /** A tool's output shifted by its delay behind the input (found by cross-correlation), as long as the input. */
    private static float[] aligned(float[] output, float[] input, Scores s) {
        int d = lag(output, input, MAX_LAG);
        s.lags.add(d);
        return shift(output, d, input.length);
    }

    /**
     * The delay d (|d| ≤ maxLag) at which {@code output[i + d]} best matches {@code reference[i]}: the peak of
     * their cross-correlation, computed with one FFT of each.
     */
    static int lag(float[] output, float[] reference, int maxLag) {
        int n = Integer.highestOneBit(Math.max(output.length, reference.length) + maxLag) * 2;
        double[] a = new double[2 * n];
        double[] b = new double[2 * n];
        for (int i = 0; i < output.length; i++) {
            a[2 * i] = output[i];
        }
        for (int i = 0; i < reference.length; i++) {
            b[2 * i] = reference[i];
        }
        DoubleFFT_1D fft = new DoubleFFT_1D(n);
        fft.complexForward(a);
        fft.complexForward(b);
        for (int k = 0; k < n; k++) {
            double re = a[2 * k] * b[2 * k] + a[2 * k + 1] * b[2 * k + 1];
            double im = a[2 * k + 1] * b[2 * k] - a[2 * k] * b[2 * k + 1];
            a[2 * k] = re;
            a[2 * k + 1] = im;
        }
        fft.complexInverse(a, false);
        int best = 0;
        double bestValue = Double.NEGATIVE_INFINITY;
        for (int d = -maxLag; d <= maxLag; d++) {
            double v = a[2 * Math.floorMod(d, n)];
            if (v > bestValue) {
                bestValue = v;
                best = d;
            }
        }
        return best;
    }

    /** {@code length} samples: {@code x[i + d]}, zeros outside x. */
    static float[] shift(float[] x, int d, int length) {
        float[] y = new float[length];
        for (int i = 0; i < length; i++) {
            int j = i + d;
            y[i] = j >= 0 && j < x.length ? x[j] : 0f;
        }
        return y;
    }

    /** The first line a tool prints about its version, or null when it cannot be run. */
    static String version(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return null;
            }
            String line = text.strip().lines().findFirst().orElse(command[0]);
            return line.replaceFirst("^sox:\\s*", "").replaceFirst("\\s+Copyright.*$", "").trim();
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** The npm package version scripts/rnnoise pins. */
    static final String RNNOISE_VERSION = "2025.1.5";
    private static final int RNNOISE_RATE = 48000;

    /**
     * scripts/rnnoise/rnnoise-pcm.mjs when Node.js runs and the package is installed beside it; else null (the row
     * is left out with a note).
     */
    static Path rnnoiseScript() {
        Path dir;
        try {
            dir = BenchSets.defaultFolder("scripts/rnnoise");
        } catch (HushException e) {
            return null;
        }
        Path script = dir.resolve("rnnoise-pcm.mjs");
        if (!Files.isRegularFile(script) || !Files.isDirectory(dir.resolve("node_modules/@shiguredo/rnnoise-wasm"))
                || version("node", "--version") == null) {
            return null;
        }
        return script;
    }

    private static void writeF32(Path file, float[] x) throws IOException {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4 * x.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(x);
        Files.write(file, b.array());
    }

    private static float[] readF32(Path file) throws IOException {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(Files.readAllBytes(file)).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        float[] x = new float[b.remaining() / 4];
        b.asFloatBuffer().get(x);
        return x;
    }

    /** Runs a tool and returns its wall time in seconds. */
    /** One run of an external denoiser on mixture i, from {@code in} to {@code out}; returns the seconds it took. */
    private interface External {
        double run(int i, Path in, Path out) throws IOException, InterruptedException, HushException;
    }

    /** An external denoiser at one setting over every mixture: its outputs aligned and scored, its time summed. */
    private Scores external(String method, String setting, List<Mix> mixes, Path tmp, int figureIndex, Runnable step,
                            External tool) throws IOException, InterruptedException, HushException {
        Scores s = new Scores(method, setting, mixes.size(), highBandScored());
        s.seconds = 0;
        Path o = tmp.resolve("out.wav");
        for (int i = 0; i < mixes.size(); i++) {
            s.seconds += tool.run(i, tmp.resolve("noisy-" + i + ".wav"), o);
            float[] y = aligned(readWav(o), mixes.get(i).noisy(), s);
            score(s, i, y, mixes.get(i));
            if (i == figureIndex) {
                s.figure = y;
            }
            step.run();
        }
        return s;
    }

    private static double run(List<String> command) throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(command.get(0) + " took more than 300 s: " + String.join(" ", command));
        }
        double t = (System.nanoTime() - t0) / 1e9;
        if (p.exitValue() != 0) {
            throw new IOException(command.get(0) + " failed (exit " + p.exitValue() + "): " + String.join(" ", command)
                    + ": " + said.strip());
        }
        return t;
    }

    /** Mono 32-bit float WAV. */
    static void writeWav(Path file, float[] x, int rate) throws HushException {
        dev.hush.audio.AudioFiles.writeMonoWav(file, x, rate, true);
    }

    static float[] readWav(Path file) throws HushException {
        return dev.hush.audio.AudioFiles.readMono(file);
    }

    private String espeakNote(int perSnr, int n) {
        return String.format(Locale.ROOT, "Mean over %d mixtures per SNR (%d in all) of %.1f s of held-out espeak-ng"
                        + " speech (voices %s, never used in training; bench seed %d) at %d Hz, mixed with generated noise"
                        + " (%s, cycled so that each SNR has each kind when the mixtures per SNR are a multiple of 6) at"
                        + " the given SNR over the speech, peak %.0f dBFS. ", perSnr, n, seconds,
                String.join("/", SpeechCorpus.HELD_OUT_VARIANTS), SEED, rate, String.join(", ", NoiseSignals.GENERATED),
                PEAK_DBFS);
    }

    private String realNote(Path dir, List<Clip> speech, List<Clip> noise, int perSnr, int n) {
        List<String> speakers = speech.stream().map(Clip::source).distinct().toList();
        return String.format(Locale.ROOT, "Mean over %d mixtures per SNR (%d in all) of %.1f s of real speech (%d clips"
                        + " of %d speakers: %s) in real noise (%d recordings: %s), from %s; packages never used in training"
                        + " (sources and licences in its SOURCES.md). Each mixture: one speaker's clips in a row over one"
                        + " noise recording (cycled over the recordings), at the given SNR over the speech, peak %.0f dBFS,"
                        + " %d Hz; bench seed %d. ", perSnr, n, seconds, speech.size(), speakers.size(),
                String.join(", ", speakers), noise.size(), String.join(", ", noise.stream().map(c -> c.name()
                        .replaceFirst("^.*?__", "")).toList()), dir, PEAK_DBFS, rate, SEED);
    }

    private String note(Scores sox, Scores ff, Scores rn, String soxVersion, String ffmpegVersion,
                        List<String> missing) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "Each mixture starts with %.1f s of the noise"
                        + " alone; SoX takes its noise profile from it (`sox noisy.wav -n trim 0 %.1f noiseprof`), and"
                        + " the metrics leave it out. SI-SDR and segmental SNR in dB (in brackets: SI-SDR improvement"
                        + " over the noisy input), STOI 0–1.", LEAD_SECONDS, LEAD_SECONDS));
        if (sox != null) {
            sb.append(String.format(Locale.ROOT, " SoX `noisered` amount: the best of %s by mean SI-SDR over these"
                    + " mixtures (tuned on the test set, which favours it).", Arrays.toString(SOX_AMOUNTS)));
        }
        if (ff != null) {
            sb.append(" FFmpeg `afftdn` setting: the best of ").append(String.join("; ", AFFTDN.stream().map(a -> a[0])
                    .toList())).append(" chosen the"
                    + " same way; its output shifted back by its delay, found by cross-correlation with the input within"
                    + " ±").append(MAX_LAG).append(" samples (found: ").append(lagsText(ff)).append(").");
        }
        if (sox != null) {
            sb.append(" SoX's output is aligned the same way (delay found: ").append(lagsText(sox)).append(").");
        }
        if (rn != null) {
            sb.append(" RNNoise: xiph's RNNoise with its default model, built to WebAssembly (npm @shiguredo/rnnoise-wasm ")
                    .append(RNNOISE_VERSION).append(", run by Node.js from scripts/rnnoise), on each mixture").append(rate == RNNOISE_RATE ? ""
                    : " resampled to 48 kHz and back").append("; aligned the same way (delay found: ").append(lagsText(rn)).append("); its time is the"
                    + " node process's, start-up included.");
        }
        sb.append(String.format(Locale.ROOT, " RTF: processing time / audio time on this machine (%d cores); SoX and"
                + " FFmpeg: wall time of their processes, start-up included (SoX: noiseprof and noisered); Hush: the"
                + " denoise call, 1 ONNX Runtime thread, after one untimed warm-up.",
                Runtime.getRuntime().availableProcessors()));
        if (soxVersion != null || ffmpegVersion != null) {
            sb.append(" Tools: ");
            List<String> v = new ArrayList<>();
            if (soxVersion != null) {
                v.add(soxVersion);
            }
            if (ffmpegVersion != null) {
                v.add(ffmpegVersion);
            }
            sb.append(String.join("; ", v)).append('.');
        }
        sb.append("\n\n");
        for (String m : missing) {
            sb.append("- ").append(m).append(".\n");
        }
        if (!missing.isEmpty()) {
            sb.append('\n');
        }
        return sb.toString();
    }

    private static String lagsText(Scores s) {
        return s.lags.size() == 1 ? s.lags.first() + " samples"
                : s.lags.first() + " to " + s.lags.last() + " samples";
    }

    private static String table(List<Scores> rows, List<Mix> mixes, double audioSeconds) {
        StringBuilder sb = new StringBuilder("| method | setting |");
        StringBuilder rule = new StringBuilder("|---|---|");
        for (int snr : SNRS) {
            sb.append(String.format(Locale.ROOT, " SI-SDR %d dB | STOI %d dB | segSNR %d dB |", snr, snr, snr));
            rule.append("---:|---:|---:|");
            if (rows.get(0).high != null) {
                sb.append(String.format(Locale.ROOT, " SI-SDR >%.0fk %d dB |", HIGH_BAND_HZ / 1000, snr));
                rule.append("---:|");
            }
        }
        sb.append(" RTF |\n").append(rule).append("---:|\n");
        Scores noisy = rows.get(0);
        for (Scores s : rows) {
            sb.append("| ").append(s.label).append(" | ").append(s.setting).append(" |");
            for (int snr : SNRS) {
                double si = mean(s.siSdr, mixes, snr);
                double delta = si - mean(noisy.siSdr, mixes, snr);
                sb.append(s == noisy ? String.format(Locale.ROOT, " %.2f |", si)
                        : String.format(Locale.ROOT, " %.2f (%+.2f) |", si, delta));
                sb.append(String.format(Locale.ROOT, " %.3f | %.2f |", mean(s.stoi, mixes, snr), mean(s.seg, mixes, snr)));
                if (s.high != null) {
                    sb.append(String.format(Locale.ROOT, " %.2f |", mean(s.high, mixes, snr)));
                }
            }
            sb.append(Double.isNaN(s.seconds) ? " — |" : String.format(Locale.ROOT, " %.4f |", s.seconds / audioSeconds));
            sb.append('\n');
        }
        return sb.toString();
    }

    private static double mean(double[] v, List<Mix> mixes, int snr) {
        double sum = 0;
        int n = 0;
        for (int i = 0; i < mixes.size(); i++) {
            if (mixes.get(i).snr() == snr) {
                sum += v[i];
                n++;
            }
        }
        return sum / Math.max(1, n);
    }

    /** The spectrograms of the signals one above the other, drawn as {@code hush audio --spectrogram} draws them. */
    private void figure(Path file, List<float[]> signals, List<String> labels) throws IOException {
        List<SpectrogramImage> panels = new ArrayList<>();
        for (float[] x : signals) {
            SpectrogramImage p = new SpectrogramImage();
            p.add(x, 0, x.length);
            panels.add(p);
        }
        SpectrogramImage.write(file, panels, labels, rate);
    }
}
