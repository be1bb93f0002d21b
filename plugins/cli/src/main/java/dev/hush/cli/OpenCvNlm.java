package dev.hush.cli;

import dev.hush.runtime.HushException;
import dev.hush.runtime.image.FloatImage;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.photo.Photo;

/**
 * OpenCV's non-local means ({@code fastNlMeansDenoising}, and its colour version) on 8-bit images, the classic baseline
 * the benchmark compares with. Loads OpenCV's natives from the openpnp jar on first use.
 */
final class OpenCvNlm {
    private static boolean loaded;

    private OpenCvNlm() {
    }

    private static synchronized void load() throws HushException {
        if (!loaded) {
            try {
                nu.pattern.OpenCV.loadLocally();
            } catch (RuntimeException | UnsatisfiedLinkError e) {
                throw new HushException("OpenCV's native library did not load (" + e.getMessage() + "); the NLM baseline"
                        + " needs the org.openpnp:opencv jar for this platform", e);
            }
            loaded = true;
        }
    }

    /**
     * Denoises values in [0, 255] (rounded and clipped to 8 bit first, as NLM requires) with filter strength
     * {@code h}, the 7×7 template and 21×21 search windows OpenCV recommends. One channel goes through
     * {@code fastNlMeansDenoising}; three (R, G, B planes) through {@code fastNlMeansDenoisingColored} with
     * the same strength for luminance and colour.
     */
    static FloatImage denoise(FloatImage image, double h) throws HushException {
        int c = image.channels();
        if (c != 1 && c != 3) {
            throw new HushException("OpenCV NLM takes 1 or 3 channels, not " + c);
        }
        load();
        int area = image.width() * image.height();
        float[] px = image.data();
        byte[] in = new byte[c * area];
        for (int i = 0; i < area; i++) {
            for (int k = 0; k < c; k++) {
                // OpenCV stores pixels interleaved; its colour version expects B, G, R order.
                in[i * c + k] = (byte) Math.max(0, Math.min(255, Math.round(px[(c == 3 ? 2 - k : k) * area + i])));
            }
        }
        Mat src = new Mat(image.height(), image.width(), c == 1 ? CvType.CV_8UC1 : CvType.CV_8UC3);
        Mat dst = new Mat();
        try {
            src.put(0, 0, in);
            if (c == 1) {
                Photo.fastNlMeansDenoising(src, dst, (float) h, 7, 21);
            } else {
                Photo.fastNlMeansDenoisingColored(src, dst, (float) h, (float) h, 7, 21);
            }
            byte[] out = new byte[in.length];
            dst.get(0, 0, out);
            float[] res = new float[out.length];
            for (int i = 0; i < area; i++) {
                for (int k = 0; k < c; k++) {
                    res[(c == 3 ? 2 - k : k) * area + i] = out[i * c + k] & 0xff;
                }
            }
            return new FloatImage(c, image.width(), image.height(), res);
        } finally {
            src.release();
            dst.release();
        }
    }
}
