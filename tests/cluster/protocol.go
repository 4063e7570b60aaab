package main

// The requests serve answers, one JSON object per line each way. Every answer is an object; a
// request that could not be carried out answers {"error": "..."}.
//
//	{"op":"nodes","nodes":[Node…],"reset":B} replace every Node with these (status included);
//	                                         every pod is deleted (controllers make theirs
//	                                         again); with reset, every namespace but the
//	                                         system ones is deleted first (a clean slate)
//	{"op":"apply","yaml":"…"}               server-side apply each document, in order →
//	                                         {"results":[{"apiVersion","kind","namespace","name",
//	                                         "admitted","error"}]}
//	{"op":"settle","namespaces":[…],"timeout_seconds":N,"quiet_ms":M}
//	                                         wait until the controllers and the scheduler are done
//	                                         (every pod bound or marked unschedulable, nothing
//	                                         changing for M ms, 2000 by default) → {"settled", "pods",
//	                                         "workloads", "warnings"}
//	{"op":"scale","namespace","kind","name","replicas"}
//	{"op":"restart","namespace","kind","name"}   change the pod template (a rollout)
//	{"op":"delete_namespaces","namespaces":[…],"no_wait":B}
//	                                         delete them and (unless no_wait) wait until they
//	                                         are gone; applying a Namespace that is still being
//	                                         deleted waits for it first

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	yamlutil "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/client-go/discovery/cached/memory"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/restmapper"
)

type request struct {
	Op             string        `json:"op"`
	Nodes          []corev1.Node `json:"nodes"`
	YAML           string        `json:"yaml"`
	Namespaces     []string      `json:"namespaces"`
	TimeoutSeconds int           `json:"timeout_seconds"`
	QuietMillis    int           `json:"quiet_ms"`
	Namespace      string        `json:"namespace"`
	Kind           string        `json:"kind"`
	Name           string        `json:"name"`
	Replicas       int32         `json:"replicas"`
	NoWait         bool          `json:"no_wait"`
	Reset          bool          `json:"reset"`
}

func handle(ctx context.Context, c *cluster, line []byte) any {
	var req request
	if err := json.Unmarshal(line, &req); err != nil {
		return map[string]any{"error": "bad request: " + err.Error()}
	}
	var answer any
	var err error
	switch req.Op {
	case "nodes":
		if req.Reset {
			err = c.reset(ctx)
		}
		if err == nil {
			err = c.replaceNodes(ctx, req.Nodes)
		}
		answer = map[string]any{"ok": err == nil}
	case "apply":
		answer, err = c.apply(ctx, req.YAML)
	case "settle":
		timeout := time.Duration(req.TimeoutSeconds) * time.Second
		if timeout <= 0 {
			timeout = defaultSettleTimeout
		}
		quiet := time.Duration(req.QuietMillis) * time.Millisecond
		if quiet <= 0 {
			quiet = defaultQuiet
		}
		answer, err = c.settleQuiet(ctx, req.Namespaces, timeout, quiet)
	case "scale":
		err = c.scale(ctx, req.Namespace, req.Kind, req.Name, req.Replicas)
		answer = map[string]any{"ok": err == nil}
	case "restart":
		err = c.restart(ctx, req.Namespace, req.Kind, req.Name)
		answer = map[string]any{"ok": err == nil}
	case "delete_namespaces":
		err = c.deleteNamespaces(ctx, req.Namespaces, !req.NoWait)
		answer = map[string]any{"ok": err == nil}
	default:
		err = fmt.Errorf("unknown op %q", req.Op)
	}
	if err != nil {
		return map[string]any{"error": err.Error()}
	}
	return answer
}

// How long settle waits for the cluster to become quiet unless told otherwise, and how long
// nothing may change for the cluster to count as quiet.
const (
	defaultSettleTimeout = 90 * time.Second
	defaultQuiet         = 2 * time.Second
)

func isGone(err error) bool { return apierrors.IsNotFound(err) || apierrors.IsConflict(err) }

func (c *cluster) replaceNodes(ctx context.Context, nodes []corev1.Node) error {
	existing, err := c.client.CoreV1().Nodes().List(ctx, metav1.ListOptions{})
	if err != nil {
		return err
	}
	for _, node := range existing.Items {
		if err := c.client.CoreV1().Nodes().Delete(ctx, node.Name, metav1.DeleteOptions{}); err != nil && !apierrors.IsNotFound(err) {
			return err
		}
	}
	// Every pod goes: the ones bound to a node that is gone would linger until the pod GC
	// controller's grace ends, and the system pods of the last platform are not this one's.
	// Controllers make theirs again.
	pods, err := c.client.CoreV1().Pods("").List(ctx, metav1.ListOptions{})
	if err != nil {
		return err
	}
	zero := int64(0)
	for _, pod := range pods.Items {
		_ = c.client.CoreV1().Pods(pod.Namespace).Delete(ctx, pod.Name, metav1.DeleteOptions{GracePeriodSeconds: &zero})
	}
	for _, node := range nodes {
		status := node.Status
		if len(status.Conditions) == 0 {
			now := metav1.Now()
			status.Conditions = []corev1.NodeCondition{{
				Type: corev1.NodeReady, Status: corev1.ConditionTrue, Reason: "KubeletReady",
				Message: "kubefit-cluster's fake kubelet", LastHeartbeatTime: now, LastTransitionTime: now,
			}}
		}
		node.Status = corev1.NodeStatus{}
		node.ResourceVersion = ""
		created, err := c.client.CoreV1().Nodes().Create(ctx, &node, metav1.CreateOptions{})
		if err != nil {
			return fmt.Errorf("create node %s: %w", node.Name, err)
		}
		created.Status = status
		if _, err := c.client.CoreV1().Nodes().UpdateStatus(ctx, created, metav1.UpdateOptions{}); err != nil {
			return fmt.Errorf("node %s status: %w", node.Name, err)
		}
	}
	return nil
}

type applyResult struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Namespace  string `json:"namespace,omitempty"`
	Name       string `json:"name"`
	Admitted   bool   `json:"admitted"`
	Error      string `json:"error,omitempty"`
	// What the API server warned about while admitting it (Pod Security's warn level,
	// deprecated fields, invalid TLS data…).
	Warnings []string `json:"warnings,omitempty"`
}

// warnings collects the API server's warnings of one request at a time.
type warnings struct{ messages []string }

func (w *warnings) HandleWarningHeader(code int, agent string, message string) {
	if code == 299 && message != "" {
		w.messages = append(w.messages, message)
	}
}

func (c *cluster) apply(ctx context.Context, text string) (any, error) {
	collected := &warnings{}
	config := rest.CopyConfig(c.config)
	config.WarningHandler = collected
	dyn, err := dynamic.NewForConfig(config)
	if err != nil {
		return nil, err
	}
	mapper := restmapper.NewDeferredDiscoveryRESTMapper(memory.NewMemCacheClient(c.client.Discovery()))
	decoder := yamlutil.NewYAMLOrJSONDecoder(bytes.NewReader([]byte(text)), 4096)
	results := []applyResult{}
	for {
		var doc map[string]any
		if err := decoder.Decode(&doc); err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			return nil, fmt.Errorf("decode: %w", err)
		}
		if len(doc) == 0 {
			continue
		}
		obj := &unstructured.Unstructured{Object: doc}
		collected.messages = nil
		if obj.GetKind() == "Namespace" && obj.GetAPIVersion() == "v1" {
			existing, err := c.client.CoreV1().Namespaces().Get(ctx, obj.GetName(), metav1.GetOptions{})
			if err == nil && existing.DeletionTimestamp != nil {
				if err := c.waitGone(ctx, []string{obj.GetName()}); err != nil {
					return nil, fmt.Errorf("namespace %s is still being deleted: %w", obj.GetName(), err)
				}
			}
		}
		result := applyResult{APIVersion: obj.GetAPIVersion(), Kind: obj.GetKind(), Namespace: obj.GetNamespace(), Name: obj.GetName()}
		err := c.applyOne(ctx, dyn, mapper, obj)
		if err != nil && meta.IsNoMatchError(err) {
			// A CustomResourceDefinition applied just before: wait until it is served.
			for range 50 {
				time.Sleep(200 * time.Millisecond)
				mapper.Reset()
				if err = c.applyOne(ctx, dyn, mapper, obj); err == nil || !meta.IsNoMatchError(err) {
					break
				}
			}
		}
		if err != nil {
			result.Error = err.Error()
		} else {
			result.Admitted = true
		}
		result.Warnings = collected.messages
		results = append(results, result)
	}
	return map[string]any{"results": results}, nil
}

func (c *cluster) applyOne(ctx context.Context, dyn dynamic.Interface, mapper meta.RESTMapper, obj *unstructured.Unstructured) error {
	gvk := obj.GroupVersionKind()
	mapping, err := mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
	if err != nil {
		return err
	}
	var resource dynamic.ResourceInterface = dyn.Resource(mapping.Resource)
	if mapping.Scope.Name() == meta.RESTScopeNameNamespace {
		namespace := obj.GetNamespace()
		if namespace == "" {
			namespace = "default"
		}
		resource = dyn.Resource(mapping.Resource).Namespace(namespace)
	}
	_, err = resource.Apply(ctx, obj.GetName(), obj, metav1.ApplyOptions{FieldManager: "kubefit", Force: true})
	return err
}

type podReport struct {
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
	// Kind/name of the object that made the pod, through its ReplicaSet for a Deployment.
	Workload string `json:"workload"`
	// The pod-template-hash or controller-revision-hash label: old and new pods of a rollout.
	Revision  string `json:"revision,omitempty"`
	Node      string `json:"node,omitempty"`
	Phase     string `json:"phase"`
	Scheduled bool   `json:"scheduled"`
	Reason    string `json:"reason,omitempty"`
	Message   string `json:"message,omitempty"`
	Deleting  bool   `json:"deleting,omitempty"`
}

type workloadReport struct {
	Workload   string            `json:"workload"`
	Desired    int32             `json:"desired"`
	Status     map[string]int64  `json:"status"`
	Conditions []string          `json:"conditions,omitempty"`
	Current    bool              `json:"current"`
	Extra      map[string]string `json:"extra,omitempty"`
}

type snapshot struct {
	Settled   bool             `json:"settled"`
	Pods      []podReport      `json:"pods"`
	Workloads []workloadReport `json:"workloads"`
	Warnings  []string         `json:"warnings"`
	// Pods created but not yet looked at by the scheduler, or bound but not yet started.
	busy bool
}

func (c *cluster) snapshot(ctx context.Context, namespaces []string) (*snapshot, error) {
	s := &snapshot{Pods: []podReport{}, Workloads: []workloadReport{}, Warnings: []string{}}
	rsOwner := map[string]string{}
	for _, ns := range namespaces {
		apps := c.client.AppsV1()
		deployments, err := apps.Deployments(ns).List(ctx, metav1.ListOptions{})
		if err != nil {
			return nil, err
		}
		for _, d := range deployments.Items {
			w := workloadReport{Workload: ns + "/Deployment/" + d.Name, Desired: deref(d.Spec.Replicas),
				Current: d.Status.ObservedGeneration >= d.Generation,
				Status: map[string]int64{"replicas": int64(d.Status.Replicas), "updated": int64(d.Status.UpdatedReplicas),
					"ready": int64(d.Status.ReadyReplicas), "available": int64(d.Status.AvailableReplicas),
					"unavailable": int64(d.Status.UnavailableReplicas)}}
			for _, cond := range d.Status.Conditions {
				w.Conditions = append(w.Conditions, fmt.Sprintf("%s=%s %s: %s", cond.Type, cond.Status, cond.Reason, cond.Message))
			}
			s.Workloads = append(s.Workloads, w)
		}
		replicaSets, err := apps.ReplicaSets(ns).List(ctx, metav1.ListOptions{})
		if err != nil {
			return nil, err
		}
		for _, rs := range replicaSets.Items {
			owner := "ReplicaSet/" + rs.Name
			if ref := metav1.GetControllerOf(&rs); ref != nil {
				owner = ref.Kind + "/" + ref.Name
			}
			rsOwner[ns+"/"+rs.Name] = owner
			if rs.Status.ObservedGeneration < rs.Generation {
				s.busy = true
			}
			for _, cond := range rs.Status.Conditions {
				s.Warnings = append(s.Warnings, fmt.Sprintf("%s/ReplicaSet/%s %s: %s", ns, rs.Name, cond.Reason, cond.Message))
			}
		}
		statefulSets, err := apps.StatefulSets(ns).List(ctx, metav1.ListOptions{})
		if err != nil {
			return nil, err
		}
		for _, st := range statefulSets.Items {
			s.Workloads = append(s.Workloads, workloadReport{Workload: ns + "/StatefulSet/" + st.Name, Desired: deref(st.Spec.Replicas),
				Current: st.Status.ObservedGeneration >= st.Generation,
				Status: map[string]int64{"replicas": int64(st.Status.Replicas), "updated": int64(st.Status.UpdatedReplicas),
					"ready": int64(st.Status.ReadyReplicas), "available": int64(st.Status.AvailableReplicas)},
				Extra: map[string]string{"currentRevision": st.Status.CurrentRevision, "updateRevision": st.Status.UpdateRevision}})
		}
		daemonSets, err := apps.DaemonSets(ns).List(ctx, metav1.ListOptions{})
		if err != nil {
			return nil, err
		}
		for _, ds := range daemonSets.Items {
			s.Workloads = append(s.Workloads, workloadReport{Workload: ns + "/DaemonSet/" + ds.Name, Desired: ds.Status.DesiredNumberScheduled,
				Current: ds.Status.ObservedGeneration >= ds.Generation,
				Status: map[string]int64{"scheduled": int64(ds.Status.CurrentNumberScheduled), "ready": int64(ds.Status.NumberReady),
					"misscheduled": int64(ds.Status.NumberMisscheduled), "updated": int64(ds.Status.UpdatedNumberScheduled),
					"available": int64(ds.Status.NumberAvailable)}})
		}
		jobs, err := c.client.BatchV1().Jobs(ns).List(ctx, metav1.ListOptions{})
		if err != nil {
			return nil, err
		}
		for _, job := range jobs.Items {
			w := workloadReport{Workload: ns + "/Job/" + job.Name, Desired: deref(job.Spec.Completions), Current: true,
				Status: map[string]int64{"active": int64(job.Status.Active), "succeeded": int64(job.Status.Succeeded), "failed": int64(job.Status.Failed)}}
			for _, cond := range job.Status.Conditions {
				w.Conditions = append(w.Conditions, fmt.Sprintf("%s=%s %s: %s", cond.Type, cond.Status, cond.Reason, cond.Message))
			}
			s.Workloads = append(s.Workloads, w)
		}
		pods, err := c.client.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{})
		if err != nil {
			return nil, err
		}
		for _, pod := range pods.Items {
			p := podReport{Namespace: ns, Name: pod.Name, Node: pod.Spec.NodeName, Phase: string(pod.Status.Phase),
				Deleting: pod.DeletionTimestamp != nil}
			if ref := metav1.GetControllerOf(&pod); ref != nil {
				p.Workload = ref.Kind + "/" + ref.Name
				if ref.Kind == "ReplicaSet" {
					if owner, ok := rsOwner[ns+"/"+ref.Name]; ok {
						p.Workload = owner
					}
				}
			}
			p.Revision = pod.Labels[appsv1.DefaultDeploymentUniqueLabelKey]
			if p.Revision == "" {
				p.Revision = pod.Labels[appsv1.ControllerRevisionHashLabelKey]
			}
			seen := false
			for _, cond := range pod.Status.Conditions {
				if cond.Type == corev1.PodScheduled {
					seen = true
					p.Scheduled = cond.Status == corev1.ConditionTrue
					if !p.Scheduled {
						p.Reason, p.Message = cond.Reason, cond.Message
					}
				}
			}
			if !seen || (p.Node != "" && p.Phase == string(corev1.PodPending)) || p.Deleting {
				s.busy = true
			}
			s.Pods = append(s.Pods, p)
		}
		events, err := c.client.CoreV1().Events(ns).List(ctx, metav1.ListOptions{FieldSelector: "type=Warning"})
		if err != nil {
			return nil, err
		}
		for _, e := range events.Items {
			if e.Reason == "FailedScheduling" {
				continue // the pod's own condition says it
			}
			s.Warnings = append(s.Warnings, fmt.Sprintf("%s/%s/%s %s: %s", ns, e.InvolvedObject.Kind, e.InvolvedObject.Name, e.Reason, e.Message))
		}
	}
	for _, w := range s.Workloads {
		if !w.Current {
			s.busy = true
		}
	}
	sort.Slice(s.Pods, func(i, j int) bool {
		return s.Pods[i].Namespace+"/"+s.Pods[i].Name < s.Pods[j].Namespace+"/"+s.Pods[j].Name
	})
	sort.Strings(s.Warnings)
	s.Warnings = dedup(s.Warnings)
	return s, nil
}

func dedup(items []string) []string {
	out := items[:0]
	for i, item := range items {
		if i == 0 || item != items[i-1] {
			out = append(out, item)
		}
	}
	return out
}

func deref(p *int32) int32 {
	if p == nil {
		return 1
	}
	return *p
}

// settle waits until the namespaces are quiet: every workload's status observed its current
// spec, every pod bound and started or marked unschedulable by the scheduler, no pod being
// deleted, and the whole picture unchanged for the quiet time (defaultQuiet).
func (c *cluster) settle(ctx context.Context, namespaces []string, timeout time.Duration) (any, error) {
	return c.settleQuiet(ctx, namespaces, timeout, defaultQuiet)
}

func (c *cluster) settleQuiet(ctx context.Context, namespaces []string, timeout, quiet time.Duration) (any, error) {
	deadline := time.Now().Add(timeout)
	var last string
	var since time.Time
	for {
		s, err := c.snapshot(ctx, namespaces)
		if err != nil {
			return nil, err
		}
		encoded, _ := json.Marshal(s)
		key := string(encoded)
		now := time.Now()
		if key != last || s.busy {
			last, since = key, now
		} else if now.Sub(since) >= quiet {
			s.Settled = true
			return s, nil
		}
		if now.After(deadline) {
			return s, nil
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func (c *cluster) scale(ctx context.Context, namespace, kind, name string, replicas int32) error {
	patch := fmt.Sprintf(`{"spec":{"replicas":%d}}`, replicas)
	return c.patchWorkload(ctx, namespace, kind, name, patch)
}

func (c *cluster) restart(ctx context.Context, namespace, kind, name string) error {
	patch := fmt.Sprintf(`{"spec":{"template":{"metadata":{"annotations":{"kubefit.dev/restartedAt":%q}}}}}`, time.Now().Format(time.RFC3339Nano))
	return c.patchWorkload(ctx, namespace, kind, name, patch)
}

func (c *cluster) patchWorkload(ctx context.Context, namespace, kind, name, patch string) error {
	var resource string
	switch strings.ToLower(kind) {
	case "deployment":
		resource = "deployments"
	case "statefulset":
		resource = "statefulsets"
	case "daemonset":
		resource = "daemonsets"
	default:
		return fmt.Errorf("cannot patch a %s", kind)
	}
	dyn, err := dynamic.NewForConfig(c.config)
	if err != nil {
		return err
	}
	gvr := schema.GroupVersionResource{Group: "apps", Version: "v1", Resource: resource}
	_, err = dyn.Resource(gvr).Namespace(namespace).Patch(ctx, name, types.MergePatchType, []byte(patch), metav1.PatchOptions{FieldManager: "kubefit-test"})
	return err
}

// The namespaces the API server never deletes (NamespaceLifecycle admission); a stack in
// one of them leaves its objects behind.
var undeletable = map[string]bool{"default": true, "kube-system": true, "kube-public": true, "kube-node-lease": true}

func (c *cluster) deleteNamespaces(ctx context.Context, namespaces []string, wait bool) error {
	var deletable []string
	for _, ns := range namespaces {
		if !undeletable[ns] {
			deletable = append(deletable, ns)
		}
	}
	namespaces = deletable
	for _, ns := range namespaces {
		err := c.client.CoreV1().Namespaces().Delete(ctx, ns, metav1.DeleteOptions{})
		if err != nil && !apierrors.IsNotFound(err) {
			return err
		}
	}
	if !wait {
		return nil
	}
	return c.waitGone(ctx, namespaces)
}

// reset deletes every namespace but the ones the API server keeps, without waiting for the
// namespace controller: once a namespace is terminating no pod can be created in it
// (NamespaceLifecycle admission), and replaceNodes deletes every pod that exists, so nothing of
// an earlier request holds room on the nodes. Applying a namespace that is still terminating
// waits for it.
func (c *cluster) reset(ctx context.Context) error {
	list, err := c.client.CoreV1().Namespaces().List(ctx, metav1.ListOptions{})
	if err != nil {
		return err
	}
	var names []string
	for _, ns := range list.Items {
		names = append(names, ns.Name)
	}
	return c.deleteNamespaces(ctx, names, false)
}

// waitGone waits until the namespaces no longer exist (the namespace controller has deleted
// everything in them).
func (c *cluster) waitGone(ctx context.Context, namespaces []string) error {
	return waitFor(120*time.Second, func() bool {
		for _, ns := range namespaces {
			if _, err := c.client.CoreV1().Namespaces().Get(ctx, ns, metav1.GetOptions{}); !apierrors.IsNotFound(err) {
				return false
			}
		}
		return true
	})
}
