"""An independent sum of the pods' effective requests in a manifest stream, for the import test.

Reads multi-document YAML (PyYAML) from the file named on the command line and prints one JSON
object: {"cpu_millis": N, "memory_bytes": N, "pods": N, "objects": N, "namespaces": N}, summed over every pod the workloads run
in steady state — replicas for Deployments and StatefulSets (1 when unset), one per node for a
DaemonSet (this sums one node), min(parallelism, completions) for a Job and for one run of a
CronJob, one for a bare Pod. A pod's effective request follows the Kubernetes rule
(pkg/api/v1/resource/helpers.go, PodRequests): the larger of the app containers plus the
restartable init containers (sidecars) and, for each plain init container, itself plus the
sidecars started before it; plus the pod overhead. A container with a limit and no request
requests its limit (the API server's defaulting). CPU is rounded up to millicores.
"""

import json
import math
import sys
from fractions import Fraction

import yaml

SUFFIXES = {
    "Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "Pi": 2**50, "Ei": 2**60,
    "n": Fraction(1, 10**9), "u": Fraction(1, 10**6), "m": Fraction(1, 1000),
    "k": 10**3, "M": 10**6, "G": 10**9, "T": 10**12, "P": 10**15, "E": 10**18,
}


def quantity(text):
    text = str(text).strip()
    for suffix in sorted(SUFFIXES, key=len, reverse=True):
        if text.endswith(suffix) and text[: -len(suffix)]:
            return Fraction(text[: -len(suffix)]) * SUFFIXES[suffix]
    if "e" in text.lower():
        mantissa, exponent = text.lower().split("e")
        return Fraction(mantissa) * Fraction(10) ** int(exponent)
    return Fraction(text)


def container_requests(c):
    res = c.get("resources") or {}
    requests = dict(res.get("requests") or {})
    for name, value in (res.get("limits") or {}).items():
        requests.setdefault(name, value)
    cpu = math.ceil(quantity(requests["cpu"]) * 1000) if "cpu" in requests else 0
    memory = math.ceil(quantity(requests["memory"])) if "memory" in requests else 0
    return cpu, memory


def pod_requests(spec):
    apps = [container_requests(c) for c in spec.get("containers") or []]
    total = [sum(x[0] for x in apps), sum(x[1] for x in apps)]
    sidecars = [0, 0]
    peak = [0, 0]
    for c in spec.get("initContainers") or []:
        cpu, memory = container_requests(c)
        if c.get("restartPolicy") == "Always":
            sidecars[0] += cpu
            sidecars[1] += memory
            peak = [max(peak[0], sidecars[0]), max(peak[1], sidecars[1])]
        else:
            peak = [max(peak[0], sidecars[0] + cpu), max(peak[1], sidecars[1] + memory)]
    effective = [max(total[0] + sidecars[0], peak[0]), max(total[1] + sidecars[1], peak[1])]
    for name, value in (spec.get("overhead") or {}).items():
        if name == "cpu":
            effective[0] += math.ceil(quantity(value) * 1000)
        elif name == "memory":
            effective[1] += math.ceil(quantity(value))
    return effective


def job_pods(spec):
    parallelism = spec.get("parallelism", 1)
    completions = spec.get("completions")
    return parallelism if completions is None else min(parallelism, completions)


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        docs = [d for d in yaml.safe_load_all(f) if d]
    out = {"cpu_millis": 0, "memory_bytes": 0, "pods": 0, "objects": len(docs),
           "namespaces": sum(1 for d in docs if d.get("kind") == "Namespace")}
    for d in docs:
        kind = d.get("kind")
        spec = d.get("spec") or {}
        if kind in ("Deployment", "StatefulSet"):
            pods, pod = spec.get("replicas", 1), spec["template"]["spec"]
        elif kind == "DaemonSet":
            pods, pod = 1, spec["template"]["spec"]
        elif kind == "Job":
            pods, pod = job_pods(spec), spec["template"]["spec"]
        elif kind == "CronJob":
            job = spec["jobTemplate"]["spec"]
            pods, pod = job_pods(job), job["template"]["spec"]
        elif kind == "Pod":
            pods, pod = 1, spec
        else:
            continue
        cpu, memory = pod_requests(pod)
        out["cpu_millis"] += cpu * pods
        out["memory_bytes"] += memory * pods
        out["pods"] += pods
    print(json.dumps(out))


if __name__ == "__main__":
    main()
