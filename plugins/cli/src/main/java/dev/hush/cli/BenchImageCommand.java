package dev.hush.cli;

import dev.hush.runtime.DenoiserModel;
import dev.hush.runtime.Domain;
import dev.hush.runtime.HushException;
import dev.hush.runtime.ProgressListener;
import dev.hush.runtime.SessionConfig;
import dev.hush.runtime.ShippedModels;
import dev.hush.runtime.image.FloatImage;
import dev.hush.runtime.image.ImageDenoiser;
import dev.hush.runtime.io.AtomicFile;
import dev.hush.trainer.image.ImageEvaluation;
import dev.hush.trainer.image.ImageEvaluation.BenchImage;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import javax.imageio.ImageIO;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "image", mixinStandardHelpOptions = true,
        description = {"PSNR/SSIM and speed of image models beside ImageJ filters and OpenCV non-local means, in one run.",
                "By default on real images: the grey and colour crops in models/bench/images (photographs, microscopy,",
                "other science; from packages never used in training), then the synthetic dead-leaves set.",
                "Gaussian sigma 15/25/50 and Poisson noise, rounded and clipped to 8 bit; each baseline gets its best",
                "parameter per noise level. Writes bench-image.md and a PNG figure to the output folder."})
final class BenchImageCommand implements Callable<Integer> {
    @Option(names = "--set", split = ",", defaultValue = "grey,rgb,deadleaves",
            description = "Sets to run, any of grey, rgb (the real crops) and deadleaves (default ${DEFAULT-VALUE}).")
    List<String> sets;

    @Option(names = "--bench-dir", paramLabel = "DIR",
            description = "Folder with grey/ and rgb/ PNG crops (default: models/bench/images of this repository).")
    Path benchDir;

    @Option(names = "--images", defaultValue = "4", description = "Dead-leaves images (default ${DEFAULT-VALUE}).")
    int images;

    @Option(names = "--size", defaultValue = "256", description = "Dead-leaves image size (default ${DEFAULT-VALUE}).")
    int size;

    @Option(names = {"-m", "--model"}, split = ",", description = "Models to test: names or .onnx files (default: every"
            + " shipped image model).")
    List<String> models;

    @Option(names = "--no-nlm", description = "Leave out OpenCV NLM (e.g. where its natives do not load).")
    boolean noNlm;

    @Option(names = "--ensemble", paramLabel = "N", defaultValue = "1", description = "Also run each Hush model as a"
            + " self-ensemble of N flipped and turned copies (2, 4 or 8; default 1: no extra rows).")
    int ensemble;

    @Option(names = "--given-sigma", description = "Also run each noise-level model told the true noise level"
            + " (an ablation: what estimating it costs).")
    boolean givenSigma;

    @Option(names = "--speed-size", defaultValue = "2048", description = "Also time each model on one image of this"
            + " size² (0: skip; default ${DEFAULT-VALUE}).")
    int speedSize;

    @Option(names = {"-o", "--out"}, defaultValue = "bench-out", description = "Output folder (default ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--threads", defaultValue = "0", description = "ONNX Runtime threads (default 0: all cores).")
    int threads;

    @Override
    public Integer call() throws Exception {
        for (String s : sets) {
            if (!List.of("grey", "rgb", "deadleaves").contains(s)) {
                throw new HushException("unknown --set '" + s + "': use grey, rgb or deadleaves (comma-separated)");
            }
        }
        List<String> names = new ArrayList<>();
        if (models != null) {
            names.addAll(models);
        } else {
            names.addAll(ShippedModels.denoisers(Domain.IMAGE));
        }
        Path folder = sets.contains("grey") || sets.contains("rgb") ? (benchDir != null ? benchDir
                : BenchSets.defaultFolder()) : null;
        List<DenoiserModel> opened = new ArrayList<>();
        try {
            for (String n : names) {
                DenoiserModel m = DenoiserModel.openNamed(n, SessionConfig.defaults().withThreads(threads));
                opened.add(m);
                m.contract().requireDomain(Domain.IMAGE);
                if (m.contract().volumetric()) {
                    // A 3-D model denoises stacks; the crops here are single planes (hush bench volume is its bench).
                    opened.remove(m);
                    m.close();
                    if (models != null) {
                        throw new HushException("'" + n + "' is a 3-D model, which denoises z-stacks as volumes; the"
                                + " crops here are single images: measure it with hush bench volume");
                    }
                }
            }
            String md = "# hush bench image\n\n" + tables(opened, sets, folder, images, size, !noNlm, givenSigma, ensemble, out,
                    System.out);
            if (speedSize > 0 && !opened.isEmpty()) {
                String speed = speed(opened);
                md += speed;
                System.out.print(speed);
            }
            AtomicFile.write(out.resolve("bench-image.md"), md.getBytes(StandardCharsets.UTF_8));
            System.err.println("wrote " + out.resolve("bench-image.md"));
        } finally {
            for (DenoiserModel m : opened) {
                m.close();
            }
        }
        return 0;
    }

    /**
     * Runs the given sets (grey, rgb: the real crops in {@code folder}; deadleaves: {@code dlImages} synthetic
     * images of {@code dlSize}²) with the baselines and every model whose channels fit (a one-channel model
     * also runs per channel on colour), printing each section to {@code echo} as it is done; writes a figure
     * per real set to {@code figures} (null: none). Returns the markdown.
     */
    static String tables(List<DenoiserModel> opened, List<String> sets, Path folder, int dlImages, int dlSize,
                         boolean withNlm, boolean givenSigma, int ensemble, Path figures, java.io.PrintStream echo)
            throws HushException, IOException {
        List<Condition> conditions = List.of(Condition.gaussian(15), Condition.gaussian(25), Condition.gaussian(50),
                Condition.poisson(30));
        List<Condition> colourConditions = List.of(Condition.gaussian(15), Condition.gaussian(25), Condition.gaussian(50));
        StringBuilder md = new StringBuilder();
        String note = String.format(Locale.ROOT, "Noisy inputs are rounded and clipped to 8 bit (seed %d); PSNR in dB"
                + " and SSIM with peak 255, means over the images; the filters' and NLM's parameter is the best of a"
                + " grid on these very images at each noise level (which favours them); Hush models estimate the noise"
                + " level themselves. MPix/s on this machine (%d cores), one image at a time.%n%n", ImageEvaluation.SEED,
                Runtime.getRuntime().availableProcessors());
        md.append(note);
        echo.print(note);
        for (String set : sets) {
            int channels = set.equals("rgb") ? 3 : 1;
            List<BenchImage> images = set.equals("deadleaves") ? ImageEvaluation.deadLeaves(dlImages, dlSize)
                    : BenchSets.load(folder, set, channels);
            List<Condition> conds = channels == 3 ? colourConditions : conditions;
            List<Method> methods = new ArrayList<>(List.of(ImageEvaluation.noisyInput()));
            if (channels == 1) {
                methods.add(ImageEvaluation.imageJMedian());
            }
            methods.add(ImageEvaluation.imageJGaussian());
            Method nlm = withNlm ? nlm(channels) : null;
            if (nlm != null) {
                methods.add(nlm);
            }
            Method firstModel = null;
            boolean exact = false;
            for (DenoiserModel m : opened) {
                int mc = m.contract().channels();
                if (mc != channels && !(mc == 1 && channels == 3)) {
                    continue;
                }
                Method method = ImageEvaluation.model(BenchSets.label(m, opened) + " (Hush"
                        + (mc != channels ? ", per channel)" : ")"), m);
                methods.add(method);
                if (ensemble > 1) {
                    methods.add(ImageEvaluation.model(BenchSets.label(m, opened) + " (Hush, ×" + ensemble + " flips and"
                            + " turns" + (mc != channels ? ", per channel)" : ")"), m, ensemble));
                }
                if (givenSigma && m.contract().noiseLevelInput() && mc == channels) {
                    methods.add(ImageEvaluation.modelGivenSigma(BenchSets.label(m, opened) + " (Hush, true σ given)", m));
                }
                // The figure shows the first model made for these channels, else the first that runs per channel.
                if (firstModel == null || mc == channels && !exact) {
                    exact = mc == channels;
                    firstModel = method;
                }
            }
            ProgressBar bar = new ProgressBar(System.err, "bench " + set, "runs");
            List<ImageEvaluation.Row> rows = ImageEvaluation.run(methods, conds, images, bar::update);
            String section = section(set, folder, images, rows, conds);
            md.append(section);
            echo.print(section);
            if (figures != null && firstModel != null && nlm != null && !set.equals("deadleaves")) {
                Path fig = figures.resolve("bench-image-" + set + ".png");
                figure(fig, images, firstModel, nlm, rows.get(methods.indexOf(nlm)).setting().get("σ=25"));
                System.err.println("wrote " + fig);
            }
        }
        return md.toString();
    }

    private static String section(String set, Path folder, List<BenchImage> images, List<ImageEvaluation.Row> rows,
                                  List<Condition> conds) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (BenchImage b : images) {
            counts.merge(b.group(), 1, Integer::sum);
        }
        StringBuilder groups = new StringBuilder();
        counts.forEach((g, n) -> groups.append(groups.length() == 0 ? "" : ", ").append(n).append(' ').append(g));
        int w = images.get(0).clean().width();
        int h = images.get(0).clean().height();
        String title = switch (set) {
            case "grey" -> String.format(Locale.ROOT, "## Real grey images: %d crops of %d×%d px (%s), %s/grey%n%n",
                    images.size(), w, h, groups, folder);
            case "rgb" -> String.format(Locale.ROOT, "## Real colour photographs: %d crops of %d×%d px, %s/rgb%n%n",
                    images.size(), w, h, folder);
            default -> String.format(Locale.ROOT, "## Synthetic: %d dead-leaves images of %d×%d px (seed %d, never used"
                    + " in training)%n%n", images.size(), w, h, ImageEvaluation.SEED);
        };
        StringBuilder sb = new StringBuilder(title);
        sb.append(ImageEvaluation.markdown(rows, conds)).append('\n');
        List<String> g = ImageEvaluation.groups(images);
        if (g.size() > 2) {
            sb.append("Mean PSNR (dB) per group:\n\n").append(ImageEvaluation.groupTable(rows, conds, g.subList(1, g.size())))
                    .append('\n');
        }
        return sb.toString();
    }

    /** Each model once on a {@code speedSize}² grey (or colour) dead-leaves image at sigma 25, after one warm-up. */
    private String speed(List<DenoiserModel> opened) throws HushException {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "## Speed: one %d×%d image, σ=25%n%n| model |"
                + " MPix/s | seconds |%n|---|---:|---:|%n", speedSize, speedSize));
        for (DenoiserModel m : opened) {
            int c = m.contract().channels();
            float[] px = new float[c * speedSize * speedSize];
            SplittableRandom rnd = new SplittableRandom(3);
            for (int i = 0; i < px.length; i++) {
                px[i] = (float) Math.max(0, Math.min(255, 128 + 25 * rnd.nextGaussian()));
            }
            FloatImage img = new FloatImage(c, speedSize, speedSize, px);
            ImageDenoiser d = new ImageDenoiser(m);
            d.denoise(new FloatImage(c, 256, 256, new float[c * 256 * 256]), ProgressListener.NONE);
            long t0 = System.nanoTime();
            d.denoise(img, ProgressListener.NONE);
            double secs = (System.nanoTime() - t0) / 1e9;
            sb.append(String.format(Locale.ROOT, "| %s | %.2f | %.1f |%n", m.contract().name(),
                    (double) speedSize * speedSize / 1e6 / secs, secs));
        }
        return sb.append('\n').toString();
    }

    private static Method nlm(int channels) {
        return new Method() {
            public String name() {
                return channels == 1 ? "OpenCV NLM" : "OpenCV NLM (colour)";
            }

            public double[] parameters(Condition c) {
                double s = c.equivalentSigma();
                return channels == 1 ? new double[] {0.6 * s, 0.8 * s, 1.0 * s, 1.2 * s, 1.4 * s}
                        : new double[] {0.3 * s, 0.4 * s, 0.5 * s, 0.6 * s, 0.7 * s, 0.8 * s, 1.0 * s, 1.2 * s};
            }

            public String parameterLabel() {
                return "h=";
            }

            public FloatImage denoise(FloatImage noisy, double p) throws HushException {
                return OpenCvNlm.denoise(noisy, p);
            }
        };
    }

    /** The first image at sigma 25: noisy | NLM | Hush | clean. */
    private static void figure(Path file, List<BenchImage> images, Method ours, Method nlmMethod, String nlmSetting)
            throws HushException, IOException {
        FloatImage clean = images.get(0).clean();
        int w = clean.width();
        int hgt = clean.height();
        FloatImage noisy = Condition.gaussian(25).corrupt(clean, new SplittableRandom(5));
        List<FloatImage> panels = new ArrayList<>(List.of(noisy,
                nlmMethod.denoise(noisy, Double.parseDouble(nlmSetting.substring(2))), ours.denoise(noisy, Double.NaN),
                clean));
        List<String> labels = List.of("noisy σ=25", nlmMethod.name(), "Hush", "clean");
        int gap = 6;
        int label = 24;
        BufferedImage img = new BufferedImage(panels.size() * (w + gap) - gap, hgt + label, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        int area = w * hgt;
        for (int p = 0; p < panels.size(); p++) {
            FloatImage d = panels.get(p);
            for (int y = 0; y < hgt; y++) {
                for (int x = 0; x < w; x++) {
                    int[] v = new int[3];
                    for (int k = 0; k < 3; k++) {
                        int ch = d.channels() == 3 ? k : 0;
                        v[k] = Math.max(0, Math.min(255, Math.round(d.data()[ch * area + y * w + x])));
                    }
                    img.setRGB(p * (w + gap) + x, label + y, (v[0] << 16) | (v[1] << 8) | v[2]);
                }
            }
            g.setColor(Color.BLACK);
            g.drawString(labels.get(p), p * (w + gap) + 4, 17);
        }
        g.dispose();
        AtomicFile.write(file, tmp -> {
            if (!ImageIO.write(img, "png", tmp.toFile())) {
                throw new IOException("no PNG writer");
            }
        });
    }
}
