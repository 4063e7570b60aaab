// Command kubefit-cluster is a local Kubernetes control plane for kubefit's tests: embedded etcd,
// the real kube-apiserver, kube-controller-manager and kube-scheduler of one pinned Kubernetes
// release (see go.mod), and a fake kubelet, all on loopback and without a container runtime.
//
//	kubefit-cluster serve DIR        start everything; write DIR/kubeconfig; print one line
//	                                 {"ready":true,"kubeconfig":…}; then answer JSON requests on
//	                                 stdin, one per line, with one JSON line each on stdout
//	                                 (see protocol.go)
//	kubefit-cluster check --nodes NODES.json [--json] MANIFESTS…
//	                                 the one-shot proof on a user's manifests (check.go):
//	                                 what was admitted, scheduled, left Pending and why
//	kubefit-cluster apiserver ARGS…, controller-manager ARGS…, scheduler ARGS…
//	                                 the real commands; serve starts them as child processes
//	                                 (each component keeps its own process-global state)
//
// The parent process ends the children and removes nothing but what it made under DIR when
// stdin closes or it gets SIGTERM/SIGINT.
package main

import (
	"fmt"
	"os"

	apiapp "k8s.io/kubernetes/cmd/kube-apiserver/app"
	cmapp "k8s.io/kubernetes/cmd/kube-controller-manager/app"
	schedapp "k8s.io/kubernetes/cmd/kube-scheduler/app"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: kubefit-cluster serve DIR | check --nodes NODES.json MANIFESTS… | apiserver ARGS… | controller-manager ARGS… | scheduler ARGS…")
		os.Exit(2)
	}
	switch os.Args[1] {
	case "serve":
		if len(os.Args) != 3 {
			fmt.Fprintln(os.Stderr, "usage: kubefit-cluster serve DIR")
			os.Exit(2)
		}
		if err := serve(os.Args[2]); err != nil {
			fmt.Fprintf(os.Stderr, "kubefit-cluster: %v\n", err)
			os.Exit(1)
		}
	case "check":
		os.Exit(check(os.Args[2:]))
	case "apiserver":
		cmd := apiapp.NewAPIServerCommand()
		cmd.SetArgs(os.Args[2:])
		if err := cmd.Execute(); err != nil {
			os.Exit(1)
		}
	case "controller-manager":
		cmd := cmapp.NewControllerManagerCommand()
		cmd.SetArgs(os.Args[2:])
		if err := cmd.Execute(); err != nil {
			os.Exit(1)
		}
	case "scheduler":
		cmd := schedapp.NewSchedulerCommand()
		cmd.SetArgs(os.Args[2:])
		if err := cmd.Execute(); err != nil {
			os.Exit(1)
		}
	default:
		fmt.Fprintf(os.Stderr, "kubefit-cluster: unknown command %q\n", os.Args[1])
		os.Exit(2)
	}
}
