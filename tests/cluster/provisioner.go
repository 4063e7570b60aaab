package main

import (
	"context"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"
)

// runProvisioner plays the part of a dynamic volume provisioner (k3s's local-path, a cloud's
// CSI driver): every PersistentVolumeClaim still waiting for a volume gets a PersistentVolume
// of its size, access modes and class, bound to it through claimRef (the persistent volume
// controller completes the binding); a volume whose claim is gone is deleted.
func runProvisioner(ctx context.Context, client kubernetes.Interface) {
	wait.UntilWithContext(ctx, func(ctx context.Context) {
		claims, err := client.CoreV1().PersistentVolumeClaims("").List(ctx, metav1.ListOptions{})
		if err != nil {
			return
		}
		for _, pvc := range claims.Items {
			if pvc.Spec.VolumeName != "" || pvc.DeletionTimestamp != nil || pvc.Status.Phase == corev1.ClaimBound {
				continue
			}
			size := pvc.Spec.Resources.Requests[corev1.ResourceStorage]
			pv := &corev1.PersistentVolume{
				ObjectMeta: metav1.ObjectMeta{Name: "pvc-" + string(pvc.UID)},
				Spec: corev1.PersistentVolumeSpec{
					Capacity:                      corev1.ResourceList{corev1.ResourceStorage: size},
					AccessModes:                   pvc.Spec.AccessModes,
					PersistentVolumeReclaimPolicy: corev1.PersistentVolumeReclaimRetain,
					StorageClassName:              deref0(pvc.Spec.StorageClassName),
					VolumeMode:                    pvc.Spec.VolumeMode,
					PersistentVolumeSource: corev1.PersistentVolumeSource{
						HostPath: &corev1.HostPathVolumeSource{Path: "/var/lib/kubefit-cluster/" + string(pvc.UID)},
					},
					ClaimRef: &corev1.ObjectReference{
						Kind: "PersistentVolumeClaim", APIVersion: "v1",
						Namespace: pvc.Namespace, Name: pvc.Name, UID: pvc.UID,
					},
				},
			}
			if _, err := client.CoreV1().PersistentVolumes().Create(ctx, pv, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
				continue
			}
		}
		volumes, err := client.CoreV1().PersistentVolumes().List(ctx, metav1.ListOptions{})
		if err != nil {
			return
		}
		for _, pv := range volumes.Items {
			if pv.Status.Phase == corev1.VolumeReleased || pv.Status.Phase == corev1.VolumeFailed {
				_ = client.CoreV1().PersistentVolumes().Delete(ctx, pv.Name, metav1.DeleteOptions{})
			}
		}
	}, 250*time.Millisecond)
}

func deref0(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
