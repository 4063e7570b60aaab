package main

import (
	"context"
	"fmt"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	corelisters "k8s.io/client-go/listers/core/v1"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/util/workqueue"
)

// jobPodRunTime is how long a Job's pod runs before the fake kubelet says it succeeded.
const jobPodRunTime = 2 * time.Second

// runKubelet plays the kubelet's part for every node at once, with no containers: a pod bound
// to a node becomes Running and Ready (all its containers started, init containers done); a
// pod a Job owns succeeds after jobPodRunTime (unless annotated runsForever); a pod being deleted is removed at once (the
// kubelet would confirm the graceful deletion).
func runKubelet(ctx context.Context, client kubernetes.Interface) {
	factory := informers.NewSharedInformerFactory(client, 0)
	pods := factory.Core().V1().Pods()
	queue := workqueue.NewTypedRateLimitingQueue(workqueue.DefaultTypedControllerRateLimiter[string]())
	enqueue := func(obj any) {
		if key, err := cache.MetaNamespaceKeyFunc(obj); err == nil {
			queue.Add(key)
		}
	}
	pods.Informer().AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc:    enqueue,
		UpdateFunc: func(_, obj any) { enqueue(obj) },
	})
	factory.Start(ctx.Done())
	factory.WaitForCacheSync(ctx.Done())
	k := &kubelet{client: client, lister: pods.Lister()}
	for range 4 {
		go func() {
			for {
				key, quit := queue.Get()
				if quit {
					return
				}
				if err := k.sync(ctx, key, queue); err != nil {
					queue.AddRateLimited(key)
				} else {
					queue.Forget(key)
				}
				queue.Done(key)
			}
		}()
	}
	<-ctx.Done()
	queue.ShutDown()
}

type kubelet struct {
	client kubernetes.Interface
	lister corelisters.PodLister
	mu     sync.Mutex
	nextIP int
}

func (k *kubelet) podIP() string {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.nextIP++
	return fmt.Sprintf("10.244.%d.%d", (k.nextIP/250)%250, k.nextIP%250+1)
}

// runsForever is the pod annotation that keeps a Job's pod running (the tests compare
// kubefit's count of a Job's pods running at once with the scheduler's placement of them).
const runsForever = "kubefit.dev/test-runs-forever"

// ownedByJob says whether the pod is a Job's that the fake kubelet completes: owned by a Job
// and not annotated runsForever.
func ownedByJob(pod *corev1.Pod) bool {
	if pod.Annotations[runsForever] == "true" {
		return false
	}
	for _, ref := range pod.OwnerReferences {
		if ref.Kind == "Job" {
			return true
		}
	}
	return false
}

func (k *kubelet) sync(ctx context.Context, key string, queue workqueue.TypedRateLimitingInterface[string]) error {
	namespace, name, err := cache.SplitMetaNamespaceKey(key)
	if err != nil {
		return nil
	}
	pod, err := k.lister.Pods(namespace).Get(name)
	if err != nil {
		return nil // gone
	}
	pods := k.client.CoreV1().Pods(namespace)
	if pod.DeletionTimestamp != nil {
		zero := int64(0)
		uid := pod.UID
		err := pods.Delete(ctx, name, metav1.DeleteOptions{GracePeriodSeconds: &zero, Preconditions: &metav1.Preconditions{UID: &uid}})
		if err != nil && !isGone(err) {
			return err
		}
		return nil
	}
	if pod.Spec.NodeName == "" {
		return nil
	}
	switch pod.Status.Phase {
	case "", corev1.PodPending:
		updated := pod.DeepCopy()
		now := metav1.Now()
		updated.Status.Phase = corev1.PodRunning
		updated.Status.StartTime = &now
		updated.Status.PodIP = k.podIP()
		updated.Status.PodIPs = []corev1.PodIP{{IP: updated.Status.PodIP}}
		updated.Status.HostIP = "10.0.0.1"
		updated.Status.Conditions = conditions(now, corev1.ConditionTrue)
		updated.Status.InitContainerStatuses = nil
		for _, c := range pod.Spec.InitContainers {
			restartable := c.RestartPolicy != nil && *c.RestartPolicy == corev1.ContainerRestartPolicyAlways
			status := corev1.ContainerStatus{Name: c.Name, Image: c.Image, ImageID: c.Image, Ready: restartable, Started: &restartable}
			if restartable {
				status.State.Running = &corev1.ContainerStateRunning{StartedAt: now}
			} else {
				status.State.Terminated = &corev1.ContainerStateTerminated{ExitCode: 0, Reason: "Completed", StartedAt: now, FinishedAt: now}
			}
			updated.Status.InitContainerStatuses = append(updated.Status.InitContainerStatuses, status)
		}
		updated.Status.ContainerStatuses = nil
		started := true
		for _, c := range pod.Spec.Containers {
			updated.Status.ContainerStatuses = append(updated.Status.ContainerStatuses, corev1.ContainerStatus{
				Name: c.Name, Image: c.Image, ImageID: c.Image, Ready: true, Started: &started,
				State: corev1.ContainerState{Running: &corev1.ContainerStateRunning{StartedAt: now}},
			})
		}
		if _, err := pods.UpdateStatus(ctx, updated, metav1.UpdateOptions{}); err != nil && !isGone(err) {
			return err
		}
		if ownedByJob(pod) {
			queue.AddAfter(key, jobPodRunTime)
		}
	case corev1.PodRunning:
		if !ownedByJob(pod) || pod.Status.StartTime == nil || time.Since(pod.Status.StartTime.Time) < jobPodRunTime {
			if ownedByJob(pod) {
				queue.AddAfter(key, jobPodRunTime)
			}
			return nil
		}
		updated := pod.DeepCopy()
		now := metav1.Now()
		updated.Status.Phase = corev1.PodSucceeded
		updated.Status.Conditions = conditions(now, corev1.ConditionFalse)
		for i := range updated.Status.ContainerStatuses {
			s := &updated.Status.ContainerStatuses[i]
			s.Ready = false
			s.State = corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{ExitCode: 0, Reason: "Completed", StartedAt: pod.Status.StartTime.Rfc3339Copy(), FinishedAt: now}}
		}
		if _, err := pods.UpdateStatus(ctx, updated, metav1.UpdateOptions{}); err != nil && !isGone(err) {
			return err
		}
	}
	return nil
}

func conditions(now metav1.Time, ready corev1.ConditionStatus) []corev1.PodCondition {
	return []corev1.PodCondition{
		{Type: corev1.PodScheduled, Status: corev1.ConditionTrue, LastTransitionTime: now},
		{Type: corev1.PodInitialized, Status: corev1.ConditionTrue, LastTransitionTime: now},
		{Type: corev1.ContainersReady, Status: ready, LastTransitionTime: now},
		{Type: corev1.PodReady, Status: ready, LastTransitionTime: now},
	}
}
