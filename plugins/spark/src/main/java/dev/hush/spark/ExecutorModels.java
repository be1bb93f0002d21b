package dev.hush.spark;

import dev.hush.runtime.DenoiserModel;
import dev.hush.runtime.Device;
import dev.hush.runtime.Domain;
import dev.hush.runtime.HushException;
import dev.hush.runtime.SessionConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The models open in this JVM (one Spark executor, or the driver in local mode): each is opened once, on the first
 * task that needs it, and shared by every task after it (ONNX Runtime sessions are thread-safe); all are closed by a
 * shutdown hook. Keyed by domain, model, device and threads.
 */
final class ExecutorModels {
    private static final Map<String, DenoiserModel> OPEN = new ConcurrentHashMap<>();
    private static final AtomicInteger OPENED = new AtomicInteger();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(ExecutorModels::closeAll, "hush-close-models"));
    }

    private ExecutorModels() {
    }

    /**
     * The model {@code nameOrPath} for {@code domain}: a shipped model's name, a model in the user's folder, a local
     * .onnx file or bioimage.io package, or either on any Hadoop file system ({@code hdfs://…}, {@code s3a://…}) read
     * with {@code conf}; null means the first shipped model of the domain.
     */
    static DenoiserModel get(Domain domain, String nameOrPath, String device, int threads, Configuration conf)
            throws HushException {
        String key = domain.key() + '\n' + nameOrPath + '\n' + device + '\n' + threads;
        DenoiserModel m = OPEN.get(key);
        if (m != null) {
            return m;
        }
        synchronized (OPEN) {
            m = OPEN.get(key);
            if (m == null) {
                Device d;
                try {
                    d = Device.parse(device);
                } catch (IllegalArgumentException e) {
                    throw new HushException(HushException.Code.INVALID_INPUT, e.getMessage(), e);
                }
                m = open(domain, nameOrPath, new SessionConfig(d, threads), conf);
                OPEN.put(key, m);
                OPENED.incrementAndGet();
            }
            return m;
        }
    }

    private static DenoiserModel open(Domain domain, String nameOrPath, SessionConfig config, Configuration conf)
            throws HushException {
        if (nameOrPath != null && hasScheme(nameOrPath)) {
            Path p = new Path(nameOrPath);
            try {
                FileSystem fs = p.getFileSystem(conf);
                long size = fs.getFileStatus(p).getLen();
                if (size > Integer.MAX_VALUE) {
                    throw new HushException("model file " + p + " is " + size / (1 << 20) + " MB; ONNX files are limited"
                            + " to 2 GB (protobuf), so this is not a model Hush can load");
                }
                byte[] bytes;
                try (InputStream in = fs.open(p)) {
                    bytes = in.readAllBytes();
                }
                if (isZip(bytes)) {
                    return DenoiserModel.requireDomain(fromPackage(bytes, config), domain);
                }
                return DenoiserModel.requireDomain(DenoiserModel.fromBytes(bytes, p.toString(), config), domain);
            } catch (IOException e) {
                throw new HushException("cannot read model file " + p + ": " + e.getMessage(), e);
            }
        }
        return DenoiserModel.openNamed(nameOrPath, config, domain);
    }

    /** A zip archive (a bioimage.io package) starts with the local file header's signature PK\3\4. */
    static boolean isZip(byte[] b) {
        return b.length >= 4 && b[0] == 'P' && b[1] == 'K' && b[2] == 3 && b[3] == 4;
    }

    /**
     * A bioimage.io package read from a shared file system: the runtime reads packages from local files, so the bytes
     * go to a private temporary file for the time it takes to open it (its entries are read into memory).
     */
    private static DenoiserModel fromPackage(byte[] zip, SessionConfig config) throws HushException {
        java.nio.file.Path tmp = null;
        try {
            tmp = java.nio.file.Files.createTempFile("hush-package-", ".zip");
            java.nio.file.Files.write(tmp, zip);
            return DenoiserModel.open(tmp, config);
        } catch (IOException e) {
            throw new HushException("cannot stage the bioimage.io package in a temporary file: " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                try {
                    java.nio.file.Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // the temporary folder's own clean-up takes it
                }
            }
        }
    }

    /** A URI with a scheme of two letters or more (so that a Windows drive letter is a local path). */
    private static boolean hasScheme(String s) {
        try {
            String scheme = new URI(s).getScheme();
            return scheme != null && scheme.length() > 1 && !scheme.equals("file");
        } catch (java.net.URISyntaxException e) {
            return false;
        }
    }

    /** How many models this JVM has opened so far (one per key, however many tasks ran). */
    static int opened() {
        return OPENED.get();
    }

    private static void closeAll() {
        synchronized (OPEN) {
            for (DenoiserModel m : OPEN.values()) {
                try {
                    m.close();
                } catch (HushException | RuntimeException ignored) {
                    // The JVM is going away; nothing to report to.
                }
            }
            OPEN.clear();
        }
    }
}
