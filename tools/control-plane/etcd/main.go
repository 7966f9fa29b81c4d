// Command etcd is upstream's etcd server main (go.etcd.io/etcd/server/v3/main.go), built from the Go
// module proxy: etcd's own modules carry replace directives, so `go install` of them is refused.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}
