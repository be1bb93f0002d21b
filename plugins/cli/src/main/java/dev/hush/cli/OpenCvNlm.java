package dev.hush.cli;

import dev.hush.runtime.HushException;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.photo.Photo;

/**
 * OpenCV's non-local means ({@code fastNlMeansDenoising}) on 8-bit grey images, the classic baseline
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
     * {@code h}, the 7×7 template and 21×21 search windows OpenCV recommends.
     */
    static float[] denoise(float[] pixels, int width, int height, double h) throws HushException {
        load();
        byte[] in = new byte[pixels.length];
        for (int i = 0; i < in.length; i++) {
            in[i] = (byte) Math.max(0, Math.min(255, Math.round(pixels[i])));
        }
        Mat src = new Mat(height, width, CvType.CV_8UC1);
        Mat dst = new Mat();
        try {
            src.put(0, 0, in);
            Photo.fastNlMeansDenoising(src, dst, (float) h, 7, 21);
            byte[] out = new byte[in.length];
            dst.get(0, 0, out);
            float[] res = new float[out.length];
            for (int i = 0; i < out.length; i++) {
                res[i] = out[i] & 0xff;
            }
            return res;
        } finally {
            src.release();
            dst.release();
        }
    }
}
