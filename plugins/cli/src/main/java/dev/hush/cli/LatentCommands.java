package dev.hush.cli;

import dev.hush.imagej.ImageFiles;
import dev.hush.runtime.HushException;
import dev.hush.runtime.RunContext;
import dev.hush.runtime.SessionConfig;
import dev.hush.runtime.image.FloatImage;
import dev.hush.runtime.image.ImageMetrics;
import dev.hush.runtime.io.AtomicFile;
import dev.hush.runtime.latent.LatentCode;
import dev.hush.runtime.latent.LatentCodec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code hush encode} and {@code hush decode}: images to latent codes and back (docs/latent.md). */
final class LatentCommands {
    private LatentCommands() {
    }

    /** The options encode and decode share: tiles, threads, replacing outputs. */
    static final class Shared {
        @picocli.CommandLine.Spec(picocli.CommandLine.Spec.Target.MIXEE)
        picocli.CommandLine.Model.CommandSpec mixee;

        @Option(names = "--tile", defaultValue = "512", description = "Tile core side in pixels (memory vs speed).")
        int tile;

        @Option(names = "--threads", defaultValue = "0", description = "ONNX Runtime threads (default 0: all cores).")
        int threads;

        @Option(names = "--force", description = "Replace output files that already exist (never done otherwise: a"
                + " decoded image must not land on its original, nor a code on another code).")
        boolean force;

        /** Usage errors (exit 2) for --threads and --tile. */
        void check() {
            ModelOptions.checkThreads(threads, mixee);
            if (tile < 16) {
                throw new picocli.CommandLine.ParameterException(mixee.commandLine(), "--tile must be at least 16");
            }
        }

        LatentCodec open(String codec) throws HushException {
            return LatentCodec.openNamed(codec, SessionConfig.defaults().withThreads(threads), tile);
        }
    }

    /** The codec to use when none is named: the first shipped one. */
    static String defaultCodec() throws HushException {
        List<String> shipped = LatentCodec.shippedCodecs();
        if (shipped.isEmpty()) {
            throw new HushException(HushException.Code.MODEL_NOT_FOUND, "no codec is shipped on this class path; give"
                    + " one with --model (NAME, or the path of NAME.encoder.onnx)");
        }
        return shipped.get(0);
    }

    /** A grey codec codes each channel of a colour image as a plane of its own. */
    static List<FloatImage> planesFor(List<FloatImage> images, int codecChannels) {
        List<FloatImage> planes = new ArrayList<>();
        for (FloatImage img : images) {
            if (img.channels() == codecChannels || codecChannels != 1) {
                planes.add(img);
                continue;
            }
            int area = img.width() * img.height();
            for (int c = 0; c < img.channels(); c++) {
                float[] d = new float[area];
                System.arraycopy(img.data(), c * area, d, 0, area);
                planes.add(FloatImage.gray(img.width(), img.height(), d));
            }
        }
        return planes;
    }

    /** Undoes {@link #planesFor}: an RGB (24-bit) image's three grey planes become one three-channel image again. */
    static List<FloatImage> imagesFor(List<FloatImage> planes, int bitDepth) {
        if (bitDepth != 24 || planes.isEmpty() || planes.get(0).channels() != 1 || planes.size() % 3 != 0) {
            return planes;
        }
        List<FloatImage> images = new ArrayList<>();
        for (int i = 0; i < planes.size(); i += 3) {
            FloatImage first = planes.get(i);
            int area = first.width() * first.height();
            float[] d = new float[3 * area];
            for (int c = 0; c < 3; c++) {
                System.arraycopy(planes.get(i + c).data(), 0, d, c * area, area);
            }
            images.add(new FloatImage(3, first.width(), first.height(), d));
        }
        return images;
    }

    /** The target for one input: {@code out} itself when it names a file for a single input, else a file in it. */
    static Path target(Path out, Path in, int inputs, String suffix, boolean outIsFile) {
        if (inputs == 1 && outIsFile) {
            return out;
        }
        return out.resolve(in.getFileName().toString().replaceFirst("\\.[^.]*$", "") + suffix);
    }

    /**
     * Whether {@code out} is the one output file (a single input and a file name of the output's kind); otherwise it
     * must be a folder, made if missing. Two inputs that would write the same file there are refused first.
     */
    static boolean prepareOut(List<Path> inputs, Path out, boolean namesAFile, String folderFor) throws Exception {
        requireDistinctNames(inputs);
        if (inputs.size() == 1 && namesAFile) {
            return true;
        }
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new HushException(HushException.Code.INVALID_INPUT, "--out " + out + " is a file; give a folder for "
                    + folderFor);
        }
        Files.createDirectories(out);
        return false;
    }

    /**
     * Refuses to replace a file that is already there unless {@code force}: a decoded image must never land on the
     * original it was encoded from (a lossy copy over the real pixels), nor a code on another code.
     */
    static void refuseExisting(Path target, boolean force) throws HushException {
        if (!force && Files.exists(target)) {
            throw new HushException(HushException.Code.INVALID_INPUT, target + " exists; hush does not replace it"
                    + " (it may be the original this came from). Choose another output, or pass --force");
        }
    }

    /** Two inputs that would write the same output file are refused before anything is written. */
    static void requireDistinctNames(List<Path> inputs) throws HushException {
        java.util.Map<String, Path> seen = new java.util.HashMap<>();
        for (Path in : inputs) {
            String base = in.getFileName().toString().replaceFirst("\\.[^.]*$", "");
            Path prev = seen.putIfAbsent(base, in);
            if (prev != null) {
                throw new HushException(HushException.Code.INVALID_INPUT, prev + " and " + in + " would both write '"
                        + base + "' in the output folder; rename one or run them separately");
            }
        }
    }


    @Command(name = "encode", mixinStandardHelpOptions = true,
            description = {"Images to latent codes: the encoder half of an autoencoder codec, the code quantised per",
                    "channel and compressed (deflate) into a .hlc file that names its codec (docs/latent.md).",
                    "Prints bytes and bits per pixel (and with --psnr the decoded image's PSNR). Bad files are",
                    "reported at the end (exit 1) and do not stop the others."})
    static final class Encode implements Callable<Integer> {
        @Parameters(arity = "1..*", paramLabel = "IMAGE", description = "PNG or TIFF images.")
        List<Path> inputs;

        @Option(names = {"-o", "--out"}, required = true, description = "A .hlc file (one input) or a folder.")
        Path out;

        @Option(names = {"-m", "--model"}, description = "The codec: a shipped name, or the path of NAME.encoder.onnx"
                + " (NAME.decoder.onnx beside it). Default: the first shipped codec.")
        String model;

        @Option(names = "--bits", defaultValue = "8", description = "Quantisation per code value, 1–8 bits, or 0 for"
                + " float32 (no quantisation error). Default 8.")
        int bits;

        @Option(names = "--psnr", description = "Also decode and print the PSNR against the input (peak: the bit"
                + " depth's maximum).")
        boolean psnr;

        @picocli.CommandLine.Mixin
        Shared shared;

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            shared.check();
            if (bits < 0 || bits > 8) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--bits must lie in 0–8, got "
                        + bits);
            }
            boolean outIsFile = prepareOut(inputs, out, out.getFileName().toString().endsWith(".hlc"),
                    "several codes, or a NAME.hlc file for one image");
            List<String> failures = new ArrayList<>();
            try (LatentCodec codec = shared.open(model != null ? model : defaultCodec())) {
                ProgressBar bar = new ProgressBar(System.err, "encode", "images");
                int done = 0;
                for (Path in : inputs) {
                    try {
                        ImageFiles.Loaded img = ImageFiles.read(in);
                        List<FloatImage> planes = planesFor(img.planes(), codec.channels());
                        LatentCode code = codec.encode(planes, img.bitDepth(), bits, new RunContext());
                        byte[] bytes = code.toBytes();
                        Path target = target(out, in, inputs.size(), ".hlc", outIsFile);
                        AtomicFile.refuseInput(in, target, ".hlc");
                        refuseExisting(target, shared.force);
                        AtomicFile.write(target, bytes);
                        long pixels = (long) code.width() * code.height();
                        String quality = "";
                        if (psnr) {
                            // The file's own bytes read back: what hush decode will see, quantisation included.
                            List<FloatImage> back = codec.decode(LatentCode.read(bytes, target.toString()),
                                    new RunContext());
                            double peak = img.bitDepth() == 16 ? 65535 : img.bitDepth() == 32 ? 1 : 255;
                            double sum = 0;
                            for (int p = 0; p < planes.size(); p++) {
                                sum += ImageMetrics.psnr(round(back.get(p).data(), img.bitDepth()),
                                        planes.get(p).data(), peak);
                            }
                            quality = String.format(Locale.ROOT, "\tPSNR %.2f dB", sum / planes.size());
                        }
                        System.out.printf(Locale.ROOT, "%s\t%d bytes\t%.3f bits per pixel%s%n", target, bytes.length,
                                8.0 * bytes.length / pixels, quality);
                    } catch (HushException | IllegalArgumentException e) {
                        failures.add(in + ": " + e.getMessage());
                    } catch (java.io.IOException e) {
                        failures.add(in + ": cannot write its code: " + e.getMessage());
                    }
                    bar.update(++done, inputs.size());
                }
            }
            return Hush.reportFailures(failures);
        }
    }

    /** What writing at {@code bitDepth} does to the values: rounding and clamping to the type's range (not float). */
    static float[] round(float[] v, int bitDepth) {
        if (bitDepth == 32) {
            return v;
        }
        float max = bitDepth == 16 ? 65535 : 255;
        float[] r = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            r[i] = Math.max(0, Math.min(max, Math.round(v[i])));
        }
        return r;
    }

    @Command(name = "decode", mixinStandardHelpOptions = true,
            description = {"Latent codes (.hlc, from hush encode) back to images, at the bit depth they were encoded",
                    "from (8-bit and RGB as PNG, 16 and 32-bit as TIFF, unless -o names the file). Refuses a code made",
                    "by another codec. Bad files are reported at the end (exit 1) and do not stop the others."})
    static final class Decode implements Callable<Integer> {
        @Parameters(arity = "1..*", paramLabel = "CODE", description = ".hlc files.")
        List<Path> inputs;

        @Option(names = {"-o", "--out"}, required = true, description = "An image file (one input) or a folder.")
        Path out;

        @Option(names = {"-m", "--model"}, description = "The codec (default: the one each code names).")
        String model;

        @picocli.CommandLine.Mixin
        Shared shared;

        @Override
        public Integer call() throws Exception {
            shared.check();
            boolean outIsFile = prepareOut(inputs, out, ImageFiles.isImageName(out),
                    "several images, or an image file name (.png, .tif) for one code");
            List<String> failures = new ArrayList<>();
            ProgressBar bar = new ProgressBar(System.err, "decode", "codes");
            int done = 0;
            for (Path in : inputs) {
                try {
                    long size = Files.size(in);
                    if (size > Integer.MAX_VALUE - 8) {
                        throw new HushException(HushException.Code.INVALID_INPUT, in + " is " + size + " bytes, more"
                                + " than a latent code can be");
                    }
                    LatentCode code = LatentCode.read(Files.readAllBytes(in), in.toString());
                    try (LatentCodec codec = shared.open(model != null ? model : code.codec())) {
                        List<FloatImage> planes = codec.decode(code, new RunContext());
                        String ext = code.bitDepth() == 8 || code.bitDepth() == 24 ? ".png" : ".tif";
                        Path target = target(out, in, inputs.size(), ext, outIsFile);
                        AtomicFile.refuseInput(in, target, "");
                        refuseExisting(target, shared.force);
                        ImageFiles.write(target, imagesFor(planes, code.bitDepth()), code.bitDepth(), null);
                        System.out.println(target);
                    }
                } catch (HushException | IllegalArgumentException e) {
                    failures.add(in + ": " + e.getMessage());
                } catch (java.io.IOException e) {
                    failures.add(in + ": cannot read: " + e.getMessage());
                }
                bar.update(++done, inputs.size());
            }
            return Hush.reportFailures(failures);
        }
    }
}
