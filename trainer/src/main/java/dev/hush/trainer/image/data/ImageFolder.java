package dev.hush.trainer.image.data;

import ij.ImagePlus;
import ij.ImageStack;
import ij.io.Opener;
import ij.process.ColorProcessor;
import ij.process.ImageProcessor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Reads the training images in a folder with ImageJ's readers: TIFF (8/16/32-bit, stacks split into
 * planes), PNG and JPEG; RGB becomes luminance. A file that cannot be read is skipped and reported,
 * so one bad file does not stop training on the good ones; a folder with no readable image is an
 * error that says so.
 */
public final class ImageFolder {
    /** One grey plane: values as read (not normalised), and where it came from. */
    public record Plane(String name, int width, int height, float[] pixels) {
        /** 1, or 3 for an RGB image read as channels (pixels then hold R, G, B planes one after the other). */
        public int channels() {
            return pixels.length / (width * height);
        }

    }

    /** The planes read, and the files that could not be read with the reason. */
    public record Contents(List<Plane> planes, List<String> failures) {
    }

    private ImageFolder() {
    }

    static boolean isImageName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.endsWith(".tif") || n.endsWith(".tiff") || n.endsWith(".png") || n.endsWith(".jpg") || n.endsWith(".jpeg");
    }

    /** The image files of a folder, sorted by name (so pair folders line up). */
    public static List<Path> list(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException("not a folder: " + dir);
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isRegularFile).filter(p -> isImageName(p.getFileName().toString())).sorted().toList();
        }
    }

    public static Contents read(Path dir) throws IOException {
        List<Path> files = list(dir);
        if (files.isEmpty()) {
            throw new IOException("no images in " + dir + " (looked for .tif, .tiff, .png, .jpg, .jpeg)");
        }
        List<Plane> planes = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (Path f : files) {
            try {
                planes.addAll(readFile(f));
            } catch (IOException e) {
                failures.add(f.getFileName() + ": " + e.getMessage());
            }
        }
        if (planes.isEmpty()) {
            throw new IOException("none of the " + files.size() + " image file(s) in " + dir + " could be read: "
                    + String.join("; ", failures));
        }
        return new Contents(planes, failures);
    }

    /** The planes of one file. */
    public static List<Plane> readFile(Path f) throws IOException {
        return readFile(f, false);
    }

    /** As {@link #readFile(Path)}; with {@code rgbChannels} an RGB image gives R, G and B planes, not luminance. */
    public static List<Plane> readFile(Path f, boolean rgbChannels) throws IOException {
        ImagePlus imp;
        try {
            imp = new Opener().openImage(f.toAbsolutePath().toString());
        } catch (RuntimeException e) {
            imp = null;
        }
        if (imp == null) {
            throw new IOException("not a readable image (damaged, truncated or an unsupported format)");
        }
        ImageStack stack = imp.getStack();
        List<Plane> planes = new ArrayList<>();
        String base = f.getFileName().toString();
        for (int z = 1; z <= stack.getSize(); z++) {
            ImageProcessor ip = stack.getProcessor(z);
            int area = ip.getWidth() * ip.getHeight();
            float[] px = new float[(rgbChannels && ip instanceof ColorProcessor ? 3 : 1) * area];
            if (ip instanceof ColorProcessor cp && rgbChannels) {
                int[] rgb = (int[]) cp.getPixels();
                for (int i = 0; i < area; i++) {
                    px[i] = (rgb[i] >> 16) & 0xff;
                    px[area + i] = (rgb[i] >> 8) & 0xff;
                    px[2 * area + i] = rgb[i] & 0xff;
                }
            } else if (ip instanceof ColorProcessor cp) {
                int[] rgb = (int[]) cp.getPixels();
                for (int i = 0; i < px.length; i++) {
                    int c = rgb[i];
                    px[i] = 0.299f * ((c >> 16) & 0xff) + 0.587f * ((c >> 8) & 0xff) + 0.114f * (c & 0xff);
                }
            } else {
                for (int i = 0; i < px.length; i++) {
                    px[i] = ip.getf(i);
                }
            }
            int bad = 0;
            for (int i = 0; i < px.length; i++) {
                if (!Float.isFinite(px[i])) {
                    bad++;
                }
            }
            if (bad > 0) {
                throw new IOException("plane " + z + " has " + bad + " NaN or infinite pixels; remove them first");
            }
            planes.add(new Plane(stack.getSize() > 1 ? base + "#" + z : base, ip.getWidth(), ip.getHeight(), px));
        }
        return planes;
    }
}
