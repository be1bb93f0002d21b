package dev.hush.trainer.image;

import dev.hush.trainer.Recipes;
import dev.hush.runtime.ModelContract;
import java.util.Locale;
import java.util.Map;

/** Writes the markdown model card for an image model from what its training actually did. */
public final class ModelCard {
    private ModelCard() {
    }

    public static String image(ImageTrainingConfig config, ImageTrainer.Result result, Map<String, String> metadata,
                               String quality, String machine) {
        int channels = config.channels();
        boolean level = ModelContract.NOISE_LEVEL_PLANE.equals(metadata.get(ModelContract.NOISE_LEVEL_INPUT));
        StringBuilder sb = new StringBuilder();
        sb.append("# ").append(config.name()).append("\n\n");
        sb.append(config.description()).append(".\n\n");
        sb.append("## What it is\n");
        sb.append("- Architecture: `").append(metadata.get(ModelContract.ARCHITECTURE)).append("`, ")
                .append(String.format(Locale.ROOT, "%,d", result.network().macsPerPixel())).append(" multiply-adds per pixel.\n");
        sb.append("- Input: float32 N×").append(channels + (level ? 1 : 0)).append("×H×W, any H and W: ")
                .append(channels == 1 ? "a grey image" : "an R, G, B image")
                .append(level ? " plus a constant plane with the noise standard deviation in normalised units (the runtime"
                        + " estimates it from the image, or takes the user's --sigma)" : "")
                .append("; normalised by the ")
                .append(metadata.get(ModelContract.NORM_LOW)).append(" and ").append(metadata.get(ModelContract.NORM_HIGH))
                .append(" percentiles of the image (mapped to 0 and 1); output: the clean image in the same units.\n");
        sb.append("- Halo (receptive-field radius): ").append(metadata.get(ModelContract.HALO)).append(" px; size multiple ")
                .append(metadata.get(ModelContract.SIZE_MULTIPLE)).append(".\n\n");
        sb.append("## Data and noise\n");
        sb.append("- Training mode: ").append(metadata.get(ModelContract.TRAINING_MODE)).append(".\n");
        sb.append("- Training data: ").append(metadata.get(ModelContract.DATA)).append('.');
        if (dev.hush.trainer.image.data.CleanImages.isBuiltIn(config.data())) {
            sb.append(" Every patch is generated on the fly; no photograph or microscopy image was used.");
        }
        sb.append("\n- Noise: `").append(metadata.get(ModelContract.NOISE_MODEL))
                .append("` (levels on the 0–255 scale; clip = probability that a noisy image is clipped to [0, 1], as"
                        + " 8-bit files are; spec syntax in docs/training.md).\n");
        sb.append("- Not trained for: noise kinds outside that spec, structured or correlated noise")
                .append(channels == 1 ? ", colour images (a colour image is denoised channel by channel).\n\n"
                        : ", noise correlated across colour channels (e.g. after demosaicing).\n\n");
        sb.append("## Training\n");
        sb.append(String.format(Locale.ROOT, "- %d steps of %s patches of %s px, Adam, cosine learning rate from %s, seed %s;"
                + " loss: %s.%n", result.steps(), config.batch(), config.patch(), Recipes.format(config.lr()),
                config.seed(), config.mode().equals("n2v") ? "squared error at the blind spots"
                        : config.loss().equals("psnr") ? "mean over patches of ln(squared error + 1e-5), so each"
                        + " patch's PSNR counts alike" : "mean squared error"));
        sb.append(String.format(Locale.ROOT, "- Time on %s: %.0f s in this run (%.1f patches/s, about %.1f GFLOP/s"
                + " achieved).%n", machine, result.seconds(), result.patchesPerSecond(), result.gflops()));
        sb.append(dev.hush.trainer.TrainingLoop.resumedNote(result.steps(), result.totalSteps(), result.totalSeconds()));
        sb.append(String.format(Locale.ROOT, "- Export check: max |DJL − ONNX Runtime| = %.2e on a 45×53 input.%n%n",
                result.exportMaxDiff()));
        sb.append("## Quality\n");
        sb.append(quality).append('\n');
        sb.append("## Recipe\n");
        sb.append("Made with `hush train image --recipe models/recipes/").append(config.name())
                .append(".properties`:\n\n```properties\n").append(config.toRecipe()).append("```\n");
        return sb.toString();
    }
}
