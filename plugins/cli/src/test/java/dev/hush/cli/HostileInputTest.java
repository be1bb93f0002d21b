package dev.hush.cli;

import static dev.hush.cli.HushCliTest.hush;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hush.cli.HushCliTest.Run;
import dev.hush.runtime.ShippedModels;
import dev.hush.runtime.ModelContract;
import dev.hush.runtime.UserModels;
import dev.hush.trainer.onnx.OnnxProto.GraphProto;
import dev.hush.trainer.onnx.OnnxProto.ModelProto;
import dev.hush.trainer.onnx.OnnxProto.NodeProto;
import dev.hush.trainer.onnx.OnnxProto.StringStringEntryProto;
import dev.hush.trainer.onnx.OnnxProto.TensorProto;
import ij.ImagePlus;
import ij.ImageStack;
import ij.io.FileSaver;
import ij.io.Opener;
import ij.process.ByteProcessor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hostile and careless inputs to the real {@code hush} command line (issue 15): each refused with a clear message. */
class HostileInputTest {
    @TempDir
    Path dir;

    @AfterEach
    void forgetUserModels() {
        System.clearProperty(UserModels.PROPERTY);
    }

    @Test
    void modelCardsAreReadOnlyBesideAModel() throws Exception {
        Path models = Files.createDirectories(dir.resolve("home/.hush/models"));
        System.setProperty(UserModels.PROPERTY, models.toString());
        Path secret = Files.createDirectories(dir.resolve("private")).resolve("notes.md");
        Files.writeString(secret, "# SECRET diary\n");
        String up = "../../../private/notes";
        for (String hostile : new String[] {up, up + ".md", secret.toString(), secret.toString().replace(".md", ""),
                "..", dir.resolve("private/notes.onnx").toString()}) {
            Run r = hush("models", "--card", hostile);
            assertEquals(1, r.code(), hostile + ": " + r.err());
            assertFalse(r.out().contains("SECRET"), hostile + " printed " + r.out());
            assertTrue(r.err().contains("no model card for") && r.err().contains("beside it"), r.err());
        }
        // A .onnx file beside the secret, but the secret is a link to elsewhere: still not printed.
        Path mineDir = Files.createDirectories(dir.resolve("mine"));
        Files.write(mineDir.resolve("linked.onnx"), ShippedModels.bytes("image-gray-fast"));
        Files.createSymbolicLink(mineDir.resolve("linked.md"), secret);
        Run linked = hush("models", "--card", mineDir.resolve("linked.onnx").toString());
        assertEquals(1, linked.code(), linked.err());
        assertFalse(linked.out().contains("SECRET"), linked.out());

        // What is allowed: a shipped model, a user model with its card, a model file's own card.
        Run shipped = hush("models", "--card", "image-gray-fast");
        assertEquals(0, shipped.code(), shipped.err());
        assertTrue(shipped.out().contains("image-gray-fast"), shipped.out());
        Files.write(models.resolve("own.onnx"), ShippedModels.bytes("image-gray-fast"));
        Files.writeString(models.resolve("own.md"), "# own card\n");
        Run user = hush("models", "--card", "own");
        assertEquals(0, user.code(), user.err());
        assertTrue(user.out().contains("# own card"), user.out());
        Files.write(mineDir.resolve("trained.onnx"), ShippedModels.bytes("image-gray-fast"));
        Files.writeString(mineDir.resolve("trained.md"), "# trained card\n");
        Run file = hush("models", "--card", mineDir.resolve("trained.onnx").toString());
        assertEquals(0, file.code(), file.err());
        assertTrue(file.out().contains("# trained card"), file.out());
        // A card without its model is not a model card.
        Files.writeString(models.resolve("orphan.md"), "# SECRET orphan\n");
        Run orphan = hush("models", "--card", "orphan");
        assertEquals(1, orphan.code());
        assertFalse(orphan.out().contains("SECRET"), orphan.out());
    }

    /**
     * A 1 KB little-endian TIFF of one 8-bit plane whose header claims {@code w}×{@code h} pixels, with the given
     * compression; its image directory at byte 8 points to {@code next} (0: the last one).
     */
    static byte[] tiff(long w, long h, int compression, int next) {
        ByteBuffer b = ByteBuffer.allocate(1024).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 'I').put((byte) 'I').putShort((short) 42).putInt(8);
        int[][] entries = {{256, 4, (int) w}, {257, 4, (int) h}, {258, 3, 8}, {259, 3, compression}, {262, 3, 1},
                {273, 4, 200}, {277, 3, 1}, {278, 4, (int) h}, {279, 4, 800}};
        b.putShort((short) entries.length);
        for (int[] e : entries) {
            b.putShort((short) e[0]).putShort((short) e[1]).putInt(1);
            if (e[1] == 3) {
                b.putShort((short) e[2]).putShort((short) 0);
            } else {
                b.putInt(e[2]);
            }
        }
        b.putInt(next);
        return b.array();
    }

    /** A small PNG (8-bit grey) whose IHDR claims {@code w}×{@code h} pixels, with one tiny IDAT chunk. */
    static byte[] png(int w, int h) {
        ByteBuffer b = ByteBuffer.allocate(8 + 25 + 12 + 11 + 12).order(ByteOrder.BIG_ENDIAN);
        b.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        chunk(b, "IHDR", ByteBuffer.allocate(13).putInt(w).putInt(h).put((byte) 8).put((byte) 0).put(new byte[3]).array());
        chunk(b, "IDAT", new byte[] {0x78, (byte) 0x9c, 0x63, 0x60, 0, 0, 0, 2, 0, 1, 0}, 11);
        chunk(b, "IEND", new byte[0]);
        return b.array();
    }

    private static void chunk(ByteBuffer b, String type, byte[] data) {
        chunk(b, type, data, data.length);
    }

    private static void chunk(ByteBuffer b, String type, byte[] data, int n) {
        b.putInt(n);
        byte[] t = type.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        b.put(t).put(data, 0, n);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data, 0, n);
        b.putInt((int) crc.getValue());
    }

    private Run refusedQuickly(String name, byte[] bytes, String expected) throws Exception {
        Path in = dir.resolve(name);
        Files.write(in, bytes);
        Path out = dir.resolve("out-" + name);
        long t0 = System.nanoTime();
        Run r = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> hush("image", in.toString(), "-o", out.toString()));
        double secs = (System.nanoTime() - t0) / 1e9;
        assertEquals(1, r.code(), name + ": " + r.err());
        assertTrue(r.err().contains(expected), name + ": " + r.err());
        assertTrue(secs < 10, name + " took " + secs + " s");
        assertFalse(Files.exists(out), "no output for " + name);
        return r;
    }

    @Test
    void tinyImagesClaimingHugeSizesOrLoopingAreRefusedBeforeDecoding() throws Exception {
        Runtime rt = Runtime.getRuntime();
        refusedQuickly("claims-40000.tif", tiff(40000, 40000, 1, 0), "more than a 1024-byte file can hold");
        refusedQuickly("claims-46000-deflate.tif", tiff(46000, 46000, 8, 0), "more than a 1024-byte file can hold");
        refusedQuickly("claims-100000-lzw.tif", tiff(100000, 100000, 5, 0), "more than a 1024-byte file can hold");
        refusedQuickly("loops.tif", tiff(16, 16, 1, 8), "loops back");
        refusedQuickly("outside.tif", tiff(16, 16, 1, 1 << 20), "outside the 1024-byte file");
        refusedQuickly("claims-40000.png", png(40000, 40000), "more than a " + png(1, 1).length + "-byte file can hold");
        refusedQuickly("claims-100000.png", png(100000, 100000), "more than a " + png(1, 1).length
                + "-byte file can hold");
        // Nothing near the claimed sizes was allocated.
        assertTrue(rt.totalMemory() - rt.freeMemory() < (1L << 30), "heap in use " + (rt.totalMemory() - rt.freeMemory()));
    }

    @Test
    void thePixelLimitAndBandByBandOptionsSayWhatIsWrong() throws Exception {
        Path in = dir.resolve("plane.tif");
        byte[] px = new byte[40 * 30];
        for (int i = 0; i < px.length; i++) {
            px[i] = (byte) (i * 7);
        }
        assertTrue(new FileSaver(new ImagePlus("plane", new ByteProcessor(40, 30, px))).saveAsTiff(in.toString()));
        Path out = dir.resolve("out.tif");
        Run r = hush("image", in.toString(), "-o", out.toString(), "--max-pixels", "1k");
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().contains("1200 pixels, above the limit of 1000") && r.err().contains("--max-pixels 1200"),
                r.err());
        assertFalse(Files.exists(out));
        for (String[] bad : new String[][] {{"--max-pixels", "0"}, {"--max-pixels", "lots"}, {"--band-rows", "-3"}}) {
            Run u = hush("image", in.toString(), "-o", out.toString(), bad[0], bad[1]);
            assertEquals(2, u.code(), String.join(" ", bad) + ": " + u.err());
        }
        Run res = hush("image", in.toString(), "-o", out.toString(), "--stream", "--residual",
                dir.resolve("noise.tif").toString());
        assertEquals(1, res.code(), res.err());
        assertTrue(res.err().contains("--residual cannot be written"), res.err());
        Run ok = hush("image", in.toString(), "-o", out.toString(), "--stream", "--band-rows", "7", "-m", "image-gray-fast");
        assertEquals(0, ok.code(), ok.err());
        assertTrue(ok.err().contains("band by band") || ok.out().contains("band by band"), ok.out() + ok.err());
        assertEquals(40, new Opener().openImage(out.toString()).getWidth());
    }

    @Test
    void realImagesStillPassTheHeaderCheck() throws Exception {
        ImageStack stack = new ImageStack(40, 30);
        for (int z = 0; z < 3; z++) {
            byte[] px = new byte[40 * 30];
            for (int i = 0; i < px.length; i++) {
                px[i] = (byte) (i * (z + 1));
            }
            stack.addSlice(new ByteProcessor(40, 30, px));
        }
        Path tif = dir.resolve("stack.tif");
        assertTrue(new FileSaver(new ImagePlus("stack", stack)).saveAsTiffStack(tif.toString()));
        Path png = dir.resolve("plane.png");
        assertTrue(new FileSaver(new ImagePlus("plane", stack.getProcessor(2))).saveAsPng(png.toString()));
        Run t = hush("image", tif.toString(), "-o", dir.resolve("stack-out.tif").toString());
        assertEquals(0, t.code(), t.err());
        assertEquals(3, new Opener().openImage(dir.resolve("stack-out.tif").toString()).getStackSize());
        // The 16×16 plane of the crafted TIFF itself is read once its chain ends.
        Files.write(dir.resolve("small.tif"), tiff(16, 16, 1, 0));
        Run s = hush("image", dir.resolve("small.tif").toString(), "-o", dir.resolve("small-out.tif").toString());
        assertEquals(0, s.code(), s.err());
        Run p = hush("image", png.toString(), "-o", dir.resolve("plane-out.png").toString());
        assertEquals(0, p.code(), p.err());
    }

    /** A 16-bit PCM WAV with the given header, holding {@code dataBytes} zero bytes of samples. */
    static byte[] wav(int channels, int rate, int dataBytes) {
        ByteBuffer b = ByteBuffer.allocate(44 + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(36 + dataBytes)
                .put("WAVEfmt ".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(16)
                .putShort((short) 1).putShort((short) channels).putInt(rate).putInt(rate * 2 * channels)
                .putShort((short) (2 * channels)).putShort((short) 16)
                .put("data".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(dataBytes);
        return b.array();
    }

    private void audioRefusedQuickly(String name, byte[] bytes, String... expected) throws Exception {
        Path in = dir.resolve(name);
        Files.write(in, bytes);
        Path out = dir.resolve("out-" + name);
        long t0 = System.nanoTime();
        Run r = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> hush("audio", in.toString(), "-o", out.toString()));
        double secs = (System.nanoTime() - t0) / 1e9;
        assertEquals(1, r.code(), name + ": " + r.err());
        for (String e : expected) {
            assertTrue(r.err().contains(e), name + ": " + r.err());
        }
        assertTrue(secs < 20, name + " took " + secs + " s");
        assertFalse(Files.exists(out), "no output for " + name);
    }

    @Test
    void audioWithThousandsOfChannelsOrAFewHertzIsRefused() throws Exception {
        audioRefusedQuickly("4096-channels.wav", wav(4096, 16000, 32 * 1024), "has 4096 channels", "at most 64");
        audioRefusedQuickly("one-hertz.wav", wav(1, 1, 40_000), "is at 1 Hz", "1000–768000 Hz");
        audioRefusedQuickly("too-fast.wav", wav(1, 2_000_000, 40_000), "is at 2000000 Hz");
        // The limits themselves are allowed: 64 channels, 1 kHz.
        Path edge = dir.resolve("edge.wav");
        Files.write(edge, wav(2, 1000, 4000));
        Run ok = hush("audio", edge.toString(), "-o", dir.resolve("edge-out.wav").toString());
        assertEquals(0, ok.code(), ok.err());
    }

    /** A shipped model with one metadata key set to {@code value}, written to {@code name} in the test folder. */
    private Path shippedWith(String shipped, String name, String key, String value) throws Exception {
        ModelProto.Builder m = ModelProto.parseFrom(ShippedModels.bytes(shipped)).toBuilder();
        boolean found = false;
        for (int i = 0; i < m.getMetadataPropsCount(); i++) {
            if (m.getMetadataProps(i).getKey().equals(key)) {
                m.setMetadataProps(i, StringStringEntryProto.newBuilder().setKey(key).setValue(value));
                found = true;
            }
        }
        if (!found) {
            m.addMetadataProps(StringStringEntryProto.newBuilder().setKey(key).setValue(value));
        }
        Path f = dir.resolve(name);
        Files.write(f, m.build().toByteArray());
        return f;
    }

    /**
     * A shipped model whose output is multiplied by {@code factor} (NaN: every output NaN; +Inf: every non-zero
     * output infinite): a damaged model that loads and runs.
     */
    private Path shippedTimes(String shipped, String name, float factor) throws Exception {
        ModelProto.Builder m = ModelProto.parseFrom(ShippedModels.bytes(shipped)).toBuilder();
        GraphProto.Builder g = m.getGraphBuilder();
        String out = g.getOutput(0).getName();
        g.addInitializer(TensorProto.newBuilder().setName("hostile_factor").setDataType(TensorProto.DataType.FLOAT_VALUE)
                .setRawData(com.google.protobuf.ByteString.copyFrom(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN)
                        .putFloat(factor).array())));
        g.addNode(NodeProto.newBuilder().setOpType("Mul").addInput(out).addInput("hostile_factor").addOutput("hostile_out"));
        g.setOutput(0, g.getOutput(0).toBuilder().setName("hostile_out"));
        Path f = dir.resolve(name);
        Files.write(f, m.build().toByteArray());
        return shippedWith(f, name, ModelContract.OUTPUT_NAME, "hostile_out");
    }

    private Path shippedWith(Path model, String name, String key, String value) throws Exception {
        ModelProto.Builder m = ModelProto.parseFrom(Files.readAllBytes(model)).toBuilder();
        for (int i = 0; i < m.getMetadataPropsCount(); i++) {
            if (m.getMetadataProps(i).getKey().equals(key)) {
                m.setMetadataProps(i, StringStringEntryProto.newBuilder().setKey(key).setValue(value));
            }
        }
        Files.write(model, m.build().toByteArray());
        return model;
    }

    private Path grey(String name, int w, int h) {
        Path f = dir.resolve(name);
        assertTrue(new FileSaver(new ImagePlus(name, new ByteProcessor(w, h, HushCliTest.toBytes(
                HushCliTest.scene(w, h, 10, w, 1))))).saveAsPng(f.toString()));
        return f;
    }

    @Test
    void hugeOrNegativeSizesInAModelsMetadataAreRefusedWhenItOpens() throws Exception {
        Path in = grey("in.png", 48, 40);
        Path wav = dir.resolve("in.wav");
        Files.write(wav, wav(1, 16000, 16000));
        String[][] image = {{ModelContract.HALO, "50000"}, {ModelContract.HALO, "1000000"}, {ModelContract.HALO, "-3"}};
        for (String[] c : image) {
            Path model = shippedWith("image-gray-fast", "halo" + c[1] + ".onnx", c[0], c[1]);
            Run r = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> hush("image", in.toString(), "-o",
                    dir.resolve("out.png").toString(), "--model", model.toString()));
            assertEquals(1, r.code(), r.err());
            assertTrue(r.err().contains("'hush.halo' = '" + c[1] + "'") && r.err().contains("0–1024 pixels"), r.err());
        }
        String[][] audio = {{ModelContract.AUDIO_CONTEXT, "2147483647"}, {ModelContract.AUDIO_CONTEXT, "-1"},
                {ModelContract.AUDIO_LOOKAHEAD, "100000000"}, {ModelContract.AUDIO_LOOKAHEAD, "-8"}};
        for (String[] c : audio) {
            Path model = shippedWith("audio-speech-small", "frames" + c[1] + ".onnx", c[0], c[1]);
            Run r = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> hush("audio", wav.toString(), "-o",
                    dir.resolve("out.wav").toString(), "--model", model.toString()));
            assertEquals(1, r.code(), r.err());
            assertTrue(r.err().contains(c[0]) && r.err().contains("0–4096 frames"), r.err());
            assertFalse(r.err().contains("Exception"), r.err());
        }
        assertFalse(Files.exists(dir.resolve("out.png")) || Files.exists(dir.resolve("out.wav")));
    }

    @Test
    void aModelThatOutputsNanOrInfinityWritesNothing() throws Exception {
        Path a = grey("a.png", 48, 40);
        Path b = grey("b.png", 40, 48);
        for (float factor : new float[] {Float.NaN, Float.POSITIVE_INFINITY}) {
            Path model = shippedTimes("image-gray-fast", "times" + factor + ".onnx", factor);
            Path out = dir.resolve("out-" + factor + ".png");
            Run one = hush("image", a.toString(), "-o", out.toString(), "--model", model.toString());
            assertEquals(1, one.code(), one.err());
            assertTrue(one.err().contains("NaN or infinite value(s)") && one.err().contains("nothing is written"),
                    one.err());
            assertFalse(Files.exists(out));
            Path folder = dir.resolve("batch-" + factor);
            Run batch = hush("image", a.toString(), b.toString(), "-o", folder.toString(), "--model", model.toString());
            assertEquals(1, batch.code(), batch.err());
            assertTrue(batch.err().contains("2 file(s) failed"), batch.err());
            assertFalse(Files.exists(folder.resolve("a.png")) || Files.exists(folder.resolve("b.png")));
        }
        // The speech model's gains: a NaN mask would give a silent WAV.
        Path wav = dir.resolve("speech.wav");
        Files.write(wav, wav(1, 16000, 32000));
        Path model = shippedTimes("audio-speech-small", "mask-nan.onnx", Float.NaN);
        Run r = hush("audio", wav.toString(), "-o", dir.resolve("speech-out.wav").toString(), "--model", model.toString());
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().contains("NaN or infinite value(s)"), r.err());
        assertFalse(Files.exists(dir.resolve("speech-out.wav")));
        try (java.util.stream.Stream<Path> s = Files.list(dir)) {
            assertFalse(s.anyMatch(p -> p.getFileName().toString().contains(".part")), "no temp files left");
        }
    }

    @Test
    void threadsOutsideTheirRangeAreAUsageError() throws Exception {
        Path in = grey("t.png", 32, 32);
        Path wav = dir.resolve("t.wav");
        Files.write(wav, wav(1, 16000, 3200));
        String max = Integer.toString(dev.hush.runtime.SessionConfig.maxThreads());
        for (String n : new String[] {"100000", "2000", "-1"}) {
            Run image = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> hush("image", in.toString(), "-o",
                    dir.resolve("t-out.png").toString(), "--threads", n));
            assertEquals(2, image.code(), image.err());
            assertTrue(image.err().contains("--threads must be 0 (automatic) or 1–" + max) && image.err().contains(n),
                    image.err());
            Run audio = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> hush("audio", wav.toString(), "-o",
                    dir.resolve("t-out.wav").toString(), "--threads", n));
            assertEquals(2, audio.code(), audio.err());
            assertTrue(audio.err().contains("1–" + max), audio.err());
        }
        assertFalse(Files.exists(dir.resolve("t-out.png")) || Files.exists(dir.resolve("t-out.wav")));
        Run ok = hush("image", in.toString(), "-o", dir.resolve("t-out.png").toString(), "--threads", max);
        assertEquals(0, ok.code(), ok.err());
    }

    @Test
    void twoInputsNeverWriteOneOutputAndOutputsAreNotReadBack() throws Exception {
        Path a = Files.createDirectories(dir.resolve("a"));
        Path b = Files.createDirectories(dir.resolve("b"));
        Files.move(grey("x1.png", 40, 30), a.resolve("x.png"));
        Files.move(grey("x2.png", 30, 40), b.resolve("x.png"));
        Path out = dir.resolve("out");
        Run clash = hush("image", a.resolve("x.png").toString(), b.resolve("x.png").toString(), "-o", out.toString());
        assertEquals(1, clash.code(), clash.err());
        assertTrue(clash.err().contains("would write " + out.resolve("x.png")) && clash.err().contains("writes too"),
                clash.err());
        assertEquals(40, new Opener().openImage(out.resolve("x.png").toString()).getWidth(), "the first input's result");
        // A folder with x.png in two subfolders keeps them apart.
        Path tree = dir.resolve("tree");
        Files.createDirectories(tree);
        Files.move(a, tree.resolve("a"));
        Files.move(b, tree.resolve("b"));
        Path cleaned = tree.resolve("cleaned");
        for (int run = 0; run < 2; run++) {
            Run r = hush("image", tree.toString(), "-o", cleaned.toString());
            assertEquals(0, r.code(), r.err());
            assertTrue(r.err().contains("2 of 2 image(s)"), "run " + run + ": " + r.err());
        }
        assertEquals(30, new Opener().openImage(cleaned.resolve("a/x.png").toString()).getHeight());
        assertEquals(40, new Opener().openImage(cleaned.resolve("b/x.png").toString()).getHeight());
        try (java.util.stream.Stream<Path> s = Files.walk(cleaned)) {
            assertEquals(2, s.filter(Files::isRegularFile).count(), "the second run did not denoise the first's outputs");
        }
    }

    /** Starts {@code hush} in a JVM of its own with {@code heap}, its stderr going to {@code log}. */
    static Process spawn(String heap, Path log, String... args) throws Exception {
        java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx" + heap,
                "-cp", System.getProperty("java.class.path"), Hush.class.getName()));
        cmd.addAll(java.util.List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    @Test
    void anOutOfMemoryErrorOnOneFileDoesNotEndTheBatch() throws Exception {
        Path in = Files.createDirectories(dir.resolve("batch"));
        Files.move(grey("a.png", 40, 30), in.resolve("a.png"));
        Path big = in.resolve("b-big.tif");
        assertTrue(new FileSaver(new ImagePlus("big", new ByteProcessor(5000, 5000))).saveAsTiff(big.toString()));
        Files.move(grey("c.png", 30, 40), in.resolve("c.png"));
        Path out = dir.resolve("out");
        Path log = dir.resolve("hush.log");
        Process p = spawn("96m", log, "image", in.toString(), "-o", out.toString(), "--model", "image-gray-fast");
        assertTrue(p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS), "finished");
        String err = Files.readString(log);
        assertEquals(1, p.exitValue(), err);
        assertTrue(err.contains("b-big.tif: ran out of Java memory") && err.contains("HUSH_JAVA_OPTS"), err);
        assertTrue(err.contains("2 of 3 image(s)") && err.contains("1 file(s) failed"), err);
        assertTrue(Files.exists(out.resolve("a.png")) && Files.exists(out.resolve("c.png")), "the files after it are written");
        assertFalse(Files.exists(out.resolve("b-big.tif")));
    }

    @Test
    void sigtermWhileDenoisingSaysCancelledAndLeavesNoPartialFile() throws Exception {
        int w = 3000;
        Path in = dir.resolve("large.png");
        assertTrue(new FileSaver(new ImagePlus("large", new ByteProcessor(w, w, HushCliTest.toBytes(
                HushCliTest.scene(w, w, 20, 9, 1))))).saveAsPng(in.toString()));
        byte[] before = Files.readAllBytes(in);
        Path outDir = Files.createDirectories(dir.resolve("out"));
        Path log = dir.resolve("cancel.log");
        Process p = spawn("1g", log, "image", in.toString(), "-o", outDir.resolve("large.png").toString(), "--model",
                "image-gray-fast", "--tile", "128", "--threads", "1");
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!Files.readString(log).contains("denoise ") && p.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(p.isAlive(), "still denoising when stopped: " + Files.readString(log));
        p.destroy(); // SIGTERM
        assertTrue(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS), "stopped");
        String err = Files.readString(log);
        assertTrue(err.contains("hush: cancelled"), err);
        assertTrue(p.exitValue() != 0, err);
        try (java.util.stream.Stream<Path> s = Files.list(outDir)) {
            assertEquals(java.util.List.of(), s.toList(), "neither output nor temp file");
        }
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(in)), "the input is intact");
    }
}
