package dev.hush.cli;

import dev.hush.runtime.DenoiserModel;
import dev.hush.runtime.HushException;
import dev.hush.runtime.SessionConfig;
import dev.hush.runtime.ShippedModels;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "models", mixinStandardHelpOptions = true,
        description = "List the shipped models with their contract, one line each.")
final class ModelsCommand implements Callable<Integer> {
    @Option(names = "--card", paramLabel = "NAME", description = "Print the model card of one shipped model.")
    String card;

    @Override
    public Integer call() throws HushException {
        if (card != null) {
            System.out.println(ShippedModels.card(card));
            return 0;
        }
        if (ShippedModels.names().isEmpty()) {
            System.out.println("no shipped models on the classpath");
            return 0;
        }
        for (String name : ShippedModels.names()) {
            try (DenoiserModel m = DenoiserModel.openShipped(name, SessionConfig.defaults())) {
                System.out.printf("%-22s %s%n", name, m.contract().summary());
            }
        }
        return 0;
    }
}
