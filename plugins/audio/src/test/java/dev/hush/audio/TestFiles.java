package dev.hush.audio;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.UnsupportedAudioFileException;

/** Writes and reads test audio files with javax.sound directly. */
public final class TestFiles {
    private TestFiles() {
    }

    public static AudioFormat pcm(int rate, int bits, int channels) {
        return new AudioFormat(bits == 8 ? AudioFormat.Encoding.PCM_UNSIGNED : AudioFormat.Encoding.PCM_SIGNED, rate, bits,
                channels, bits / 8 * channels, rate, false);
    }

    public static AudioFormat floats(int rate, int channels) {
        return new AudioFormat(AudioFormat.Encoding.PCM_FLOAT, rate, 32, channels, 4 * channels, rate, false);
    }

    /** Writes channels of samples as a file of the given format and type. */
    public static Path write(Path file, float[][] channels, AudioFormat f, AudioFileFormat.Type type) throws IOException {
        PcmCodec codec = new PcmCodec(f);
        int n = channels[0].length;
        byte[] bytes = new byte[n * codec.frameSize()];
        codec.encode(channels, 0, n, bytes, 0);
        AudioSystem.write(new AudioInputStream(new ByteArrayInputStream(bytes), f, n), type, file.toFile());
        return file;
    }

    /** Reads a whole file (small test files only) with javax.sound: channels × samples. */
    public static float[][] read(Path file) throws IOException, UnsupportedAudioFileException {
        try (AudioInputStream in = AudioSystem.getAudioInputStream(file.toFile())) {
            AudioFormat f = in.getFormat();
            byte[] bytes = in.readAllBytes();
            PcmCodec codec = new PcmCodec(f);
            int n = bytes.length / codec.frameSize();
            float[][] out = new float[f.getChannels()][n];
            codec.decode(bytes, 0, n, out, 0);
            return out;
        }
    }

    /** What a sample becomes after storing it with {@code bits} bits (as PcmCodec rounds and clips). */
    public static float[] quantize(float[] x, AudioFormat f) {
        PcmCodec codec = new PcmCodec(f);
        float[][] one = new float[f.getChannels()][1];
        float[][] back = new float[f.getChannels()][1];
        byte[] b = new byte[codec.frameSize()];
        float[] q = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            for (int c = 0; c < one.length; c++) {
                one[c][0] = x[i];
            }
            codec.encode(one, 0, 1, b, 0);
            codec.decode(b, 0, 1, back, 0);
            q[i] = back[0][0];
        }
        return q;
    }
}
