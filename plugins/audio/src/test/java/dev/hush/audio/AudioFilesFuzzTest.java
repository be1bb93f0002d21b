package dev.hush.audio;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.hush.runtime.HushException;
import dev.hush.runtime.Mutations;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.sound.sampled.AudioFileFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opening and reading audio files ({@link AudioFiles#open}, then every frame) on damaged and hostile WAV bytes: the
 * samples or a {@link HushException}, never another exception, an exhausted heap or a hang.
 */
class AudioFilesFuzzTest {

    static void read(byte[] data, Path dir) throws HushException, IOException {
        Path f = dir.resolve("fuzz.wav");
        Files.write(f, data);
        readAll(f);
    }

    private static void readAll(Path f) throws HushException {
        try (AudioInput in = AudioFiles.open(f)) {
            float[][] block = new float[in.channels()][4096];
            while (in.read(block, 4096) > 0) {
                // all frames, as a denoising run reads them
            }
        }
    }

    @FuzzTest(maxDuration = "120s")
    void audioBytes(byte[] data) throws Exception {
        Mutations.readAsFile(data, "fuzz.wav", HushException.class, AudioFilesFuzzTest::readAll);
    }

    @Test
    void damagedWavFilesAreRefusedCleanly(@TempDir Path dir) throws Exception {
        List<byte[]> seeds = new ArrayList<>();
        float[][] mono = {TestAudioModels.noisySpeech(800, 16000, 0.05, 1)};
        float[][] stereo = {TestAudioModels.noisySpeech(500, 44100, 0.05, 2), TestAudioModels.noisySpeech(500, 44100, 0.05, 3)};
        seeds.add(Files.readAllBytes(TestFiles.write(dir.resolve("s16.wav"), mono, TestFiles.pcm(16000, 16, 1),
                AudioFileFormat.Type.WAVE)));
        seeds.add(Files.readAllBytes(TestFiles.write(dir.resolve("s24.wav"), stereo, TestFiles.pcm(44100, 24, 2),
                AudioFileFormat.Type.WAVE)));
        seeds.add(Files.readAllBytes(TestFiles.write(dir.resolve("f32.wav"), mono, TestFiles.floats(16000, 1),
                AudioFileFormat.Type.WAVE)));
        int refused = Mutations.sweep(seeds, 120, HushException.class, Duration.ofSeconds(240), b -> read(b, dir));
        assertTrue(refused > 0, "some mutants are refused");
    }
}
