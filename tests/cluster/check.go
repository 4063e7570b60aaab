package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
)

// check is the one-shot proof on a user's own manifests: start the cluster, make its nodes
// (and the platform's add-on pods) from a file `kubefit nodes` wrote, apply the manifests in
// order, let the controllers and the scheduler run, and print what was admitted, what was
// scheduled where, and what stayed Pending and why. Exit status 0 when everything was
// admitted and every pod scheduled, 1 otherwise, 2 when the check itself could not run.
func check(args []string) int {
	flags := flag.NewFlagSet("check", flag.ContinueOnError)
	nodesFile := flags.String("nodes", "", "the platform: a JSON file with {\"nodes\": [...], \"systemPods\": [...]} (kubefit nodes)")
	dir := flags.String("dir", "", "where the cluster keeps its data and logs (default: a new temporary directory, removed after)")
	asJSON := flags.Bool("json", false, "print the outcome as JSON")
	if err := flags.Parse(args); err != nil {
		return 2
	}
	if *nodesFile == "" || flags.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: kubefit-cluster check --nodes NODES.json [--json] [--dir DIR] MANIFEST.yaml|DIR …")
		return 2
	}
	var platform struct {
		Nodes      []corev1.Node `json:"nodes"`
		SystemPods []corev1.Pod  `json:"systemPods"`
	}
	raw, err := os.ReadFile(*nodesFile)
	if err == nil {
		err = json.Unmarshal(raw, &platform)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "kubefit-cluster: %s: %v\n", *nodesFile, err)
		return 2
	}
	var manifests []string
	for _, path := range flags.Args() {
		files, err := manifestFiles(path)
		if err != nil {
			fmt.Fprintf(os.Stderr, "kubefit-cluster: %v\n", err)
			return 2
		}
		for _, f := range files {
			text, err := os.ReadFile(f)
			if err != nil {
				fmt.Fprintf(os.Stderr, "kubefit-cluster: %v\n", err)
				return 2
			}
			manifests = append(manifests, string(text))
		}
	}
	if *dir == "" {
		tmp, err := os.MkdirTemp("", "kubefit-cluster-")
		if err != nil {
			fmt.Fprintf(os.Stderr, "kubefit-cluster: %v\n", err)
			return 2
		}
		defer os.RemoveAll(tmp)
		*dir = tmp
	}
	fmt.Fprintln(os.Stderr, "starting the control plane (Kubernetes v1.37.2: etcd, kube-apiserver, kube-controller-manager, kube-scheduler)…")
	c, ctx, cancel, err := up(*dir)
	if err != nil {
		fmt.Fprintf(os.Stderr, "kubefit-cluster: %v\n", err)
		return 2
	}
	defer c.stop()
	defer cancel()
	outcome, err := runCheck(ctx, c, platform.Nodes, platform.SystemPods, strings.Join(manifests, "\n---\n"))
	if err != nil {
		fmt.Fprintf(os.Stderr, "kubefit-cluster: %v\n", err)
		return 2
	}
	if *asJSON {
		encoded, _ := json.MarshalIndent(outcome, "", "  ")
		fmt.Println(string(encoded))
	} else {
		printOutcome(os.Stdout, outcome)
	}
	if outcome.Refused > 0 || outcome.Pending > 0 || !outcome.Settled {
		return 1
	}
	return 0
}

func manifestFiles(path string) ([]string, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !info.IsDir() {
		return []string{path}, nil
	}
	entries, err := os.ReadDir(path)
	if err != nil {
		return nil, err
	}
	var files []string
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || strings.HasPrefix(name, ".") {
			continue
		}
		if ext := filepath.Ext(name); ext == ".yaml" || ext == ".yml" || ext == ".json" {
			files = append(files, filepath.Join(path, name))
		}
	}
	sort.Strings(files)
	return files, nil
}

type checkOutcome struct {
	Applied  []applyResult `json:"applied"`
	Settled  bool          `json:"settled"`
	Pods     []podReport   `json:"pods"`
	Warnings []string      `json:"warnings"`
	Refused  int           `json:"refused"`
	Pending  int           `json:"pending"`
}

func runCheck(ctx context.Context, c *cluster, nodes []corev1.Node, systemPods []corev1.Pod, manifests string) (*checkOutcome, error) {
	if err := c.replaceNodes(ctx, nodes); err != nil {
		return nil, err
	}
	var system []string
	for _, pod := range systemPods {
		pod.APIVersion, pod.Kind = "v1", "Pod"
		encoded, _ := json.Marshal(pod)
		system = append(system, string(encoded))
	}
	if len(system) > 0 {
		if _, err := c.apply(ctx, strings.Join(system, "\n---\n")); err != nil {
			return nil, err
		}
	}
	applied, err := c.apply(ctx, manifests)
	if err != nil {
		return nil, err
	}
	results := applied.(map[string]any)["results"].([]applyResult)
	namespaces := map[string]bool{"kube-system": true}
	out := &checkOutcome{Applied: results}
	for _, r := range results {
		if r.Namespace != "" {
			namespaces[r.Namespace] = true
		}
		if r.Kind == "Namespace" && r.Admitted {
			namespaces[r.Name] = true
		}
		if !r.Admitted {
			out.Refused++
		}
	}
	var names []string
	for ns := range namespaces {
		names = append(names, ns)
	}
	sort.Strings(names)
	settled, err := c.settle(ctx, names, defaultSettleTimeout)
	if err != nil {
		return nil, err
	}
	s := settled.(*snapshot)
	out.Settled, out.Pods, out.Warnings = s.Settled, s.Pods, s.Warnings
	for _, p := range s.Pods {
		if !p.Scheduled {
			out.Pending++
		}
	}
	return out, nil
}

func printOutcome(w io.Writer, o *checkOutcome) {
	admitted := 0
	for _, r := range o.Applied {
		if r.Admitted {
			admitted++
		}
	}
	fmt.Fprintf(w, "admission: %d of %d objects admitted\n", admitted, len(o.Applied))
	for _, r := range o.Applied {
		object := r.Kind + " " + r.Name
		if r.Namespace != "" {
			object = r.Kind + " " + r.Namespace + "/" + r.Name
		}
		if !r.Admitted {
			fmt.Fprintf(w, "  REFUSED %s: %s\n", object, r.Error)
		}
		for _, warning := range r.Warnings {
			fmt.Fprintf(w, "  warning %s: %s\n", object, warning)
		}
	}
	fmt.Fprintf(w, "scheduling: %d pods, %d pending\n", len(o.Pods), o.Pending)
	for _, p := range o.Pods {
		where := "on " + p.Node
		if !p.Scheduled {
			where = "PENDING: " + p.Message
		}
		owner := p.Workload
		if owner == "" {
			owner = "bare pod"
		}
		fmt.Fprintf(w, "  %s/%s (%s) %s\n", p.Namespace, p.Name, owner, where)
	}
	if len(o.Warnings) > 0 {
		fmt.Fprintln(w, "controllers:")
		for _, warning := range o.Warnings {
			fmt.Fprintf(w, "  %s\n", warning)
		}
	}
	if !o.Settled {
		fmt.Fprintln(w, "the cluster did not settle in time: the picture above may be incomplete")
	}
}
