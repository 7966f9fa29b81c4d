package io.d2iq.kubetunnel.webhook;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Predicate;
import org.apache.camel.builder.RouteBuilder;

/**
 * The webhook's HTTP wiring: one netty-http consumer on every path, dispatched by method and path to
 * {@link RegistrationHandler}. Request headers (among them Authorization) are dropped before replying, because
 * netty-http would otherwise echo them back as response headers.
 */
public final class WebhookRoutes extends RouteBuilder {

    /** Name under which the TLS parameters are bound in the registry, when TLS is on. */
    public static final String TLS_BEAN = "kubeconfigWebhookTls";

    private static final int UNAUTHORIZED = 401;

    private final RegistrationHandler handler;
    private final int port;
    private final boolean tls;

    public WebhookRoutes(RegistrationHandler handler, int port, boolean tls) {
        this.handler = handler;
        this.port = port;
        this.tls = tls;
    }

    @Override
    public void configure() {
        from(endpointUri())
                .routeId("kubeconfig-webhook-http")
                .choice()
                .when(request("GET", "/healthz"))
                .bean(handler, "live")
                .when(request("GET", "/readyz"))
                .bean(handler, "ready")
                .when(request("GET", "/status"))
                .bean(handler, "status")
                .when(header(Exchange.HTTP_METHOD).isEqualTo("POST"))
                .bean(handler, "register(${header.Authorization}, ${body})")
                .otherwise()
                .bean(handler, "notFound")
                .end()
                .process(exchange -> writeReply(exchange.getMessage()));
    }

    private String endpointUri() {
        String scheme = tls ? "https" : "http";
        String uri = "netty-http:" + scheme + "://0.0.0.0:" + port + "/?matchOnUriPrefix=true"
                + "&chunkedMaxContentLength=" + RegistrationHandler.MAX_BODY_BYTES
                + "&muteException=true"
                // one request per connection: the pre-authentication deadline then bounds every connection
                + "&keepAlive=false";
        return tls ? uri + "&ssl=true&sslContextParameters=#" + TLS_BEAN : uri;
    }

    private static Predicate request(String method, String path) {
        return exchange -> {
            Message in = exchange.getMessage();
            String uri = in.getHeader(Exchange.HTTP_URI, "", String.class);
            int query = uri.indexOf('?');
            return method.equals(in.getHeader(Exchange.HTTP_METHOD, String.class))
                    && path.equals(query < 0 ? uri : uri.substring(0, query));
        };
    }

    private static void writeReply(Message message) {
        WebhookReply reply = message.getBody(WebhookReply.class);
        message.getHeaders().clear();
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, reply.status());
        message.setHeader(Exchange.CONTENT_TYPE, "application/json");
        if (reply.status() == UNAUTHORIZED) {
            message.setHeader("WWW-Authenticate", WebhookReply.BEARER_CHALLENGE);
        }
        message.setBody(reply.json());
    }
}
