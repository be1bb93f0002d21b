package dev.hush.cli;

import dev.hush.runtime.DenoiserModel;
import dev.hush.runtime.HushException;
import dev.hush.runtime.SessionConfig;
import dev.hush.runtime.ShippedModels;
import dev.hush.runtime.UserModels;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "models", mixinStandardHelpOptions = true,
        description = {"List the shipped models and your own, one line each with their contract.",
                "Your models: every NAME.onnx in $HUSH_MODELS, else ~/.hush/models."})
final class ModelsCommand implements Callable<Integer> {
    @Option(names = "--card", paramLabel = "NAME", description = "Print the model card of one shipped or user model.")
    String card;

    @Override
    public Integer call() throws HushException {
        if (card != null) {
            if (ShippedModels.names().contains(card)) {
                System.out.println(ShippedModels.card(card));
            } else {
                System.out.println(UserModels.card(card).orElseThrow(() -> new HushException("no model card for '" + card
                        + "': not a shipped model (" + String.join(", ", ShippedModels.names()) + ") and no " + card
                        + ".md in " + UserModels.folder())));
            }
            return 0;
        }
        if (ShippedModels.names().isEmpty()) {
            System.out.println("no shipped models on the classpath");
        }
        for (String name : ShippedModels.names()) {
            try (DenoiserModel m = DenoiserModel.openShipped(name, SessionConfig.defaults())) {
                System.out.printf("%-22s %s%n", name, m.contract().summary());
            }
        }
        List<String> mine = UserModels.names();
        if (!mine.isEmpty()) {
            System.out.println("your models (" + UserModels.folder() + "):");
        }
        for (String name : mine) {
            try (DenoiserModel m = DenoiserModel.open(UserModels.find(name).orElseThrow(), SessionConfig.defaults())) {
                System.out.printf("%-22s %s%n", name, m.contract().summary());
            } catch (HushException e) {
                System.out.printf("%-22s not usable: %s%n", name, e.getMessage());
            }
        }
        return 0;
    }
}
