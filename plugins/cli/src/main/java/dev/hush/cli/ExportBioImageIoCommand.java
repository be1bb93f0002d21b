package dev.hush.cli;

import dev.hush.runtime.HushException;
import dev.hush.trainer.bioimageio.BioImageIoPackage;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "bioimageio", mixinStandardHelpOptions = true,
        description = {"Write an image model as a bioimage.io model package (rdf.yaml format 0.4.10 or 0.5.4, ONNX weights,"
                + " test tensors, cover, README) for deepImageJ and other bioimage.io software.",
                "The model is run once on a synthetic test image; its output goes into the package."})
final class ExportBioImageIoCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL",
            description = "Shipped model name ('hush models' lists them) or a .onnx file.")
    String model;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "PKG.zip", description = "Package to write (.zip).")
    Path out;

    @Option(names = "--cite-url", paramLabel = "URL",
            description = "Also cite Hush itself in rdf.yaml, by this URL (the package always cites the network's paper by"
                    + " DOI).")
    String citeUrl;

    @Option(names = "--format", paramLabel = "0.4|0.5", defaultValue = "0.4",
            description = "Model description format: 0.4 (default, 0.4.10: what deepImageJ 3.x reads) or 0.5 (0.5.4:"
                    + " bioimageio.core 0.6 and later, the model zoo's current uploads).")
    String format;

    @Override
    public Integer call() throws HushException {
        // Checked before the model is opened and run, so a typo costs nothing.
        String fileName = out.getFileName() == null ? "" : out.getFileName().toString();
        if (!fileName.toLowerCase(Locale.ROOT).endsWith(".zip")) {
            throw new HushException("a bioimage.io package is a zip archive: give an output file ending in .zip, not '"
                    + out + "'");
        }
        BioImageIoPackage pkg = BioImageIoPackage.open(model).citeUrl(citeUrl).format(format);
        pkg.write(out);
        int[] s = pkg.testShape();
        System.out.printf(Locale.ROOT, "wrote %s: bioimage.io model '%s' (rdf.yaml format %s, weights.onnx, test"
                        + " tensors %s, cover.png, README.md)%n", out, pkg.contract().name(), pkg.formatVersion(),
                java.util.Arrays.stream(s).mapToObj(Integer::toString).collect(java.util.stream.Collectors.joining("×")));
        return 0;
    }
}
