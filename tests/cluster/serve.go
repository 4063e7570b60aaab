package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"go.etcd.io/etcd/server/v3/embed"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
)

// The admission plugins the API server runs on top of its defaults (--enable-admission-plugins
// adds to them): the ones that matter to objects kubefit emits, named explicitly so a change of
// defaults in a later release does not change the judge silently.
// TaintNodesByCondition is turned off (disabledAdmissionPlugins): it taints every new Node
// not-ready, and only the node lifecycle controller, which needs real kubelet heartbeats, would
// lift the taint.
const admissionPlugins = "NamespaceLifecycle,LimitRanger,ServiceAccount,PodSecurity,Priority," +
	"DefaultTolerationSeconds,RuntimeClass,DefaultStorageClass,StorageObjectInUseProtection," +
	"PersistentVolumeClaimResize,DefaultIngressClass,MutatingAdmissionWebhook," +
	"ValidatingAdmissionPolicy,ValidatingAdmissionWebhook,ResourceQuota"

const disabledAdmissionPlugins = "TaintNodesByCondition"

// The controllers kubefit's verdicts depend on, by their kube-controller-manager names.
// The volume controllers bind claims to the volumes runProvisioner makes and release them.
const controllers = "deployment,replicaset,statefulset,daemonset,job,cronjob,namespace," +
	"serviceaccount,garbagecollector,resourcequota,podgc,disruption,ttl-after-finished," +
	"persistentvolume-binder,pvc-protection,pv-protection"

// cluster is what serve runs: the children, the store and a client with full rights.
type cluster struct {
	dir        string
	kubeconfig string
	config     *rest.Config
	client     *kubernetes.Clientset
	children   []*exec.Cmd
	etcd       *embed.Etcd
}

// up starts the whole cluster in dir and returns it with the context its loops run in; the
// caller stops it (c.stop) when done. SIGTERM and SIGINT stop it too.
func up(dir string) (*cluster, context.Context, context.CancelFunc, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return nil, nil, nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, nil, nil, err
	}
	c := &cluster{dir: dir}
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGTERM, syscall.SIGINT)
	go func() {
		<-signals
		c.stop()
		os.Exit(1)
	}()
	if err := c.start(); err != nil {
		c.stop()
		return nil, nil, nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	go runKubelet(ctx, c.client)
	go runProvisioner(ctx, c.client)
	return c, ctx, cancel, nil
}

func serve(dir string) error {
	c, ctx, cancel, err := up(dir)
	if err != nil {
		return err
	}
	defer c.stop()
	defer cancel()

	ready, _ := json.Marshal(map[string]any{"ready": true, "kubeconfig": c.kubeconfig, "dir": c.dir})
	fmt.Println(string(ready))

	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<30)
	out := bufio.NewWriter(os.Stdout)
	for in.Scan() {
		line := strings.TrimSpace(in.Text())
		if line == "" {
			continue
		}
		answer := handle(ctx, c, []byte(line))
		encoded, err := json.Marshal(answer)
		if err != nil {
			encoded, _ = json.Marshal(map[string]any{"error": err.Error()})
		}
		out.Write(encoded)
		out.WriteByte('\n')
		out.Flush()
	}
	return in.Err()
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func (c *cluster) start() error {
	// etcd, embedded, in this process.
	clientPort, err := freePort()
	if err != nil {
		return err
	}
	peerPort, err := freePort()
	if err != nil {
		return err
	}
	cfg := embed.NewConfig()
	cfg.Name = "kubefit"
	cfg.Dir = filepath.Join(c.dir, "etcd")
	_ = os.RemoveAll(cfg.Dir)
	cfg.LogLevel = "error"
	cfg.LogOutputs = []string{filepath.Join(c.dir, "etcd.log")}
	cfg.UnsafeNoFsync = true
	clientURL, _ := url.Parse("http://127.0.0.1:" + strconv.Itoa(clientPort))
	peerURL, _ := url.Parse("http://127.0.0.1:" + strconv.Itoa(peerPort))
	cfg.ListenClientUrls = []url.URL{*clientURL}
	cfg.AdvertiseClientUrls = []url.URL{*clientURL}
	cfg.ListenPeerUrls = []url.URL{*peerURL}
	cfg.AdvertisePeerUrls = []url.URL{*peerURL}
	cfg.InitialCluster = cfg.InitialClusterFromName(cfg.Name)
	c.etcd, err = embed.StartEtcd(cfg)
	if err != nil {
		return fmt.Errorf("start etcd: %w", err)
	}
	select {
	case <-c.etcd.Server.ReadyNotify():
	case <-time.After(60 * time.Second):
		return fmt.Errorf("etcd did not become ready within 60 s (see %s)", cfg.LogOutputs[0])
	}

	// Credentials: a service-account signing key and one static token in system:masters.
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return err
	}
	keyFile := filepath.Join(c.dir, "service-account.key")
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})
	if err := os.WriteFile(keyFile, keyPEM, 0o600); err != nil {
		return err
	}
	tokenBytes := make([]byte, 16)
	if _, err := rand.Read(tokenBytes); err != nil {
		return err
	}
	token := hex.EncodeToString(tokenBytes)
	tokenFile := filepath.Join(c.dir, "tokens.csv")
	if err := os.WriteFile(tokenFile, []byte(token+`,kubefit-admin,kubefit-admin,"system:masters"`+"\n"), 0o600); err != nil {
		return err
	}

	apiPort, err := freePort()
	if err != nil {
		return err
	}
	server := "https://127.0.0.1:" + strconv.Itoa(apiPort)
	c.kubeconfig = filepath.Join(c.dir, "kubeconfig")
	kubeconfig := fmt.Sprintf(`apiVersion: v1
kind: Config
clusters:
- name: kubefit
  cluster:
    server: %s
    insecure-skip-tls-verify: true
users:
- name: kubefit-admin
  user:
    token: %s
contexts:
- name: kubefit
  context:
    cluster: kubefit
    user: kubefit-admin
current-context: kubefit
`, server, token)
	if err := os.WriteFile(c.kubeconfig, []byte(kubeconfig), 0o600); err != nil {
		return err
	}

	if err := c.child("apiserver",
		"--etcd-servers="+clientURL.String(),
		"--bind-address=127.0.0.1",
		"--secure-port="+strconv.Itoa(apiPort),
		"--cert-dir="+filepath.Join(c.dir, "certs"),
		"--token-auth-file="+tokenFile,
		"--authorization-mode=RBAC",
		// As k3s, kubeadm and managed clusters run it: without it no privileged container is
		// admitted at all, whatever the namespace's Pod Security level.
		"--allow-privileged=true",
		"--service-account-issuer=https://kubernetes.default.svc.cluster.local",
		"--service-account-key-file="+keyFile,
		"--service-account-signing-key-file="+keyFile,
		"--service-cluster-ip-range=10.96.0.0/16",
		"--enable-admission-plugins="+admissionPlugins,
		"--disable-admission-plugins="+disabledAdmissionPlugins,
		"--endpoint-reconciler-type=none",
		"--enable-priority-and-fairness=false",
		"--v=0",
	); err != nil {
		return err
	}

	c.config, err = clientcmd.BuildConfigFromFlags("", c.kubeconfig)
	if err != nil {
		return err
	}
	c.config.QPS = 1000
	c.config.Burst = 2000
	c.client, err = kubernetes.NewForConfig(c.config)
	if err != nil {
		return err
	}
	if err := waitFor(90*time.Second, func() bool {
		status := 0
		c.client.CoreV1().RESTClient().Get().AbsPath("/readyz").Do(context.Background()).StatusCode(&status)
		return status == 200
	}); err != nil {
		return fmt.Errorf("the API server did not become ready (see %s): %w", filepath.Join(c.dir, "apiserver.log"), err)
	}

	if err := c.child("controller-manager",
		"--kubeconfig="+c.kubeconfig,
		"--leader-elect=false",
		"--secure-port=0",
		"--controllers="+controllers,
		"--use-service-account-credentials=false",
		"--concurrent-deployment-syncs=10",
		"--v=0",
	); err != nil {
		return err
	}
	if err := c.child("scheduler",
		"--kubeconfig="+c.kubeconfig,
		"--authentication-kubeconfig="+c.kubeconfig,
		"--authorization-kubeconfig="+c.kubeconfig,
		"--leader-elect=false",
		"--secure-port=0",
		"--v=0",
	); err != nil {
		return err
	}
	// The service account controller has run once the default namespace has its account.
	if err := waitFor(90*time.Second, func() bool {
		_, err := c.client.CoreV1().ServiceAccounts("default").Get(context.Background(), "default", metav1.GetOptions{})
		return err == nil
	}); err != nil {
		return fmt.Errorf("the controller manager did not create the default service account (see %s): %w", filepath.Join(c.dir, "controller-manager.log"), err)
	}
	return nil
}

// child starts this binary again as one component, logging to DIR/NAME.log; it dies with us.
func (c *cluster) child(name string, args ...string) error {
	self, err := os.Executable()
	if err != nil {
		return err
	}
	logFile, err := os.Create(filepath.Join(c.dir, name+".log"))
	if err != nil {
		return err
	}
	cmd := exec.Command(self, append([]string{name}, args...)...)
	cmd.Stdout = logFile
	cmd.Stderr = logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start %s: %w", name, err)
	}
	c.children = append(c.children, cmd)
	go func() {
		_ = cmd.Wait()
		logFile.Close()
	}()
	return nil
}

func (c *cluster) stop() {
	for i := len(c.children) - 1; i >= 0; i-- {
		if p := c.children[i].Process; p != nil {
			_ = p.Signal(syscall.SIGTERM)
		}
	}
	deadline := time.Now().Add(5 * time.Second)
	for _, child := range c.children {
		for child.ProcessState == nil && time.Now().Before(deadline) {
			time.Sleep(50 * time.Millisecond)
		}
		if child.ProcessState == nil && child.Process != nil {
			_ = child.Process.Kill()
		}
	}
	c.children = nil
	if c.etcd != nil {
		c.etcd.Close()
		c.etcd = nil
	}
}

func waitFor(timeout time.Duration, done func() bool) error {
	deadline := time.Now().Add(timeout)
	for {
		if done() {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("timed out after %s", timeout)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
