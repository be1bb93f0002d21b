package dev.hush.cli;

import dev.hush.runtime.DenoiserModel;
import dev.hush.runtime.Domain;
import dev.hush.imagej.ImageFiles;
import dev.hush.runtime.HushException;
import dev.hush.runtime.ModelContract;
import dev.hush.runtime.ProgressListener;
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
        description = {"Anomaly maps from an autoencoder trained on normal images only",
                "(hush train image --mode anomaly --data normal/): per image, NAME.anomaly.tif in the output folder",
                "(32-bit float; 1.0 = the 99th percentile of normal pixels when the model is calibrated) and a score",
                "(the map's maximum), all scores also in anomaly-scores.csv. Bad files are reported at the end",
                "(exit 1) and do not stop the others."})
final class AnomalyCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "IMAGE", description = "PNG or TIFF images (the first plane of a stack).")
    List<Path> inputs;

    @Option(names = {"-m", "--model"}, description = "An anomaly model (.onnx file or name; default: the shipped"
            + " demonstration model, trained on synthetic textures only: train your own on your normal images).")
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
        Map<String, Path> names = new LinkedHashMap<>();
        for (Path in : inputs) {
            String base = in.getFileName().toString().replaceFirst("\\.[^.]*$", "");
            Path prev = names.putIfAbsent(base, in);
            if (prev != null) {
                throw new HushException(prev + " and " + in + " would both write " + base + ".anomaly.tif; rename one");
            }
        }
        List<String> failures = new ArrayList<>();
        StringBuilder csv = new StringBuilder("file,score,calibrated\n");
        if (model == null) {
            List<String> shipped = dev.hush.runtime.ShippedModels.anomalyModels();
            if (shipped.isEmpty()) {
                throw new HushException(HushException.Code.MODEL_NOT_FOUND, "no anomaly model is shipped in this build;"
                        + " train one (hush train image --mode anomaly --data normal/) and give it with -m");
            }
            model = shipped.get(0);
        }
        try (DenoiserModel m = DenoiserModel.openNamed(model, SessionConfig.defaults().withThreads(threads))) {
            m.contract().requireDomain(Domain.IMAGE);
            AnomalyMap am = new AnomalyMap(m);
            if (!am.calibrated()) {
                System.err.println("hush: the model has no " + ModelContract.ANOMALY_SCALE + " (it was not trained with"
                        + " --mode anomaly): the maps are raw reconstruction errors, not calibrated scores");
            }
            Files.createDirectories(out);
            ProgressBar bar = new ProgressBar(System.err, "anomaly", "images");
            int done = 0;
            for (Map.Entry<String, Path> e : names.entrySet()) {
                Path in = e.getValue();
                try {
                    ImageFiles.Loaded img = ImageFiles.read(in);
                    FloatImage plane = img.planes().get(0);
                    AnomalyMap.Result r = am.compute(plane, ProgressListener.NONE);
                    Path target = out.resolve(e.getKey() + ".anomaly.tif");
                    AtomicFile.refuseInput(in, target, ".anomaly");
                    ImageFiles.write(target, List.of(r.map()), 32, img.source());
                    System.out.printf(Locale.ROOT, "%s\t%.3f%n", in, r.score());
                    csv.append('"').append(in.toString().replace("\"", "\"\"")).append('"')
                            .append(String.format(Locale.ROOT, ",%.6f,%b%n", r.score(), r.calibrated()));
                } catch (HushException ex) {
                    failures.add(in + ": " + ex.getMessage());
                }
                bar.update(++done, names.size());
            }
            AtomicFile.write(out.resolve("anomaly-scores.csv"), csv.toString().getBytes(StandardCharsets.UTF_8));
        }
        System.err.println("wrote " + (names.size() - failures.size()) + " map(s) and anomaly-scores.csv to " + out);
        return Hush.reportFailures(failures);
    }
}
