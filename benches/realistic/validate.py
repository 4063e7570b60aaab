#!/usr/bin/env python3
"""Check one peer's output of the realistic workload (benches/realistic/README.md).

Usage: validate.py FILE N   ->   bytes  docs  kind_lines  status
Expected 7N+3 documents: 1 Namespace, N+1 NetworkPolicies (a default deny and one per app),
N each of ConfigMap, Secret, Deployment, Service, PodDisruptionBudget,
HorizontalPodAutoscaler, and 1 Ingress with N paths. Every Deployment: 2 replicas (or none,
left to the autoscaler), one
container with readiness and liveness probes, env from a ConfigMap and a Secret key, an
emptyDir and a Secret volume, runAsNonRoot and a read-only root filesystem.
"""
import collections
import os
import sys

import yaml

Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def bad_deployment(d):
    spec = d["spec"]
    pod = spec["template"]["spec"]
    cs = pod["containers"]
    # cdk8s-plus leaves replicas to the autoscaler (absent); the others write 2.
    if spec.get("replicas", 2) != 2 or len(cs) != 1:
        return "replicas or containers"
    c = cs[0]
    if "readinessProbe" not in c or "livenessProbe" not in c:
        return "probes"
    if not c.get("envFrom") or not any("secretKeyRef" in (e.get("valueFrom") or {}) for e in c.get("env", [])):
        return "env"
    kinds = sorted(k for v in pod.get("volumes", []) for k in v if k != "name")
    if kinds != ["emptyDir", "secret"]:
        return f"volumes {kinds}"
    sc = c.get("securityContext", {})
    if not sc.get("readOnlyRootFilesystem") or not (sc.get("runAsNonRoot") or pod.get("securityContext", {}).get("runAsNonRoot")):
        return "security context"
    r = c.get("resources", {})
    if str(r.get("requests", {}).get("cpu")) != "100m" or str(r.get("limits", {}).get("memory")) != "256Mi":
        return "resources"
    return None


def main():
    path, n = sys.argv[1], int(sys.argv[2])
    size = os.path.getsize(path)
    with open(path, "rb") as f:
        raw = f.read()
    kind_lines = sum(1 for line in raw.splitlines() if line.startswith(b"kind:"))
    docs = [d for d in yaml.load_all(raw, Loader=Loader) if d is not None]
    kinds = collections.Counter(d.get("kind") for d in docs)
    want = {"Namespace": 1, "NetworkPolicy": n + 1, "ConfigMap": n, "Secret": n, "Deployment": n,
            "Service": n, "PodDisruptionBudget": n, "HorizontalPodAutoscaler": n, "Ingress": 1}
    problems = []
    if len(docs) != 7 * n + 3:
        problems.append(f"docs={len(docs)}!={7 * n + 3}")
    for k, v in want.items():
        if kinds.get(k, 0) != v:
            problems.append(f"{k}={kinds.get(k, 0)}!={v}")
    extra = set(kinds) - set(want)
    if extra:
        problems.append("unexpected kinds " + ",".join(sorted(map(str, extra))))
    paths = sum(len(((r.get("http") or {}).get("paths")) or [])
                for d in docs if d.get("kind") == "Ingress"
                for r in d.get("spec", {}).get("rules", []) or [])
    if paths != n:
        problems.append(f"ingress_paths={paths}!={n}")
    for d in docs:
        if d.get("kind") == "Deployment":
            why = bad_deployment(d)
            if why:
                problems.append(f"deployment {d['metadata']['name']}: {why}")
                break
    status = "OK" if not problems else "FAIL:" + ";".join(problems)
    print(f"{size}\t{len(docs)}\t{kind_lines}\t{status}")


if __name__ == "__main__":
    main()
