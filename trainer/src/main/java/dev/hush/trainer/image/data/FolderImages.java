package dev.hush.trainer.image.data;

import dev.hush.runtime.image.Mirror;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Clean training images read from a folder (real photographs, microscopy): each call cuts a random
 * crop from a random image, so a folder of a few hundred images gives millions of different patches.
 * The images are kept as 8-bit values (a quarter of the memory of floats); wider files are mapped to
 * 0–255 by their own 0.1–99.9 percentiles first. Images are drawn with a probability proportional to
 * their area, so every pixel is equally likely to be seen.
 *
 * <p>For 1 channel an RGB image becomes luminance; for 3 channels a grey image is repeated in R, G, B.
 */
public final class FolderImages implements CleanImages {
    private final Path dir;
    private final List<byte[]> images = new ArrayList<>();
    private final List<int[]> sizes = new ArrayList<>();
    private final List<Integer> channels = new ArrayList<>();
    private final long[] cumulativeArea;
    private final List<String> failures;

    private FolderImages(Path dir, List<String> failures) {
        this.dir = dir;
        this.failures = failures;
        this.cumulativeArea = null;
    }

    private FolderImages(Path dir, List<byte[]> imgs, List<int[]> sz, List<Integer> ch, List<String> failures) {
        this.dir = dir;
        this.failures = failures;
        images.addAll(imgs);
        sizes.addAll(sz);
        channels.addAll(ch);
        cumulativeArea = new long[sizes.size()];
        long sum = 0;
        for (int i = 0; i < sizes.size(); i++) {
            sum += (long) sizes.get(i)[0] * sizes.get(i)[1];
            cumulativeArea[i] = sum;
        }
    }

    /** Reads every image file of {@code dir} (not its subfolders); unreadable files are listed in {@link #failures()}. */
    public static FolderImages read(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException("clean-image folder not found: " + dir);
        }
        List<byte[]> imgs = new ArrayList<>();
        List<int[]> sz = new ArrayList<>();
        List<Integer> ch = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (Path f : ImageFolder.list(dir)) {
            try {
                for (ImageFolder.Plane p : ImageFolder.readFile(f, true)) {
                    imgs.add(toBytes(p.pixels()));
                    sz.add(new int[] {p.width(), p.height()});
                    ch.add(p.channels());
                }
            } catch (IOException e) {
                failures.add(f.getFileName() + ": " + e.getMessage());
            }
        }
        if (imgs.isEmpty()) {
            throw new IOException("no readable images in " + dir + (failures.isEmpty() ? " (looked for .tif, .tiff, .png,"
                    + " .jpg, .jpeg)" : ": " + String.join("; ", failures)));
        }
        return new FolderImages(dir, imgs, sz, ch, failures);
    }

    /** Files that could not be read, with the reason. */
    public List<String> failures() {
        return failures;
    }

    /** How many images (planes) were read. */
    public int size() {
        return images.size();
    }

    /** 0–255 values as they are; any other range mapped by its 0.1–99.9 percentiles. */
    private static byte[] toBytes(float[] px) {
        float min = Float.MAX_VALUE;
        float max = -Float.MAX_VALUE;
        boolean integral = true;
        for (float v : px) {
            min = Math.min(min, v);
            max = Math.max(max, v);
            integral &= v == Math.rint(v);
        }
        double lo = 0;
        double hi = 255;
        if (!(integral && min >= 0 && max <= 255)) {
            float[] sorted = px.clone();
            java.util.Arrays.sort(sorted);
            lo = sorted[(int) (0.001 * (sorted.length - 1))];
            hi = sorted[(int) (0.999 * (sorted.length - 1))];
            if (hi <= lo) {
                hi = lo + 1;
            }
        }
        byte[] out = new byte[px.length];
        for (int i = 0; i < px.length; i++) {
            long v = Math.round((px[i] - lo) / (hi - lo) * 255);
            out[i] = (byte) Math.max(0, Math.min(255, v));
        }
        return out;
    }

    @Override
    public float[] generate(int width, int height, SplittableRandom rnd) {
        return generate(width, height, 1, rnd);
    }

    @Override
    public float[] generate(int width, int height, int outChannels, SplittableRandom rnd) {
        int i = pick(rnd);
        int w = sizes.get(i)[0];
        int h = sizes.get(i)[1];
        int c = channels.get(i);
        byte[] img = images.get(i);
        // An image smaller than the crop is used with mirrored borders.
        int x0 = w > width ? rnd.nextInt(w - width + 1) : 0;
        int y0 = h > height ? rnd.nextInt(h - height + 1) : 0;
        int area = w * h;
        float[] out = new float[outChannels * width * height];
        for (int y = 0; y < height; y++) {
            int sy = Mirror.index(y0 + y, h);
            for (int x = 0; x < width; x++) {
                int src = sy * w + Mirror.index(x0 + x, w);
                int dst = y * width + x;
                if (outChannels == 1) {
                    out[dst] = c == 1 ? (img[src] & 0xff) / 255f
                            : (0.299f * (img[src] & 0xff) + 0.587f * (img[area + src] & 0xff)
                            + 0.114f * (img[2 * area + src] & 0xff)) / 255f;
                } else {
                    for (int k = 0; k < outChannels; k++) {
                        int plane = c == 1 ? 0 : Math.min(k, c - 1);
                        out[k * width * height + dst] = (img[plane * area + src] & 0xff) / 255f;
                    }
                }
            }
        }
        return out;
    }

    private int pick(SplittableRandom rnd) {
        long r = rnd.nextLong(cumulativeArea[cumulativeArea.length - 1]);
        int k = java.util.Arrays.binarySearch(cumulativeArea, r + 1);
        return k >= 0 ? k : -k - 1;
    }

    @Override
    public String describe() {
        return images.size() + " clean image(s) from " + dir.toAbsolutePath().normalize();
    }
}
