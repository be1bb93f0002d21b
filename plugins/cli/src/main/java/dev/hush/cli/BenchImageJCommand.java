package dev.hush.cli;

import dev.hush.runtime.io.AtomicFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "imagej", mixinStandardHelpOptions = true,
        description = {"What the ImageJ plugin adds over the runtime API, on a 16-bit stack.",
                "The stack is denoised through the runtime API and through Denoise Image...'s code path (same model, tile, threads), with each one's time inside and",
                "outside ONNX Runtime. Writes bench-imagej.md to the output folder."})
final class BenchImageJCommand implements Callable<Integer> {
    @Option(names = "--size", defaultValue = "2048", description = "Plane width and height (default ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--planes", defaultValue = "50", description = "Planes in the stack (default ${DEFAULT-VALUE}).")
    int planes;

    @Option(names = "--threads", defaultValue = "0", description = "ONNX Runtime threads (default 0: all cores).")
    int threads;

    @Option(names = "--tile", defaultValue = "0", description = "Tile size (default 0: automatic).")
    int tile;

    @Option(names = {"-m", "--model"}, defaultValue = "image-gray-small", description = "Model (default ${DEFAULT-VALUE}).")
    String model;

    @Option(names = {"-o", "--out"}, defaultValue = "bench-out", description = "Output folder (default ${DEFAULT-VALUE}).")
    Path out;

    @Override
    public Integer call() throws Exception {
        System.setProperty("java.awt.headless", "true");
        ProgressBar bar = new ProgressBar(System.err, "bench", "planes");
        ImageJBenchmark.Result r = ImageJBenchmark.run(size, size, planes, model, threads, tile, bar::update);
        String md = r.markdown();
        System.out.print(md);
        AtomicFile.write(out.resolve("bench-imagej.md"), ("# hush bench imagej\n\n" + md).getBytes(StandardCharsets.UTF_8));
        System.err.println("wrote " + out.resolve("bench-imagej.md"));
        return 0;
    }
}
