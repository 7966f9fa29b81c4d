package io.d2iq.kubetunnel.tunnel.support;

import io.d2iq.kubetunnel.tunnel.frame.Frame;
import io.d2iq.kubetunnel.tunnel.frame.FrameCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLContext;

/**
 * A hand-driven WebSocket client on a raw socket: it upgrades with a token and then sends whatever bytes a
 * test wants (valid frames, garbage), and never answers pings.
 */
public final class RawWebSocket implements AutoCloseable {

    private final Socket socket;

    private RawWebSocket(Socket socket) {
        this.socket = socket;
    }

    /** Upgrades on {@code port}; throws if the server does not answer 101. */
    public static RawWebSocket open(SSLContext tls, int port, String token) throws IOException {
        Socket plain = new Socket(InetAddress.getLoopbackAddress(), port);
        Socket socket = tls == null ? plain : tls.getSocketFactory().createSocket(plain, "localhost", port, true);
        socket.setSoTimeout(10_000);
        socket.getOutputStream()
                .write(RawHttp.upgrade("/raw", "Bearer " + token).getBytes(StandardCharsets.US_ASCII));
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
        }
        if (!head.toString(StandardCharsets.ISO_8859_1).startsWith("HTTP/1.1 101")) {
            socket.close();
            throw new IOException("upgrade refused: " + head);
        }
        return new RawWebSocket(socket);
    }

    /** Sends one tunnel frame as a binary WebSocket message. */
    public void send(Frame frame) throws IOException {
        sendBinary(payload(frame));
    }

    /** Sends {@code payload} as one masked (all-zero mask) binary WebSocket message of up to 65535 bytes. */
    public void sendBinary(byte[] payload) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(clientMessage(0x2, payload));
        out.flush();
    }

    /** Sends bytes as they are (for example many messages at once), blocking while the server does not read. */
    public void sendRaw(byte[] bytes) throws IOException {
        socket.getOutputStream().write(bytes);
    }

    /** One final, masked (all-zero mask) WebSocket message with {@code opcode} (2 binary, 9 ping) of up to 65535 bytes. */
    public static byte[] clientMessage(int opcode, byte[] payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(payload.length + 8);
        out.write(0x80 | opcode);
        if (payload.length < 126) {
            out.write(0x80 | payload.length);
        } else {
            out.write(0x80 | 126);
            out.write(payload.length >> 8);
            out.write(payload.length & 0xFF);
        }
        out.writeBytes(new byte[4]);
        out.writeBytes(payload);
        return out.toByteArray();
    }

    /** The payload of a tunnel frame, as a WebSocket message carries it. */
    public static byte[] payload(Frame frame) {
        ByteBuf wire = FrameCodec.encode(frame, UnpooledByteBufAllocator.DEFAULT);
        try {
            return ByteBufUtil.getBytes(wire);
        } finally {
            wire.release();
            frame.release();
        }
    }

    /**
     * Reads the next tunnel frame the server sends (its binary messages are unmasked), skipping WebSocket
     * pings; throws {@link java.net.SocketTimeoutException} if none comes within {@code timeoutMillis}.
     */
    public Frame receive(int timeoutMillis) throws IOException {
        socket.setSoTimeout(timeoutMillis);
        DataInputStream in = new DataInputStream(socket.getInputStream());
        while (true) {
            int opcode = in.readUnsignedByte() & 0x0F;
            int length = in.readUnsignedByte() & 0x7F;
            if (length == 126) {
                length = in.readUnsignedShort();
            } else if (length == 127) {
                length = Math.toIntExact(in.readLong());
            }
            byte[] payload = new byte[length];
            in.readFully(payload);
            if (opcode == 0x2) {
                return FrameCodec.decode(Unpooled.wrappedBuffer(payload));
            }
        }
    }

    /** Reads until the server closes the connection; true if it did within the socket timeout. */
    public boolean closedByServer() {
        try {
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[4096];
            while (in.read(buffer) >= 0) {
                // drain pings and the RESET
            }
            return true;
        } catch (IOException e) {
            return e.getMessage() != null && e.getMessage().contains("reset");
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
