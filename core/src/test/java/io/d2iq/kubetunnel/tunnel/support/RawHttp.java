package io.d2iq.kubetunnel.tunnel.support;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/** One HTTP/1.1 exchange over a raw (TLS) socket, so tests control every header, Upgrade included. */
public final class RawHttp {

    private RawHttp() {}

    /** An SSL context that trusts exactly the given PEM certificate. */
    public static SSLContext trusting(Path caFile) throws Exception {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        try (InputStream in = Files.newInputStream(caFile)) {
            store.setCertificateEntry(
                    "ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }

    /**
     * Sends {@code request} (with CRLFs) and returns what the server sent until it closed the connection
     * or, for a 101, the response head.
     */
    public static String exchange(SSLContext tls, int port, String request) throws Exception {
        Socket plain = new Socket(InetAddress.getLoopbackAddress(), port);
        try (Socket socket =
                tls == null ? plain : tls.getSocketFactory().createSocket(plain, "localhost", port, true)) {
            if (socket instanceof SSLSocket ssl) {
                ssl.startHandshake();
            }
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream response = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) >= 0) {
                response.write(b);
                String text = response.toString(StandardCharsets.ISO_8859_1);
                if (text.startsWith("HTTP/1.1 101") && text.endsWith("\r\n\r\n")) {
                    break;
                }
            }
            return response.toString(StandardCharsets.UTF_8);
        }
    }

    public static String upgrade(String path, String authorization) {
        return "GET " + path + " HTTP/1.1\r\n"
                + "Host: localhost\r\n"
                + "Connection: Upgrade\r\n"
                + "Upgrade: websocket\r\n"
                + "Sec-WebSocket-Version: 13\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                + (authorization != null ? "Authorization: " + authorization + "\r\n" : "")
                + "\r\n";
    }

    public static String get(String path) {
        return "GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
    }
}
