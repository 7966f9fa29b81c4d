/*
 * Connection benchmark client for bench/tunnel.sh; speaks SOCKS5 itself so new streams per second are
 * measured without a forking forwarder in front (socat forks per connection and would be the ceiling).
 *
 *   connclient rate HOST PORT TARGET_IP TARGET_PORT THREADS SECONDS PATH
 *       Each thread loops: connect, [SOCKS5 CONNECT], GET PATH with Connection: close, read to EOF.
 *       TARGET_IP "-" means connect to HOST:PORT directly. Prints completed connections per second.
 *   connclient hold HOST PORT TARGET_IP TARGET_PORT COUNT SECONDS
 *       Opens COUNT connections (SOCKS5 when TARGET_IP is not "-"), keeps them idle for SECONDS,
 *       prints how many were established.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static const char *host, *target_ip, *path;
static int port, target_port, seconds;
static volatile int stop;

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int read_full(int fd, unsigned char *buf, int n) {
    int got = 0;
    while (got < n) {
        ssize_t r = read(fd, buf + got, n - got);
        if (r <= 0) return -1;
        got += r;
    }
    return 0;
}

/* Returns a connected socket (through the SOCKS5 proxy when target_ip is set), or -1. */
static int open_conn(void) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return -1;
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    struct timeval tv = {10, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port)};
    inet_pton(AF_INET, host, &sa.sin_addr);
    if (connect(fd, (struct sockaddr *) &sa, sizeof sa) != 0) goto fail;
    if (strcmp(target_ip, "-") != 0) {
        unsigned char rep[10];
        /* greeting and request in one write: the server reads them in order */
        unsigned char msg[13] = {5, 1, 0, 5, 1, 0, 1};
        inet_pton(AF_INET, target_ip, msg + 7);
        msg[11] = target_port >> 8;
        msg[12] = target_port & 0xff;
        if (write(fd, msg, 3) != 3 || read_full(fd, rep, 2) != 0 || rep[1] != 0) goto fail;
        if (write(fd, msg + 3, 10) != 10 || read_full(fd, rep, 10) != 0 || rep[1] != 0) goto fail;
    }
    return fd;
fail:
    close(fd);
    return -1;
}

static void *rate_worker(void *arg) {
    long *count = arg;
    char req[512], buf[65536];
    int len = snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", path);
    while (!stop) {
        int fd = open_conn();
        if (fd < 0) continue;
        if (write(fd, req, len) == len) {
            ssize_t r, total = 0;
            while ((r = read(fd, buf, sizeof buf)) > 0) total += r;
            if (r == 0 && total > 0) (*count)++;
        }
        close(fd);
    }
    return NULL;
}

int main(int argc, char **argv) {
    if (argc < 8) {
        fprintf(stderr, "usage: see the comment at the top of connclient.c\n");
        return 2;
    }
    host = argv[2];
    port = atoi(argv[3]);
    target_ip = argv[4];
    target_port = atoi(argv[5]);
    int n = atoi(argv[6]);
    seconds = atoi(argv[7]);
    if (strcmp(argv[1], "rate") == 0 && argc == 9) {
        path = argv[8];
        pthread_t threads[n];
        long counts[n];
        double start = now();
        for (int i = 0; i < n; i++) {
            counts[i] = 0;
            pthread_create(&threads[i], NULL, rate_worker, &counts[i]);
        }
        sleep(seconds);
        stop = 1;
        long total = 0;
        for (int i = 0; i < n; i++) {
            pthread_join(threads[i], NULL);
            total += counts[i];
        }
        printf("%.0f\n", total / (now() - start));
        return 0;
    }
    if (strcmp(argv[1], "hold") == 0) {
        int *fds = calloc(n, sizeof *fds), open_count = 0;
        double deadline = now() + seconds;
        for (int i = 0; i < n && now() < deadline; i++) {
            int fd = open_conn();
            if (fd >= 0) fds[open_count++] = fd;
        }
        printf("%d\n", open_count);
        fflush(stdout);
        while (now() < deadline) sleep(1);
        for (int i = 0; i < open_count; i++) close(fds[i]);
        return 0;
    }
    fprintf(stderr, "unknown mode %s\n", argv[1]);
    return 2;
}
