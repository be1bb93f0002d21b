package dev.hush.cli;

import dev.hush.runtime.HushException;
import dev.hush.runtime.RunContext;
import dev.hush.runtime.SessionConfig;
import dev.hush.runtime.image.FloatImage;
import dev.hush.runtime.image.ImageMetrics;
import dev.hush.runtime.latent.LatentCode;
import dev.hush.runtime.latent.LatentCodec;
import dev.hush.trainer.image.ImageEvaluation.BenchImage;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code hush bench codec}: rate and distortion of a latent codec on the real grey benchmark crops, beside PNG
 * (lossless) and JPEG (the JDK's encoder over a sweep of qualities) on the same images in the same run. For each
 * codec setting it also gives JPEG's rate at the codec's PSNR, interpolated per image along JPEG's curve, beside the
 * codec's own rate on the same images (those whose codec PSNR lies within JPEG's curve).
 */
@Command(name = "codec", mixinStandardHelpOptions = true,
        description = {"Bits per pixel and PSNR of a latent codec (hush encode) on the real grey benchmark crops,",
                "beside PNG and JPEG on the same images: a rate-distortion table in markdown."})
final class BenchCodecCommand implements Callable<Integer> {
    private static final int[] JPEG_QUALITIES = {1, 2, 3, 5, 10, 15, 20, 30, 40, 50, 60, 70, 80, 90, 95};

    @Option(names = {"-m", "--model"}, description = "The codec (default: the first shipped codec).")
    String model;

    @Option(names = "--bits", split = ",", defaultValue = "4,6,8", description = "Quantisations to measure (default"
            + " 4,6,8).")
    int[] bits;

    @Option(names = "--bench-dir", description = "The benchmark folder (default: models/bench/images).")
    Path benchDir;

    @Option(names = "--threads", defaultValue = "0", description = "ONNX Runtime threads (default 0: all cores).")
    int threads;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    record Point(double bpp, double psnr) {
    }

    @Override
    public Integer call() throws Exception {
        ModelOptions.checkThreads(threads, spec);
        for (int b : bits) {
            if (b < 0 || b > 8) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--bits values must lie in 0–8");
            }
        }
        List<BenchImage> images = BenchSets.load(benchDir != null ? benchDir : BenchSets.defaultFolder(), "grey", 1);
        int n = images.size();
        double pngBpp = 0;
        List<List<Point>> jpeg = new ArrayList<>();
        for (BenchImage img : images) {
            pngBpp += 8.0 * encodeImageIo(img.clean(), "png") / pixels(img);
            List<Point> curve = new ArrayList<>();
            for (int q : JPEG_QUALITIES) {
                byte[] bytes = encodeJpeg(img.clean(), q / 100f);
                curve.add(new Point(8.0 * bytes.length / pixels(img), psnr(decodeImageIo(bytes, img.clean()),
                        img.clean())));
            }
            jpeg.add(curve);
        }
        StringBuilder sb = new StringBuilder();
        String name;
        List<double[]> codecRows = new ArrayList<>();
        try (LatentCodec codec = LatentCodec.openNamed(model != null ? model : LatentCommands.defaultCodec(),
                SessionConfig.defaults().withThreads(threads))) {
            name = codec.name();
            ProgressBar bar = new ProgressBar(System.err, "codec", "images");
            int done = 0;
            double[][] sums = new double[bits.length][4];
            int[] comparable = new int[bits.length];
            for (int i = 0; i < n; i++) {
                BenchImage img = images.get(i);
                for (int k = 0; k < bits.length; k++) {
                    LatentCode code = codec.encode(List.of(img.clean()), 8, bits[k], new RunContext());
                    byte[] file = code.toBytes();
                    float[] back = LatentCommands.round(codec.decode(LatentCode.read(file, img.name()), new RunContext())
                            .get(0).data(), 8);
                    double bpp = 8.0 * file.length / pixels(img);
                    double p = psnr(back, img.clean());
                    sums[k][0] += bpp;
                    sums[k][1] += p;
                    double j = jpegRateAt(jpeg.get(i), p);
                    if (Double.isFinite(j)) {
                        sums[k][2] += j;
                        sums[k][3] += bpp;
                        comparable[k]++;
                    }
                }
                bar.update(++done, n);
            }
            for (int k = 0; k < bits.length; k++) {
                codecRows.add(new double[] {bits[k], sums[k][0] / n, sums[k][1] / n,
                        comparable[k] == 0 ? Double.NaN : sums[k][2] / comparable[k], comparable[k],
                        comparable[k] == 0 ? Double.NaN : sums[k][3] / comparable[k]});
            }
        }
        sb.append(String.format(Locale.ROOT, "Rate and distortion on %d real grey crops (8-bit, %s), mean per image;"
                + " PSNR of the 8-bit result against the original (peak 255).%n%n", n,
                benchDir != null ? benchDir : BenchSets.RELATIVE + "/grey"));
        sb.append("| method | bits per pixel | PSNR (dB) | at the same PSNR: JPEG's rate vs the codec's (bpp) |\n"
                + "|---|---:|---:|---:|\n");
        sb.append(String.format(Locale.ROOT, "| PNG (lossless) | %.3f | ∞ | |%n", pngBpp / n));
        for (double[] r : codecRows) {
            sb.append(String.format(Locale.ROOT, "| `%s`, %s | %.3f | %.2f | %s |%n", name, r[0] == 0 ? "float32 code"
                    : (int) r[0] + "-bit code", r[1], r[2], Double.isNaN(r[3]) ? "beyond JPEG's range"
                    : String.format(Locale.ROOT, "%.3f vs %.3f (%d of %d images within JPEG's range)", r[3], r[5],
                    (int) r[4], n)));
        }
        for (int qi = 0; qi < JPEG_QUALITIES.length; qi++) {
            double b = 0;
            double p = 0;
            for (List<Point> c : jpeg) {
                b += c.get(qi).bpp();
                p += c.get(qi).psnr();
            }
            sb.append(String.format(Locale.ROOT, "| JPEG quality %d (JDK ImageIO) | %.3f | %.2f | |%n",
                    JPEG_QUALITIES[qi], b / n, p / n));
        }
        System.out.print(sb);
        return 0;
    }

    private static long pixels(BenchImage img) {
        return (long) img.clean().width() * img.clean().height();
    }

    /** JPEG's bits per pixel at {@code psnr} along one image's curve (linear between qualities), NaN outside it. */
    static double jpegRateAt(List<Point> curve, double psnr) {
        for (int i = 1; i < curve.size(); i++) {
            Point a = curve.get(i - 1);
            Point b = curve.get(i);
            double lo = Math.min(a.psnr(), b.psnr());
            double hi = Math.max(a.psnr(), b.psnr());
            if (psnr >= lo && psnr <= hi) {
                double t = hi == lo ? 0 : (psnr - a.psnr()) / (b.psnr() - a.psnr());
                return a.bpp() + t * (b.bpp() - a.bpp());
            }
        }
        return Double.NaN;
    }

    private static double psnr(float[] estimate, FloatImage clean) {
        return ImageMetrics.psnr(estimate, clean.data(), 255);
    }

    private static BufferedImage grey(FloatImage img) {
        BufferedImage b = new BufferedImage(img.width(), img.height(), BufferedImage.TYPE_BYTE_GRAY);
        byte[] px = ((DataBufferByte) b.getRaster().getDataBuffer()).getData();
        float[] d = img.data();
        for (int i = 0; i < px.length; i++) {
            px[i] = (byte) Math.max(0, Math.min(255, Math.round(d[i])));
        }
        return b;
    }

    private static int encodeImageIo(FloatImage img, String format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(grey(img), format, out);
        return out.size();
    }

    private static byte[] encodeJpeg(FloatImage img, float quality) throws IOException {
        ImageWriter w = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream ios = new MemoryCacheImageOutputStream(out)) {
            w.setOutput(ios);
            ImageWriteParam p = w.getDefaultWriteParam();
            p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            p.setCompressionQuality(quality);
            w.write(null, new IIOImage(grey(img), null, null), p);
        } finally {
            w.dispose();
        }
        return out.toByteArray();
    }

    private static float[] decodeImageIo(byte[] bytes, FloatImage like) throws IOException, HushException {
        BufferedImage b = ImageIO.read(new ByteArrayInputStream(bytes));
        if (b == null || b.getWidth() != like.width() || b.getHeight() != like.height()) {
            throw new HushException("the JDK could not read back its own JPEG");
        }
        float[] out = new float[like.width() * like.height()];
        b.getRaster().getSamples(0, 0, b.getWidth(), b.getHeight(), 0, out);
        return out;
    }
}
