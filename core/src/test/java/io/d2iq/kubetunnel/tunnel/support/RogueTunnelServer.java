package io.d2iq.kubetunnel.tunnel.support;

import io.d2iq.kubetunnel.tunnel.frame.Frame;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A compromised tunnel server on loopback: it accepts one agent's upgrade, answers its HELLO, then sends
 * whatever a test wants (its frames unmasked, as a server's are) and never reads again.
 */
public final class RogueTunnelServer implements AutoCloseable {

    private static final String WEBSOCKET_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private static final Pattern KEY = Pattern.compile("(?im)^Sec-WebSocket-Key:\\s*(\\S+)\\s*$");

    private final ServerSocket server;
    private Socket agent;

    public RogueTunnelServer() throws IOException {
        server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    }

    public URI uri() {
        return URI.create("ws://127.0.0.1:" + server.getLocalPort() + "/rogue");
    }

    /** Accepts the agent, completes the upgrade and the HELLO exchange; returns the output towards the agent. */
    public OutputStream acceptAgent() throws Exception {
        agent = server.accept();
        agent.setSoTimeout(10_000);
        InputStream in = agent.getInputStream();
        Matcher key = KEY.matcher(readHead(in));
        if (!key.find()) {
            throw new IOException("no Sec-WebSocket-Key from the agent");
        }
        String accept = Base64.getEncoder()
                .encodeToString(MessageDigest.getInstance("SHA-1")
                        .digest((key.group(1) + WEBSOCKET_GUID).getBytes(StandardCharsets.US_ASCII)));
        OutputStream out = agent.getOutputStream();
        out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        + "Sec-WebSocket-Accept: " + accept + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        skipMessage(new DataInputStream(in));
        out.write(serverMessage(0x2, RawWebSocket.payload(Frame.hello(2, 2, "rogue"))));
        out.flush();
        return out;
    }

    /** One final, unmasked WebSocket message of up to 125 bytes. */
    public static byte[] serverMessage(int opcode, byte[] payload) {
        byte[] message = new byte[2 + payload.length];
        message[0] = (byte) (0x80 | opcode);
        message[1] = (byte) payload.length;
        System.arraycopy(payload, 0, message, 2, payload.length);
        return message;
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("the agent closed during the upgrade");
            }
            head.write(b);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    /** Skips the agent's (masked) HELLO message. */
    private static void skipMessage(DataInputStream in) throws IOException {
        in.readUnsignedByte();
        int length = in.readUnsignedByte() & 0x7F;
        if (length == 126) {
            length = in.readUnsignedShort();
        }
        in.readFully(new byte[4 + length]);
    }

    @Override
    public void close() {
        try {
            if (agent != null) {
                agent.close();
            }
            server.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
