package io.d2iq.kubetunnel.tunnel.support;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A minimal SOCKS5 client (no auth, CONNECT to a domain name), so tests see the raw reply code. */
public final class Socks5Client {

    /** The server's SOCKS5 reply was not "succeeded". */
    public static final class Refused extends IOException {
        private final int reply;

        Refused(int reply) {
            super("SOCKS5 reply " + reply);
            this.reply = reply;
        }

        public int reply() {
            return reply;
        }
    }

    private Socks5Client() {}

    public static Socket connect(InetSocketAddress proxy, String host, int port) throws IOException {
        return connect(proxy, host, port, null);
    }

    /** The same from {@code localAddress} (for example another loopback address), or any if null. */
    public static Socket connect(InetSocketAddress proxy, String host, int port, InetSocketAddress localAddress)
            throws IOException {
        Socket socket = new Socket();
        try {
            socket.bind(localAddress);
            socket.setTcpNoDelay(true);
            socket.connect(proxy, 5_000);
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            out.write(new byte[] {5, 1, 0});
            byte[] method = new byte[2];
            in.readFully(method);
            if (method[1] != 0) {
                throw new IOException("proxy refused no-auth");
            }
            byte[] name = host.getBytes(StandardCharsets.US_ASCII);
            byte[] request = new byte[7 + name.length];
            request[0] = 5;
            request[1] = 1;
            request[3] = 3;
            request[4] = (byte) name.length;
            System.arraycopy(name, 0, request, 5, name.length);
            request[5 + name.length] = (byte) (port >> 8);
            request[6 + name.length] = (byte) port;
            out.write(request);
            byte[] reply = new byte[10];
            in.readFully(reply);
            if (reply[1] != 0) {
                throw new Refused(reply[1]);
            }
            socket.setSoTimeout(0);
            return socket;
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }
}
