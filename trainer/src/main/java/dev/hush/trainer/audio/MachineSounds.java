package dev.hush.trainer.audio;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Generated machine recordings for the demonstration sound anomaly model: a rotating machine (a hum at 30–150 Hz with
 * its harmonics up to 4 kHz, a slow wobble of speed), a fan (low-passed noise) and, in half of the designs, a valve
 * ticking 2–8 times a second, at 16 kHz. A machine number fixes the design; each recording of it varies a little, so
 * a model learns one machine's normal sound, as users train on recordings of their own machine. Anomalies are
 * {@link #ANOMALIES}: a {@code knock} (irregular impacts: a broadband click and a short ring at 400–1500 Hz), a {@code squeal} (a tone at
 * 2–6 kHz with vibrato) or a {@code rattle} (bursts of 2–5 kHz noise, 10–25 a second: a loose part), lasting
 * 0.3–1.5 s, with the samples they cover. (A change of speed is not among them: a convolutional model over the
 * spectrogram sees harmonics the same wherever they lie, so it finds only the moment of the change.)
 */
public final class MachineSounds {
    public static final int RATE = 16_000;
    public static final List<String> ANOMALIES = List.of("knock", "squeal", "rattle");

    /** A recording and, per sample, whether it lies in the anomaly (all false for a normal one). */
    public record Recording(float[] samples, boolean[] anomalous, String kind) {
    }

    private MachineSounds() {
    }

    /** The machine of the demonstration model: {@link #normal(double, SplittableRandom)} records this one. */
    public static final long DEMO_MACHINE = 1;

    /** A normal recording of {@code seconds} of the demonstration machine. */
    public static Recording normal(double seconds, SplittableRandom rnd) {
        return make(DEMO_MACHINE, seconds, null, rnd);
    }

    /** A recording of {@code seconds} of the demonstration machine with one anomaly of {@code kind}. */
    public static Recording anomalous(double seconds, String kind, SplittableRandom rnd) {
        return anomalous(DEMO_MACHINE, seconds, kind, rnd);
    }

    /**
     * A recording of machine number {@code machine} (its design: speed, harmonics, fan, valve) with one anomaly of
     * {@code kind} (one of {@link #ANOMALIES}), or none when {@code kind} is null.
     */
    public static Recording anomalous(long machine, double seconds, String kind, SplittableRandom rnd) {
        if (kind != null && !ANOMALIES.contains(kind)) {
            throw new IllegalArgumentException("unknown machine anomaly '" + kind + "'; use " + String.join(", ",
                    ANOMALIES));
        }
        return make(machine, seconds, kind, rnd);
    }

    /**
     * One recording: the machine's design comes from {@code machine}; each recording varies it a little (speed ±1 %,
     * fan and valve levels ±2 dB, valve rate ±3 %, phases, the overall gain), as the same machine does from day to day.
     */
    private static Recording make(long machine, double seconds, String kind, SplittableRandom rnd) {
        int n = (int) Math.round(seconds * RATE);
        if (n < RATE / 2) {
            throw new IllegalArgumentException("machine recordings last at least 0.5 s");
        }
        SplittableRandom design = new SplittableRandom(machine * 0x9E3779B97F4A7C15L + 12345);
        double f0 = 30 * Math.pow(5, design.nextDouble()) * (1 + rnd.nextDouble(-0.01, 0.01));
        double tilt = design.nextDouble(0.5, 1.5);
        int harmonics = (int) Math.min(60, 4000 / f0);
        double[] amp = new double[harmonics + 1];
        double[] phase = new double[harmonics + 1];
        for (int h = 1; h <= harmonics; h++) {
            amp[h] = Math.pow(h, -tilt) * design.nextDouble(0.3, 1);
            phase[h] = rnd.nextDouble(0, 2 * Math.PI);
        }
        double wobbleRate = design.nextDouble(0.1, 0.5);
        double wobbleDepth = design.nextDouble(0, 0.004);
        double fanLevel = Math.pow(10, (design.nextDouble(-25, -8) + rnd.nextDouble(-2, 2)) / 20);
        double fanPole = design.nextDouble(0.6, 0.97);
        boolean valve = design.nextBoolean();
        double valveRate = design.nextDouble(2, 8) * (1 + rnd.nextDouble(-0.03, 0.03));
        double valveFreq = design.nextDouble(1000, 3000);
        double valveLevel = Math.pow(10, (design.nextDouble(-20, -8) + rnd.nextDouble(-2, 2)) / 20);

        boolean[] marked = new boolean[n];
        int a0 = 0;
        int a1 = 0;
        if (kind != null) {
            int len = (int) (rnd.nextDouble(0.3, Math.min(1.5, seconds / 3)) * RATE);
            a0 = rnd.nextInt(Math.max(1, n - len));
            a1 = Math.min(n, a0 + len);
            for (int i = a0; i < a1; i++) {
                marked[i] = true;
            }
        }
        double rattleRate = rnd.nextDouble(10, 25);
        double rattleLevel = Math.pow(10, rnd.nextDouble(-18, -8) / 20);
        double rattlePole = rnd.nextDouble(0.2, 0.6);
        double squealFreq = rnd.nextDouble(2000, 6000);
        double squealLevel = Math.pow(10, rnd.nextDouble(-22, -12) / 20);
        double knockFreq = rnd.nextDouble(400, 1500);

        float[] out = new float[n];
        double rot = 0;
        double fan = 0;
        double valvePhase = rnd.nextDouble();
        double ring = 0;
        double ringPhase = 0;
        double knock = 0;
        double knockPhase = 0;
        double clickEnvelope = 0;
        double squealPhase = 0;
        double rattleHp = 0;
        for (int i = 0; i < n; i++) {
            double t = i / (double) RATE;
            boolean in = i >= a0 && i < a1;
            double speed = f0 * (1 + wobbleDepth * Math.sin(2 * Math.PI * wobbleRate * t));
            rot += 2 * Math.PI * speed / RATE;
            double v = 0;
            for (int h = 1; h <= harmonics; h++) {
                if (h * speed < RATE / 2.0 - 500) {
                    v += amp[h] * Math.sin(h * rot + phase[h]);
                }
            }
            v *= 0.3;
            fan = fanPole * fan + (1 - fanPole) * gaussian(rnd);
            v += fanLevel * fan * 3;
            if (valve) {
                valvePhase += valveRate / RATE;
                if (valvePhase >= 1) {
                    valvePhase -= 1;
                    ring = valveLevel;
                }
                ringPhase += 2 * Math.PI * valveFreq / RATE;
                v += ring * Math.sin(ringPhase);
                ring *= 0.997;
            }
            if (in && "knock".equals(kind)) {
                // An impact: a broadband click (decaying noise, ~3 ms) and a short ring of the struck part.
                if (rnd.nextDouble() < 8.0 / RATE) {
                    knock = rnd.nextDouble(0.2, 0.5);
                    clickEnvelope = 1;
                }
                knockPhase += 2 * Math.PI * knockFreq / RATE;
                v += knock * (0.6 * gaussian(rnd) * clickEnvelope + 0.4 * Math.sin(knockPhase));
                knock *= 0.995;
                clickEnvelope *= 0.985;
            }
            if (in && "squeal".equals(kind)) {
                squealPhase += 2 * Math.PI * squealFreq * (1 + 0.01 * Math.sin(2 * Math.PI * 5 * t)) / RATE;
                v += squealLevel * Math.sin(squealPhase);
            }
            if (in && "rattle".equals(kind)) {
                // Bursts: the first 30 % of each period; the noise is high-passed (a difference of low-passed noise).
                double burst = (t * rattleRate) % 1 < 0.3 ? 1 : 0;
                double g = gaussian(rnd);
                rattleHp = rattlePole * rattleHp + (1 - rattlePole) * g;
                v += burst * rattleLevel * (g - rattleHp) * 2;
            }
            v += 0.001 * gaussian(rnd);
            out[i] = (float) v;
        }
        double peak = 1e-9;
        for (float s : out) {
            peak = Math.max(peak, Math.abs(s));
        }
        double gain = Math.pow(10, rnd.nextDouble(-12, -1) / 20) / peak;
        for (int i = 0; i < n; i++) {
            out[i] = (float) (out[i] * gain);
        }
        return new Recording(out, marked, kind == null ? "normal" : kind);
    }

    private static double gaussian(SplittableRandom rnd) {
        double u = 1 - rnd.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rnd.nextDouble());
    }
}
