// Command remotedialer-bench is the bench/tunnel.sh harness for Rancher's remotedialer (issue 16):
//
//	remotedialer-bench server LISTEN_WS CLIENT_KEY LOCAL=TARGET...
//	remotedialer-bench client WS_URL CLIENT_KEY
//
// The server accepts the client's WebSocket session at ws://LISTEN_WS/connect and, for each LOCAL=TARGET,
// listens on LOCAL and dials TARGET through the session (the tunnel-server side); the client (the agent side)
// dials out and lets the server open connections to 127.0.0.1 targets only. Loopback benchmark only: no auth.
package main

import (
	"context"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/rancher/remotedialer"
)

func main() {
	if len(os.Args) < 4 {
		log.Fatal("usage: remotedialer-bench server LISTEN_WS CLIENT_KEY LOCAL=TARGET... | client WS_URL CLIENT_KEY")
	}
	key := os.Args[3]
	switch os.Args[1] {
	case "server":
		server(os.Args[2], key, os.Args[4:])
	case "client":
		client(os.Args[2], key)
	default:
		log.Fatalf("unknown mode %q", os.Args[1])
	}
}

func server(listen, key string, forwards []string) {
	rd := remotedialer.New(func(req *http.Request) (string, bool, error) {
		return req.Header.Get("X-Tunnel-ID"), req.Header.Get("X-Tunnel-ID") == key, nil
	}, remotedialer.DefaultErrorWriter)
	for _, f := range forwards {
		local, target, ok := strings.Cut(f, "=")
		if !ok {
			log.Fatalf("forward %q is not LOCAL=TARGET", f)
		}
		ln, err := net.Listen("tcp", local)
		if err != nil {
			log.Fatal(err)
		}
		go accept(ln, rd, key, target)
	}
	mux := http.NewServeMux()
	mux.Handle("/connect", rd)
	mux.HandleFunc("/ready", func(w http.ResponseWriter, r *http.Request) {
		if !rd.HasSession(key) {
			http.Error(w, "no session", http.StatusServiceUnavailable)
		}
	})
	log.Fatal(http.ListenAndServe(listen, mux))
}

func accept(ln net.Listener, rd *remotedialer.Server, key, target string) {
	for {
		c, err := ln.Accept()
		if err != nil {
			log.Fatal(err)
		}
		go func() {
			defer c.Close()
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			r, err := rd.Dialer(key)(ctx, "tcp", target)
			cancel()
			if err != nil {
				log.Printf("dial %s through the session: %v", target, err)
				return
			}
			defer r.Close()
			pipe(c, r)
		}()
	}
}

func pipe(a, b net.Conn) {
	done := make(chan struct{}, 2)
	cp := func(dst, src net.Conn) {
		io.Copy(dst, src)
		if tc, ok := dst.(interface{ CloseWrite() error }); ok {
			tc.CloseWrite()
		} else {
			dst.Close()
		}
		done <- struct{}{}
	}
	go cp(a, b)
	go cp(b, a)
	<-done
	<-done
}

func client(url, key string) {
	headers := http.Header{"X-Tunnel-ID": []string{key}}
	allow := func(proto, address string) bool {
		host, _, err := net.SplitHostPort(address)
		return err == nil && proto == "tcp" && host == "127.0.0.1"
	}
	for {
		err := remotedialer.ClientConnect(context.Background(), url, headers, nil, allow, nil)
		log.Printf("session ended: %v; reconnecting", err)
		time.Sleep(time.Second)
	}
}
