package dev.hush.cli;

import dev.hush.runtime.DenoiserModel;
import dev.hush.runtime.Domain;
import dev.hush.runtime.HushException;
import dev.hush.runtime.SessionConfig;
import dev.hush.runtime.ShippedModels;
import dev.hush.runtime.io.AtomicFile;
import dev.hush.trainer.image.ImageEvaluation;
import dev.hush.trainer.image.ImageEvaluation.Condition;
import dev.hush.trainer.image.ImageEvaluation.Method;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import javax.imageio.ImageIO;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "image", mixinStandardHelpOptions = true,
        description = {"PSNR/SSIM and speed of the shipped image models beside ImageJ filters and OpenCV NLM.",
                "In one run:",
                "noisy input, ImageJ median and Gaussian (best radius), OpenCV non-local means (h tuned per noise level),",
                "on a regenerable validation set never used in training (Gaussian sigma 15/25/50 and Poisson noise).",
                "Writes a markdown table and a PNG figure to the output folder."})
final class BenchImageCommand implements Callable<Integer> {
    @Option(names = "--images", defaultValue = "4", description = "Validation images (default ${DEFAULT-VALUE}).")
    int images;

    @Option(names = "--size", defaultValue = "256", description = "Validation image size (default ${DEFAULT-VALUE}).")
    int size;

    @Option(names = {"-m", "--model"}, split = ",", description = "Models to test (default: every shipped image model).")
    List<String> models;

    @Option(names = "--no-nlm", description = "Leave out OpenCV NLM (e.g. where its natives do not load).")
    boolean noNlm;

    @Option(names = {"-o", "--out"}, defaultValue = "bench-out", description = "Output folder (default ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--threads", defaultValue = "0", description = "ONNX Runtime threads (default 0: all cores).")
    int threads;

    @Override
    public Integer call() throws Exception {
        List<Condition> conditions = List.of(Condition.gaussian(15), Condition.gaussian(25), Condition.gaussian(50),
                Condition.poisson(30));
        List<String> names = new ArrayList<>();
        if (models != null) {
            names.addAll(models);
        } else {
            for (String n : ShippedModels.names()) {
                if (n.startsWith(Domain.IMAGE.key() + "-")) {
                    names.add(n);
                }
            }
        }
        List<DenoiserModel> opened = new ArrayList<>();
        try {
            List<Method> methods = new ArrayList<>(List.of(ImageEvaluation.noisyInput(), ImageEvaluation.imageJMedian(),
                    ImageEvaluation.imageJGaussian()));
            if (!noNlm) {
                methods.add(nlm());
            }
            for (String n : names) {
                DenoiserModel m = DenoiserModel.openNamed(n, SessionConfig.defaults().withThreads(threads));
                opened.add(m);
                m.contract().requireDomain(Domain.IMAGE);
                methods.add(ImageEvaluation.model("**" + m.contract().name() + "** (Hush)", m));
            }
            ProgressBar bar = new ProgressBar(System.err, "bench", "runs");
            List<ImageEvaluation.Row> rows = ImageEvaluation.run(methods, conditions, images, size, bar::update);
            String table = ImageEvaluation.markdown(rows, conditions);
            String header = String.format(Locale.ROOT, "Mean over %d dead-leaves images of %d×%d px (seed %d, never used in"
                    + " training), noisy input rounded and clipped to 8 bit; PSNR in dB and SSIM with peak 255; the"
                    + " filters' and NLM's parameter is the best of a grid on these images. MPix/s on this machine (%d"
                    + " cores), single image at a time.%n%n", images, size, size, ImageEvaluation.SEED,
                    Runtime.getRuntime().availableProcessors());
            System.out.print(header + table);
            AtomicFile.write(out.resolve("bench-image.md"), ("# hush bench image\n\n" + header + table)
                    .getBytes(StandardCharsets.UTF_8));
            if (!opened.isEmpty()) {
                figure(out.resolve("bench-image.png"), methods.get(methods.size() - 1), noNlm ? null : methods.get(3), rows);
            }
            System.err.println("wrote " + out.resolve("bench-image.md") + (opened.isEmpty() ? "" : " and bench-image.png"));
        } finally {
            for (DenoiserModel m : opened) {
                m.close();
            }
        }
        return 0;
    }

    private static Method nlm() {
        return new Method() {
            public String name() {
                return "OpenCV NLM";
            }

            public double[] parameters(Condition c) {
                double s = c.equivalentSigma();
                return new double[] {0.6 * s, 0.8 * s, 1.0 * s, 1.2 * s, 1.4 * s};
            }

            public String parameterLabel() {
                return "h=";
            }

            public float[] denoise(float[] noisy, int w, int h, double p) throws HushException {
                return OpenCvNlm.denoise(noisy, w, h, p);
            }
        };
    }

    /** A crop at sigma 25: noisy | NLM | Hush | clean. */
    private void figure(Path file, Method ours, Method nlmMethod, List<ImageEvaluation.Row> rows)
            throws HushException, IOException {
        int s = Math.min(size, 192);
        float[] clean = ImageEvaluation.images(1, size).get(0);
        Condition c = Condition.gaussian(25);
        float[] noisy = c.corrupt(clean, new SplittableRandom(5));
        List<float[]> panels = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        panels.add(noisy);
        labels.add("noisy σ=25");
        if (nlmMethod != null) {
            String h = rows.get(3).setting().get(c.label());
            panels.add(nlmMethod.denoise(noisy, size, size, Double.parseDouble(h.substring(2))));
            labels.add("OpenCV NLM");
        }
        panels.add(ours.denoise(noisy, size, size, Double.NaN));
        labels.add("Hush");
        panels.add(clean);
        labels.add("clean");
        int gap = 6;
        int label = 24;
        BufferedImage img = new BufferedImage(panels.size() * (s + gap) - gap, s + label, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        for (int p = 0; p < panels.size(); p++) {
            float[] d = panels.get(p);
            for (int y = 0; y < s; y++) {
                for (int x = 0; x < s; x++) {
                    img.getRaster().setSample(p * (s + gap) + x, label + y, 0, Math.max(0, Math.min(255,
                            Math.round(d[y * size + x]))));
                }
            }
            g.setColor(Color.BLACK);
            g.drawString(labels.get(p), p * (s + gap) + 4, 17);
        }
        g.dispose();
        AtomicFile.write(file, tmp -> {
            if (!ImageIO.write(img, "png", tmp.toFile())) {
                throw new IOException("no PNG writer");
            }
        });
    }
}
