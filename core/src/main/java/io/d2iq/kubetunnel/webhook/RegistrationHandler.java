package io.d2iq.kubetunnel.webhook;

import io.d2iq.kubetunnel.api.v1alpha1.TunnelConnector;
import io.d2iq.kubetunnel.auth.ConnectorTokenAuthenticator;
import io.d2iq.kubetunnel.kubeconfig.InvalidKubeconfigException;
import io.d2iq.kubetunnel.kubeconfig.Kubeconfig;
import io.d2iq.kubetunnel.kubeconfig.KubeconfigParser;
import io.d2iq.kubetunnel.status.WebhookReport;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides every webhook request: who may register, whether the kubeconfig is usable, what /status says.
 * Free of Camel so it can be tested and reasoned about alone. Logs name the connector, never the body or token.
 */
public final class RegistrationHandler {

    /** Largest accepted kubeconfig; a real one is a few KiB. */
    public static final int MAX_BODY_BYTES = 1024 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(RegistrationHandler.class);

    private final Path tokenFile;
    private final ConnectorTokenAuthenticator authenticator;
    private final KubeconfigSecretWriter writer;
    private final ProxyUrl proxyUrl;
    private final String connectorKey;
    private final RegistrationStatus status = new RegistrationStatus();
    private final Clock clock;
    private final Object writeLock = new Object();

    public RegistrationHandler(
            Path tokenFile,
            KubeconfigSecretWriter writer,
            ProxyUrl proxyUrl,
            String namespace,
            String connector,
            Clock clock) {
        this.tokenFile = tokenFile;
        this.authenticator = new ConnectorTokenAuthenticator(tokenFile);
        this.writer = writer;
        this.proxyUrl = proxyUrl;
        this.connectorKey = namespace + "/" + connector;
        this.clock = clock;
    }

    /** Picks up a registration made before this process started, so /status survives a restart. */
    public void recoverStatus() {
        try {
            writer.registeredAt().ifPresent(status::registered);
        } catch (KubernetesClientException e) {
            LOG.warn(
                    "{}: cannot read the kubeconfig Secret at start (HTTP {}); /status starts unregistered",
                    connectorKey,
                    e.getCode());
        }
    }

    /**
     * {@code POST} on any path: authenticate, validate, write the Secret. Only the write is serialised, so
     * refused and invalid requests never wait behind a registration that waits for the API server.
     */
    public WebhookReply register(String authorization, byte[] body) {
        WebhookReply refusal = refusal(authorization);
        if (refusal != null) {
            return refusal;
        }
        if (body != null && body.length > MAX_BODY_BYTES) {
            return WebhookReply.error(413, "PayloadTooLarge", "the kubeconfig exceeds " + MAX_BODY_BYTES + " bytes");
        }
        Kubeconfig kubeconfig;
        try {
            kubeconfig = parse(body);
        } catch (InvalidKubeconfigException e) {
            LOG.warn("{}: registration refused: invalid kubeconfig: {}", connectorKey, e.getMessage());
            status.invalid(e.getMessage());
            return WebhookReply.error(400, WebhookReport.KUBECONFIG_INVALID, e.getMessage());
        }
        synchronized (writeLock) {
            return write(kubeconfig);
        }
    }

    /** The 401 for a missing or wrong {@code Authorization} header value, or null for this connector's token. */
    WebhookReply refusal(String authorization) {
        if (authenticator.isAuthorized(authorization)) {
            return null;
        }
        LOG.warn("{}: registration refused: {} token", connectorKey, authorization == null ? "no" : "wrong");
        return WebhookReply.error(401, "Unauthorized", "a Bearer token of connector " + connectorKey + " is required");
    }

    private WebhookReply write(Kubeconfig kubeconfig) {
        try {
            Optional<TunnelConnector> connector = writer.connector();
            if (connector.isEmpty()) {
                LOG.warn("{}: registration deferred: the TunnelConnector does not exist", connectorKey);
                return WebhookReply.error(
                        503, "ConnectorNotFound", "TunnelConnector " + connectorKey + " does not exist");
            }
            KubeconfigSecretWriter.Result result =
                    writer.write(connector.get(), kubeconfig.withProxyUrl(proxyUrl.of(connector.get())));
            status.registered(clock.instant());
            LOG.info(
                    "{}: kubeconfig registered for server {} ({})",
                    connectorKey,
                    kubeconfig.server(),
                    result.name().toLowerCase());
            return WebhookReply.of(200, Map.of("result", result.name().toLowerCase()));
        } catch (KubeconfigSecretWriter.SecretMissingException e) {
            LOG.warn("{}: registration deferred: {}", connectorKey, e.getMessage());
            return WebhookReply.error(503, "KubeconfigSecretMissing", e.getMessage());
        } catch (KubernetesClientException e) {
            LOG.warn("{}: registration failed: the management API answered HTTP {}", connectorKey, e.getCode());
            return WebhookReply.error(
                    503,
                    "SecretWriteFailed",
                    "cannot write the kubeconfig Secret of " + connectorKey + " (HTTP " + e.getCode() + "); retry");
        }
    }

    /** {@code GET /status}: the registration contract the controller polls. */
    public WebhookReply status() {
        return WebhookReply.of(200, status.report());
    }

    /** Anything else: only POST and GET /status exist (health and metrics are on the management port). */
    public WebhookReply notFound() {
        return WebhookReply.error(404, "NotFound", "POST a kubeconfig, or GET /status");
    }

    /** Whether the connector's token is mounted, so a registration could succeed (the management port's readiness). */
    public boolean hasToken() {
        try {
            return Files.size(tokenFile) > 0;
        } catch (IOException e) {
            return false;
        }
    }

    /** Any failure to read the body is the sender's: a parser bug must not become a 500 that register retries forever. */
    private static Kubeconfig parse(byte[] body) throws InvalidKubeconfigException {
        try {
            return KubeconfigParser.parse(utf8(body));
        } catch (RuntimeException e) {
            throw new InvalidKubeconfigException(
                    "the kubeconfig could not be read (" + e.getClass().getSimpleName() + ")");
        }
    }

    private static String utf8(byte[] body) throws InvalidKubeconfigException {
        if (body == null) {
            return "";
        }
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new InvalidKubeconfigException("the body is not UTF-8 text");
        }
    }
}
