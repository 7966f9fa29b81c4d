/*
 * A plain TCP relay (thread per connection) for bench/tunnel.sh: the baseline relay and the forwarder in
 * front of the proxy port. socat's fork-per-connection costs ~30 ms per connection on the bench machine,
 * which would make it, not the path under test, the limit on new connections.
 *
 *   relay LISTEN_PORT UPSTREAM_PORT [CONNECT_TARGET]
 *       Listens on 127.0.0.1:LISTEN_PORT, relays each connection to 127.0.0.1:UPSTREAM_PORT. With
 *       CONNECT_TARGET (host:port) the upstream is an HTTP CONNECT proxy asked for that target first.
 *       TCP_NODELAY on both sides; half-close is passed on.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int upstream_port;
static const char *connect_target;

static void nodelay(int fd) {
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

static int write_all(int fd, const char *buf, ssize_t n) {
    while (n > 0) {
        ssize_t w = write(fd, buf, n);
        if (w <= 0) return -1;
        buf += w;
        n -= w;
    }
    return 0;
}

/* Sends CONNECT and consumes the proxy's answer up to the blank line; 0 when it said 200. */
static int http_connect(int fd) {
    char buf[1024];
    int len = snprintf(buf, sizeof buf, "CONNECT %s HTTP/1.1\r\nHost: %s\r\n\r\n", connect_target, connect_target);
    if (write_all(fd, buf, len) != 0) return -1;
    int got = 0;
    while (got < (int) sizeof buf - 1) {
        ssize_t r = read(fd, buf + got, 1); /* byte by byte: nothing after the header may be consumed */
        if (r <= 0) return -1;
        got += r;
        buf[got] = 0;
        if (got >= 4 && memcmp(buf + got - 4, "\r\n\r\n", 4) == 0) return strncmp(buf + 9, "200", 3) == 0 ? 0 : -1;
    }
    return -1;
}

static void *serve(void *arg) {
    int client = (int) (long) arg, upstream = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(upstream_port)};
    inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
    nodelay(client);
    nodelay(upstream);
    if (connect(upstream, (struct sockaddr *) &sa, sizeof sa) != 0 || (connect_target && http_connect(upstream) != 0)) {
        close(upstream);
        close(client);
        return NULL;
    }
    struct pollfd fds[2] = {{client, POLLIN, 0}, {upstream, POLLIN, 0}};
    int open_dirs = 2;
    char *buf = malloc(65536);
    while (open_dirs > 0 && poll(fds, 2, -1) > 0) {
        for (int i = 0; i < 2; i++) {
            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            int other = i == 0 ? upstream : client;
            ssize_t r = read(fds[i].fd, buf, 65536);
            if (r > 0 && write_all(other, buf, r) == 0) continue;
            if (r < 0) open_dirs = 0; /* error: drop both directions */
            shutdown(other, SHUT_WR);
            fds[i].fd = -1;
            open_dirs--;
        }
    }
    free(buf);
    close(client);
    close(upstream);
    return NULL;
}

int main(int argc, char **argv) {
    if (argc < 3 || argc > 4) {
        fprintf(stderr, "usage: relay LISTEN_PORT UPSTREAM_PORT [CONNECT_TARGET]\n");
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    upstream_port = atoi(argv[2]);
    connect_target = argc == 4 ? argv[3] : NULL;
    int listener = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(atoi(argv[1]))};
    inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
    if (bind(listener, (struct sockaddr *) &sa, sizeof sa) != 0 || listen(listener, 4096) != 0) {
        perror("relay: listen");
        return 1;
    }
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_attr_setstacksize(&attr, 128 * 1024);
    for (;;) {
        int client = accept(listener, NULL, NULL);
        if (client < 0) continue;
        pthread_t thread;
        if (pthread_create(&thread, &attr, serve, (void *) (long) client) != 0) close(client);
    }
}
