package io.d2iq.kubetunnel.local;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.d2iq.kubetunnel.kubeconfig.Credentials;
import io.d2iq.kubetunnel.kubeconfig.Kubeconfig;
import io.d2iq.kubetunnel.tls.CertificateAuthority;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An embedded Kubernetes API on 127.0.0.1 that real kubectl and fabric8 can use: fabric8's mock server in CRUD
 * mode behind our layer ({@link ApiHandler}), plain HTTP or HTTPS with a CA generated at start.
 * The {@code local-api} role runs one; tests start one with {@link #start(boolean)} and close it.
 */
public final class LocalApi implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalApi.class);

    /** The JDK server's switch for TCP_NODELAY on accepted sockets, read once per JVM when the first server starts. */
    static final String NODELAY_PROPERTY = "sun.net.httpserver.nodelay";

    static {
        // The JDK server writes a response's headers and body as two segments; with Nagle's algorithm on, the body
        // waits for the client's delayed ACK (~40 ms on Linux) on every keep-alive request: 48 ms against 5 ms a GET.
        if (System.getProperty(NODELAY_PROPERTY) == null) {
            System.setProperty(NODELAY_PROPERTY, "true");
        }
    }

    private final MockBackend mock;
    private final WatchBridge watches;
    private final HttpServer server;
    private final ExecutorService requestThreads;
    private final String url;
    private final String caPem;
    private final Path kubeconfigFile;
    private final boolean ownsKubeconfigFile;
    private KubernetesClient client;

    private LocalApi(
            MockBackend mock,
            WatchBridge watches,
            HttpServer server,
            ExecutorService requestThreads,
            String url,
            String caPem,
            Path kubeconfigFile,
            boolean ownsKubeconfigFile) {
        this.mock = mock;
        this.watches = watches;
        this.server = server;
        this.requestThreads = requestThreads;
        this.url = url;
        this.caPem = caPem;
        this.kubeconfigFile = kubeconfigFile;
        this.ownsKubeconfigFile = ownsKubeconfigFile;
    }

    /** Starts on a free port with its kubeconfig in a temporary file (deleted on close). */
    public static LocalApi start(boolean tls) {
        try {
            return start(0, tls, Files.createTempFile("local-api-", ".kubeconfig"), true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a kubeconfig file", e);
        }
    }

    /** Starts on {@code port} (0: a free one) and writes the kubeconfig to {@code kubeconfigFile}. */
    public static LocalApi start(int port, boolean tls, Path kubeconfigFile) {
        return start(port, tls, kubeconfigFile, false);
    }

    private static LocalApi start(int port, boolean tls, Path kubeconfigFile, boolean ownsKubeconfigFile) {
        MockBackend mock = new MockBackend();
        WatchBridge watches = new WatchBridge(mock);
        ExecutorService requestThreads = Executors.newCachedThreadPool(MockBackend.daemonThreads("local-api"));
        HttpServer server = null;
        try {
            InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
            String caPem = null;
            if (tls) {
                CertificateAuthority ca = CertificateAuthority.generate("kubetunnel-local-api-ca");
                HttpsServer https = HttpsServer.create(address, 0);
                https.setHttpsConfigurator(
                        new HttpsConfigurator(ca.issueLocalhost().jdkServerContext()));
                caPem = ca.certificatePem();
                server = https;
            } else {
                server = HttpServer.create(address, 0);
            }
            server.createContext("/", new ApiHandler(mock, watches));
            server.setExecutor(requestThreads);
            server.start();
            String url = (tls ? "https" : "http") + "://127.0.0.1:"
                    + server.getAddress().getPort();
            Path parent = kubeconfigFile.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(kubeconfigFile, kubeconfigFor(url, caPem).toYaml());
            LOG.info("local-api serving {} (kubeconfig {})", url, kubeconfigFile);
            return new LocalApi(mock, watches, server, requestThreads, url, caPem, kubeconfigFile, ownsKubeconfigFile);
        } catch (IOException e) {
            if (server != null) {
                server.stop(0);
            }
            requestThreads.shutdownNow();
            mock.close();
            throw new UncheckedIOException("cannot start local-api on 127.0.0.1:" + port + ": " + e.getMessage(), e);
        }
    }

    /** The base URL, e.g. {@code https://127.0.0.1:41234}. */
    public String url() {
        return url;
    }

    /** The port it listens on. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** Whether it serves HTTPS. */
    public boolean tls() {
        return caPem != null;
    }

    /** The PEM of the CA that signed its certificate, or null when it serves plain HTTP. */
    public String caCertificatePem() {
        return caPem;
    }

    /** The kubeconfig file pointing at it (for {@code kubectl --kubeconfig} and {@code --kubeconfig} flags). */
    public Path kubeconfigFile() {
        return kubeconfigFile;
    }

    /** The fabric8 configuration for it, namespace {@code default}. */
    public Config config() {
        try {
            return Config.fromKubeconfig(Files.readString(kubeconfigFile));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + kubeconfigFile, e);
        }
    }

    /** A shared fabric8 client, created on first use and closed with this API. */
    public synchronized KubernetesClient client() {
        if (client == null) {
            client = newClient();
        }
        return client;
    }

    /** A new fabric8 client; the caller closes it. */
    public KubernetesClient newClient() {
        return new KubernetesClientBuilder().withConfig(config()).build();
    }

    @Override
    public void close() {
        synchronized (this) {
            if (client != null) {
                client.close();
            }
        }
        watches.close();
        server.stop(0);
        requestThreads.shutdownNow();
        mock.close();
        if (ownsKubeconfigFile) {
            try {
                Files.deleteIfExists(kubeconfigFile);
            } catch (IOException e) {
                LOG.warn("cannot delete {}: {}", kubeconfigFile, e.toString());
            }
        }
        LOG.info("local-api {} stopped", url);
    }

    /**
     * The kubeconfig that points kubectl (and fabric8) at the local API; with a CA (PEM) it trusts that CA, without
     * one the server is plain HTTP. local-api checks no credentials, but kubectl prompts for a user name over HTTPS
     * when it has none, hence the unchecked token.
     */
    static Kubeconfig kubeconfigFor(String server, String caPem) {
        String name = "local-api";
        String caData =
                caPem == null ? null : Base64.getEncoder().encodeToString(caPem.getBytes(StandardCharsets.US_ASCII));
        return new Kubeconfig(
                name, server, caData, null, null, name, Credentials.token("local-api-unchecked"), name, "default");
    }
}
