package dev.hush.cli;

import dev.hush.runtime.DenoiserModel;
import dev.hush.runtime.Domain;
import dev.hush.imagej.ImageFiles;
import dev.hush.runtime.HushException;
import dev.hush.runtime.ModelContract;
import dev.hush.runtime.ProgressListener;
import dev.hush.runtime.ShippedModels;
import dev.hush.runtime.audio.AudioAnomaly;
import dev.hush.audio.AudioFiles;
import dev.hush.audio.AudioInput;
import dev.hush.runtime.SessionConfig;
import dev.hush.runtime.image.AnomalyMap;
import dev.hush.runtime.image.FloatImage;
import dev.hush.runtime.io.AtomicFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "anomaly", mixinStandardHelpOptions = true,
        description = {"Anomaly maps from an autoencoder trained on normal samples only",
                "(hush train image --mode anomaly --data normal/). Images: per image, NAME.anomaly.tif in the output",
                "folder (32-bit float; 1.0 = the 99th percentile of normal pixels when the model is calibrated) and a",
                "score (the map's maximum). Recordings (WAV and other audio files, with a model trained on sounds,",
                "--data machines or sounds:DIR): per recording, NAME.anomaly.csv (time, score per frame; 1.0 = the 99th",
                "percentile of normal frames) and NAME.anomaly.png (the score over time), and a score (the highest",
                "frame). All scores also in anomaly-scores.csv. Bad files are reported at the end (exit 1) and do not",
                "stop the others."})
final class AnomalyCommand implements Callable<Integer> {
    /** Recordings longer than this are refused (their spectrogram is held in memory): split them first. */
    static final double MAX_SECONDS = 3600;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "PNG or TIFF images (the first plane of a stack),"
            + " or audio recordings (WAV, AIFF, …; channels are mixed to mono); one kind per run.")
    List<Path> inputs;

    @Option(names = {"-m", "--model"}, description = "An anomaly model (.onnx file or name; default: the shipped"
            + " demonstration model for the inputs' kind, trained on generated data only: train your own on your normal"
            + " samples).")
    String model;

    @Option(names = {"-o", "--out"}, required = true, description = "Output folder.")
    Path out;

    @Option(names = "--threads", defaultValue = "0", description = "ONNX Runtime threads (default 0: all cores).")
    int threads;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        ModelOptions.checkThreads(threads, spec);
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new HushException("--out " + out + " is a file; give a folder for the maps");
        }
        long recordings = inputs.stream().filter(AudioFiles::isAudioName).count();
        if (recordings > 0 && recordings < inputs.size()) {
            throw new HushException(HushException.Code.INVALID_INPUT, "the inputs mix " + recordings + " recording(s)"
                    + " and " + (inputs.size() - recordings) + " image(s); an anomaly model scores one kind, so give"
                    + " them in separate runs");
        }
        boolean sounds = recordings > 0;
        String outputs = sounds ? ".anomaly.csv and .anomaly.png" : ".anomaly.tif";
        Map<String, Path> names = new LinkedHashMap<>();
        for (Path in : inputs) {
            String base = in.getFileName().toString().replaceFirst("\\.[^.]*$", "");
            Path prev = names.putIfAbsent(base, in);
            if (prev != null) {
                throw new HushException(prev + " and " + in + " would both write " + base + outputs + "; rename one");
            }
        }
        if (model == null) {
            model = defaultModel(sounds);
        }
        List<String> failures = new ArrayList<>();
        StringBuilder csv = new StringBuilder("file,score,calibrated\n");
        try (DenoiserModel m = DenoiserModel.openNamed(model, SessionConfig.defaults().withThreads(threads))) {
            m.contract().requireDomain(Domain.IMAGE);
            boolean forSound = AudioAnomaly.isForSound(m.contract());
            if (forSound != sounds) {
                throw new HushException(HushException.Code.INVALID_INPUT, "the model '" + m.contract().name()
                        + "' scores " + (forSound ? "sounds (spectrograms)" : "images") + ", but the inputs are "
                        + (sounds ? "recordings" : "images") + "; give a model trained on "
                        + (sounds ? "sounds (--data machines or sounds:DIR)" : "images"));
            }
            AnomalyMap am = sounds ? null : new AnomalyMap(m);
            AudioAnomaly aa = sounds ? new AudioAnomaly(m) : null;
            if (!(sounds ? aa.calibrated() : am.calibrated())) {
                System.err.println("hush: the model has no " + ModelContract.ANOMALY_SCALE + (sounds ? " and "
                        + ModelContract.ANOMALY_FRAME_SCALE : "") + " calibration (it was not trained with --mode"
                        + " anomaly): the scores are raw reconstruction errors, not multiples of the normal 99th"
                        + " percentile");
            }
            Files.createDirectories(out);
            ProgressBar bar = new ProgressBar(System.err, "anomaly", sounds ? "recordings" : "images");
            int done = 0;
            for (Map.Entry<String, Path> e : names.entrySet()) {
                Path in = e.getValue();
                try {
                    double score;
                    boolean calibrated;
                    if (sounds) {
                        Mixed rec = readMixed(in);
                        AudioAnomaly.Result r = aa.compute(rec.samples(), rec.rate(), ProgressListener.NONE);
                        Path table = out.resolve(e.getKey() + ".anomaly.csv");
                        Path plot = out.resolve(e.getKey() + ".anomaly.png");
                        AtomicFile.refuseInput(in, table, ".anomaly");
                        AtomicFile.refuseInput(in, plot, ".anomaly");
                        StringBuilder t = new StringBuilder("time_s,score\n");
                        for (int i = 0; i < r.frameScores().length; i++) {
                            t.append(String.format(Locale.ROOT, "%.4f,%.5f%n", r.time(i), r.frameScores()[i]));
                        }
                        AtomicFile.write(table, t.toString().getBytes(StandardCharsets.UTF_8));
                        AtomicFile.write(plot, ScorePlot.png(r.frameScores(), r.frameSeconds(), "anomaly score: "
                                + in.getFileName() + " (model " + m.contract().name() + ")"));
                        score = r.score();
                        calibrated = r.calibrated();
                    } else {
                        ImageFiles.Loaded img = ImageFiles.read(in);
                        FloatImage plane = img.planes().get(0);
                        AnomalyMap.Result r = am.compute(plane, ProgressListener.NONE);
                        Path target = out.resolve(e.getKey() + ".anomaly.tif");
                        AtomicFile.refuseInput(in, target, ".anomaly");
                        ImageFiles.write(target, List.of(r.map()), 32, img.source());
                        score = r.score();
                        calibrated = r.calibrated();
                    }
                    System.out.printf(Locale.ROOT, "%s\t%.3f%n", in, score);
                    csv.append('"').append(in.toString().replace("\"", "\"\"")).append('"')
                            .append(String.format(Locale.ROOT, ",%.6f,%b%n", score, calibrated));
                } catch (HushException ex) {
                    failures.add(in + ": " + ex.getMessage());
                }
                bar.update(++done, names.size());
            }
            AtomicFile.write(out.resolve("anomaly-scores.csv"), csv.toString().getBytes(StandardCharsets.UTF_8));
        }
        System.err.println("wrote " + (names.size() - failures.size()) + " " + (sounds ? "score table(s) and plot(s)"
                : "map(s)") + " and anomaly-scores.csv to " + out);
        return Hush.reportFailures(failures);
    }

    /** The first shipped anomaly model for sounds or for images. */
    static String defaultModel(boolean sounds) throws HushException {
        for (String n : ShippedModels.anomalyModels()) {
            if (AudioAnomaly.isForSound(ModelContract.read(ShippedModels.bytes(n), n)) == sounds) {
                return n;
            }
        }
        throw new HushException(HushException.Code.MODEL_NOT_FOUND, "no anomaly model for " + (sounds ? "sounds"
                : "images") + " is shipped in this build; train one (hush train image --mode anomaly --data "
                + (sounds ? "sounds:normal-recordings/" : "normal/") + ") and give it with -m");
    }

    /** A recording's samples, its channels averaged, and its sample rate. */
    record Mixed(float[] samples, int rate) {
    }

    /** The whole recording, its channels averaged; refused above {@link #MAX_SECONDS} before reading. */
    static Mixed readMixed(Path in) throws HushException {
        try (AudioInput a = AudioFiles.open(in)) {
            long declared = a.declaredFrames();
            if (declared > MAX_SECONDS * a.sampleRate()) {
                throw new HushException(HushException.Code.INVALID_INPUT, String.format(Locale.ROOT, "%s lasts %.0f s;"
                        + " anomaly scoring holds a recording's spectrogram in memory and takes at most %.0f s: split it"
                        + " first (e.g. ffmpeg -i IN -f segment -segment_time 600 part%%03d.wav)", in,
                        declared / (double) a.sampleRate(), MAX_SECONDS));
            }
            int ch = a.channels();
            float[][] block = new float[ch][8192];
            float[] mono = new float[8192];
            int n = 0;
            int got;
            long limit = (long) (MAX_SECONDS * a.sampleRate());
            while ((got = a.read(block, 8192)) > 0) {
                if (n + (long) got > limit) {
                    throw new HushException(HushException.Code.INVALID_INPUT, in + " holds more than " + MAX_SECONDS
                            + " s of audio; split it first");
                }
                if (n + got > mono.length) {
                    mono = java.util.Arrays.copyOf(mono, Math.max(2 * mono.length, n + got));
                }
                for (int i = 0; i < got; i++) {
                    float sum = 0;
                    for (int c = 0; c < ch; c++) {
                        sum += block[c][i];
                    }
                    mono[n + i] = sum / ch;
                }
                n += got;
            }
            return new Mixed(java.util.Arrays.copyOf(mono, n), a.sampleRate());
        }
    }
}
