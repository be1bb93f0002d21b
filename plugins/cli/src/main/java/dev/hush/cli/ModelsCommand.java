package dev.hush.cli;

import dev.hush.runtime.DenoiserModel;
import dev.hush.runtime.HushException;
import dev.hush.runtime.RunContext;
import dev.hush.runtime.SessionConfig;
import dev.hush.runtime.ShippedModels;
import dev.hush.runtime.bioimageio.BioImageIoModel;
import dev.hush.runtime.UserModels;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "models", mixinStandardHelpOptions = true,
        description = {"List the shipped models and your own, one line each with their contract.",
                "Your models: every NAME.onnx in $HUSH_MODELS, else ~/.hush/models."})
final class ModelsCommand implements Callable<Integer> {
    /** bioimage.io's own test compares with a relative tolerance of this order. */
    static final double CHECK_TOLERANCE = 1e-3;

    @Option(names = "--card", paramLabel = "NAME|FILE.onnx", description = "Print the model card of one shipped or user"
            + " model, or of a .onnx file (its NAME.md beside it).")
    String card;

    @Option(names = "--check", paramLabel = "PACKAGE.zip", description = "Run a bioimage.io package's own test input"
            + " through Hush and compare with its test output (exit 1 when they differ by more than 1e-3 of its range).")
    Path check;

    @Override
    public Integer call() throws HushException {
        if (check != null) {
            BioImageIoModel pkg = BioImageIoModel.read(check);
            try (DenoiserModel m = pkg.openAsPackaged(SessionConfig.defaults())) {
                System.out.println(m.contract().summary());
                System.out.println("axes " + pkg.axes().get(0) + " in, " + pkg.axes().get(1) + " out");
                BioImageIoModel.Check c = pkg.check(m, new RunContext());
                boolean ok = c.relative() <= CHECK_TOLERANCE;
                System.out.printf(Locale.ROOT, "test output %s: largest difference %.3g (%.2g of its range %.4g)%n",
                        ok ? "reproduced" : "NOT reproduced", c.maxAbsDiff(), c.relative(), c.outputRange());
                return ok ? 0 : Hush.EXIT_FAILED;
            }
        }
        if (card != null) {
            System.out.println(card(card));
            return 0;
        }
        if (ShippedModels.names().isEmpty()) {
            System.out.println("no shipped models on the classpath");
        }
        for (String name : ShippedModels.names()) {
            System.out.printf("%-22s %s%n", name, DenoiserModel.readContract(name).summary());
        }
        for (String name : dev.hush.runtime.latent.LatentCodec.shippedCodecs()) {
            System.out.printf("%-22s codec for hush encode / hush decode (NAME.encoder.onnx + NAME.decoder.onnx; card:"
                    + " hush models --card %s)%n", name, name);
        }
        List<String> mine = UserModels.names();
        if (!mine.isEmpty()) {
            System.out.println("your models (" + UserModels.folder() + "):");
        }
        for (String name : mine) {
            try {
                System.out.printf("%-22s %s%n", name,
                        DenoiserModel.readContract(UserModels.find(name).orElseThrow().toString()).summary());
            } catch (HushException e) {
                System.out.printf("%-22s not usable: %s%n", name, e.getMessage());
            }
        }
        return 0;
    }

    /**
     * The card of a shipped model, of a user model (NAME.md beside NAME.onnx in the folder) or of a .onnx file (its
     * sibling NAME.md). Nothing else is read: a name such as {@code ../../notes} or a path to some other file is
     * refused, so --card cannot print files from outside the model folders.
     */
    static String card(String nameOrFile) throws HushException {
        if (ShippedModels.names().contains(nameOrFile)) {
            return ShippedModels.card(nameOrFile);
        }
        if (dev.hush.runtime.latent.LatentCodec.shippedCodecs().contains(nameOrFile)) {
            return new String(ShippedModels.file(nameOrFile + ".md"), java.nio.charset.StandardCharsets.UTF_8);
        }
        Optional<String> text = UserModels.card(nameOrFile);
        if (text.isEmpty() && nameOrFile.endsWith(".onnx")) {
            try {
                text = UserModels.cardBeside(Path.of(nameOrFile));
            } catch (InvalidPathException e) {
                text = Optional.empty();
            }
        }
        return text.orElseThrow(() -> new HushException("no model card for '" + nameOrFile + "': --card takes a shipped"
                + " model's name (" + String.join(", ", ShippedModels.names()) + "), the name of one of your models with"
                + " NAME.onnx and NAME.md in " + UserModels.folder() + ", or a model file NAME.onnx whose card NAME.md lies"
                + " beside it; no other file is printed"));
    }
}
