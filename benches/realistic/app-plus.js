#!/usr/bin/env node
// The realistic workload (benches/realistic/README.md) with cdk8s + cdk8s-plus-34 (L2
// constructs), plain JavaScript. Usage: node app-plus.js N OUTDIR (NODE_PATH must reach the
// harness's cdk8s/node_modules). Emits <OUTDIR>/app.k8s.yaml with 7N+3 documents.
'use strict';
const { App, Chart, ApiObject, Duration, Size, YamlOutputType } = require('cdk8s');
const kplus = require('cdk8s-plus-34');

const N = parseInt(process.argv[2] || '10', 10);
const outdir = process.argv[3] || undefined;
const NS = 'perf';

const app = new App({ outdir, yamlOutputType: YamlOutputType.FILE_PER_APP });
const nsChart = new Chart(app, 'ns');
new kplus.Namespace(nsChart, 'ns', {
  metadata: { name: NS, labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } },
});
const chart = new Chart(app, 'perf', { namespace: NS, disableResourceNameHashes: true });

// The default deny: cdk8s-plus's NetworkPolicy with no rule and every pod selected.
new kplus.NetworkPolicy(chart, 'deny', {
  metadata: { name: 'default-deny' },
  selector: kplus.Pods.all(),
  ingress: { default: kplus.NetworkPolicyTrafficDefault.DENY },
});
const ingress = new kplus.Ingress(chart, 'ingress', { metadata: { name: 'perf-ingress' } });
const ingressNamespace = kplus.Namespaces.select(chart, 'ingress-ns', { names: ['ingress-nginx'] });

for (let i = 0; i < N; i++) {
  const name = `app-${i}`;
  const labels = { app: name };
  const cm = new kplus.ConfigMap(chart, `cm-${i}`, {
    metadata: { name: `${name}-config`, labels },
    data: { APP_NAME: name, LOG_LEVEL: 'info' },
  });
  const secret = new kplus.Secret(chart, `secret-${i}`, {
    metadata: { name: `${name}-secret`, labels },
    stringData: { password: `pw-${i}` },
  });
  const dep = new kplus.Deployment(chart, `dep-${i}`, {
    metadata: { name, labels },
    podMetadata: { labels },
    // No fixed replicas: cdk8s-plus refuses them beside an autoscaler (which sets them).
    automountServiceAccountToken: false,
    securityContext: { ensureNonRoot: true, user: 10001, group: 10001, fsGroup: 10001 },
    containers: [{
      name: 'web',
      image: 'nginx:1.27',
      ports: [{ number: 8080, name: 'http' }],
      resources: {
        cpu: { request: kplus.Cpu.millis(100), limit: kplus.Cpu.millis(200) },
        memory: { request: Size.mebibytes(128), limit: Size.mebibytes(256) },
      },
      envFrom: [kplus.Env.fromConfigMap(cm)],
      envVariables: { APP_PASSWORD: kplus.EnvValue.fromSecretValue({ secret, key: 'password' }) },
      readiness: kplus.Probe.fromHttpGet('/ready', { port: 8080, periodSeconds: Duration.seconds(5) }),
      liveness: kplus.Probe.fromHttpGet('/healthz', { port: 8080, initialDelaySeconds: Duration.seconds(10) }),
      securityContext: {
        ensureNonRoot: true, user: 10001, group: 10001,
        readOnlyRootFilesystem: true, allowPrivilegeEscalation: false,
      },
      volumeMounts: [
        { path: '/tmp', volume: kplus.Volume.fromEmptyDir(chart, `tmp-${i}`, 'tmp', { sizeLimit: Size.mebibytes(64) }) },
        { path: '/run/secrets/app', readOnly: true, volume: kplus.Volume.fromSecret(chart, `sv-${i}`, secret, { name: 'secret' }) },
      ],
    }],
  });
  const svc = dep.exposeViaService({
    name,
    serviceType: kplus.ServiceType.CLUSTER_IP,
    ports: [{ port: 80, targetPort: 8080, name: 'http' }],
  });
  // cdk8s-plus has no PodDisruptionBudget construct: the L1 object through ApiObject.
  new ApiObject(chart, `pdb-${i}`, {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name },
    spec: { minAvailable: 1, selector: { matchLabels: dep.matchLabels } },
  });
  new kplus.HorizontalPodAutoscaler(chart, `hpa-${i}`, {
    metadata: { name },
    target: dep,
    minReplicas: 2,
    maxReplicas: 4,
    metrics: [kplus.Metric.resourceCpu(kplus.MetricTarget.averageUtilization(70))],
  });
  const policy = new kplus.NetworkPolicy(chart, `np-${i}`, {
    metadata: { name: `allow-ingress-to-${name}` },
    selector: dep,
  });
  policy.addIngressRule(ingressNamespace);
  ingress.addRule(`/${name}`, kplus.IngressBackend.fromService(svc), kplus.HttpIngressPathType.PREFIX);
}

app.synth();
