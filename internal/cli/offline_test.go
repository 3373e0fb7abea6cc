package cli

import (
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/google/go-containerregistry/pkg/registry"
	"github.com/google/go-containerregistry/pkg/v1/layout"

	"github.com/sluice-dev/sluice/internal/netguard"
	"github.com/sluice-dev/sluice/internal/testutil"
)

// countingServer is a loopback HTTP server that counts the connections it
// accepts, to compare with the connections netguard made.
type countingServer struct {
	*httptest.Server
	conns atomic.Int64
}

func startCounting(t *testing.T, h http.Handler) *countingServer {
	t.Helper()
	s := &countingServer{Server: httptest.NewUnstartedServer(h)}
	s.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			s.conns.Add(1)
		}
	}
	s.Start()
	t.Cleanup(s.Close)
	return s
}

// reset forgets the connections of the test's own setup: they are closed,
// so whatever comes later has to connect anew and be counted.
func (s *countingServer) reset() {
	s.CloseClientConnections()
	s.conns.Store(0)
}

func (s *countingServer) host() string { return strings.TrimPrefix(s.URL, "http://") }

// TestOfflineDemoPipeline runs every sluice command of the demo
// (demo/steps/*.sh) in-process with --offline, the registry steps against
// an in-process registry on loopback and "db update" against a loopback
// mirror, and proves that no connection escaped netguard: none was refused
// (nothing tried to leave the machine), and each connection the servers
// accepted was one netguard's dialer made (nothing bypassed it).
func TestOfflineDemoPipeline(t *testing.T) {
	const repo = "../.."
	demo := filepath.Join(repo, "demo")
	work := t.TempDir()
	at := func(name string) string { return filepath.Join(work, name) }

	// Setup, online and outside sluice: the demo image, the registry
	// holding it, the advisory mirror. (go run before XDG_CACHE_HOME
	// moves, or it rebuilds everything in an empty build cache.)
	mk := exec.Command("go", "run", "./demo/mkimage", "-o", at("image"), "-files", "demo/image/files")
	mk.Dir = repo
	if out, err := mk.CombinedOutput(); err != nil {
		t.Fatalf("demo/mkimage: %v\n%s", err, out)
	}
	t.Setenv("XDG_CACHE_HOME", filepath.Join(work, "cache"))
	t.Setenv("SLUICE_PASSWORD", "demo-password")
	idx, err := layout.ImageIndexFromPath(at("image"))
	if err != nil {
		t.Fatal(err)
	}
	im, err := idx.IndexManifest()
	if err != nil || len(im.Manifests) != 1 {
		t.Fatalf("demo image layout: %v, %d manifests", err, len(im.Manifests))
	}
	img, err := idx.Image(im.Manifests[0].Digest)
	if err != nil {
		t.Fatal(err)
	}
	reg := startCounting(t, registry.New(registry.Logger(log.New(io.Discard, "", 0)), registry.WithReferrersSupport(true)))
	host := reg.host()
	testutil.Push(t, host+"/demo/app:1.0", img)
	arm := testutil.PlatformImage(t, "linux/arm64", testutil.Step{CreatedBy: "COPY app /app", Layer: testutil.Layer(t, testutil.File{Path: "app", Content: "arm64"})})
	testutil.Push(t, host+"/demo/app:multi", testutil.Index(t, img, arm))
	mirror := startCounting(t, http.FileServer(http.Dir(filepath.Join(demo, "vulndata", "alpine-secdb"))))
	if err := os.WriteFile(at("broken.json"), []byte(`{"schema": "sluice.report/v1", "findings": [}`), 0o644); err != nil {
		t.Fatal(err)
	}
	reg.reset()
	mirror.reset()

	var mu sync.Mutex
	var dials []netguard.Dial
	stop := netguard.Watch(func(d netguard.Dial) {
		mu.Lock()
		defer mu.Unlock()
		dials = append(dials, d)
	})
	defer stop()

	app, prod := host+"/demo/app:1.0", host+"/prod/app:1.0"
	sbomIn := "sbom:" + filepath.Join(demo, "scan", "demo-image.cdx.json")
	report := filepath.Join(demo, "report", "scan.json")
	steps := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"version", []string{"version"}, 0, "sluice"},
		{"lint", []string{"lint", filepath.Join(demo, "lint", "Dockerfile"), "-f", "json", "--fail-on", "medium"}, 1, `"SL1004"`},
		{"secrets", []string{"secrets", "-f", "json", "--fail-on", "high", filepath.Join(demo, "secrets")}, 1, "aws-access-key-id"},
		{"sbom archive", []string{"sbom", "docker-archive:" + filepath.Join(demo, "sbom", "app.tar"), "--cache-dir", at("layers")}, 0, ""},
		{"sbom demo image", []string{"sbom", "oci-dir:" + at("image"), "-f", "json", "--cache-dir", at("layers")}, 0, "sluice.inventory/v1"},
		{"config", []string{"config", "--fail-on", "high", "-f", "json", filepath.Join(demo, "manifests")}, 1, "pss:privileged"},
		{"db import", []string{"db", "import", "--db", at("vuln.db"), filepath.Join(demo, "vulndata")}, 0, ""},
		{"db info", []string{"db", "info", "--db", at("vuln.db")}, 0, ""},
		{"scan", []string{"scan", "--db", at("vuln.db"), "--fail-on", "unknown", "--vex", filepath.Join(demo, "scan", "demo.vex.json"), sbomIn}, 1, ""},
		{"explain", []string{"explain", "CVE-2022-48174", "--db", at("vuln.db"), "--target", sbomIn}, 0, "CVE-2022-48174"},
		{"db update from a loopback mirror", []string{"db", "update", "--db", at("mirror.db"), "--allow-http",
			"--source", "alpine-edge-main=" + mirror.URL + "/edge-main.json,format=alpine-secdb"}, 0, "rebuilt"},
		{"db push", []string{"db", "push", "--db", at("vuln.db"), "--insecure", host + "/sluice/db:1"}, 0, "@sha256:"},
		{"db pull", []string{"db", "pull", "--db", at("pulled.db"), "--insecure", host + "/sluice/db:1"}, 0, "advisories"},
		{"sbom from the registry", []string{"sbom", "registry:" + app, "--insecure", "--cache-dir", at("layers")}, 0, ""},
		{"keygen", []string{"keygen", "--output-key-prefix", at("release")}, 0, ""},
		{"keygen intruder", []string{"keygen", "--output-key-prefix", at("intruder")}, 0, ""},
		{"verify unsigned", []string{"verify", app, "--key", at("release.pub")}, 1, ""},
		{"sign", []string{"sign", app, "--key", at("release.key"), "-a", "stage=qa"}, 0, ""},
		{"sign legacy", []string{"sign", app, "--key", at("release.key"), "--format", "legacy", "-q"}, 0, ""},
		{"sign index", []string{"sign", host + "/demo/app:multi", "--key", at("release.key"), "--recursive", "-q"}, 0, ""},
		{"verify", []string{"verify", app, "--key", at("release.pub"), "-a", "stage=qa", "--explain"}, 0, "Verified"},
		{"verify intruder", []string{"verify", app, "--key", at("intruder.pub")}, 1, ""},
		{"attest", []string{"attest", app, "--key", at("release.key"), "--sbom", "--insecure", "-q"}, 0, ""},
		{"verify-attestation", []string{"verify-attestation", app, "--key", at("release.pub"), "--type", "cyclonedx"}, 0, ""},
		{"promote", []string{"promote", app, prod, "--key", at("release.pub"), "--attestation", "cyclonedx"}, 0, ""},
		{"verify promoted", []string{"verify", prod, "--key", at("release.pub")}, 0, ""},
		{"promote refused", []string{"promote", app, host + "/prod/app:1.1", "--key", at("release.pub"), "--key", at("intruder.pub")}, 1, ""},
		{"report table", []string{"report", "convert", report, "-f", "table"}, 0, ""},
		{"report sarif", []string{"report", "convert", report, "-f", "sarif", "-o", at("report.sarif"), "-q"}, 0, ""},
		{"report gate", []string{"report", "convert", report, "-f", "junit", "-o", at("gate.xml"), "--fail-on", "high"}, 1, ""},
		{"report broken", []string{"report", "convert", at("broken.json")}, 2, ""},
	}
	for _, s := range steps {
		code, out, errs := runCLI(t, append([]string{"--offline"}, s.args...)...)
		if code != s.code || !strings.Contains(out+errs, s.want) {
			t.Errorf("%s: sluice %s: exit %d, want %d (output containing %q)\n%s%s", s.name, strings.Join(s.args, " "), code, s.code, s.want, out, errs)
		}
	}
	stop()

	mu.Lock()
	defer mu.Unlock()
	made := map[string]int64{}
	for _, d := range dials {
		var refused *netguard.Error
		switch {
		case errors.As(d.Err, &refused):
			t.Errorf("offline refused %s: something in the demo tried to leave the machine", refused)
		case d.Address != host && d.Address != mirror.host():
			t.Errorf("%s connected to %s, which is neither the registry nor the mirror", d.Who, d.Address)
		default:
			made[d.Address]++
		}
	}
	for _, s := range []*countingServer{reg, mirror} {
		accepted := s.conns.Load()
		t.Logf("%s: %d connections accepted, %d made through netguard", s.host(), accepted, made[s.host()])
		switch {
		case made[s.host()] == 0:
			t.Errorf("no connection to %s went through netguard: the steps did not exercise it", s.host())
		case accepted > made[s.host()]:
			t.Errorf("%s accepted %d connections but netguard made only %d: something bypassed it", s.host(), accepted, made[s.host()])
		}
	}
}

// TestOfflineRefusalNamesWhoTried: under --offline each command that would
// reach a remote registry or feed fails with an input error (exit 2) naming
// the command, the component and the address, before anything is sent.
func TestOfflineRefusalNamesWhoTried(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	dir := t.TempDir()
	pub := filepath.Join(dir, "k.pub")
	t.Setenv("SLUICE_PASSWORD", "pw")
	if code, out, errs := runCLI(t, "keygen", "--output-key-prefix", filepath.Join(dir, "k")); code != 0 {
		t.Fatalf("keygen: %s%s", out, errs)
	}
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"sbom", []string{"sbom", "registry:example.com/x:1"}, "offline: sluice sbom (image registry) tried to connect to example.com:443"},
		{"verify", []string{"verify", "example.com/x:1", "--key", pub}, "offline: sluice verify (registry) tried to connect to example.com:443"},
		{"db pull", []string{"db", "pull", "--db", filepath.Join(dir, "db"), "example.com/db:1"}, "offline: sluice db pull (registry) tried to connect to example.com:443"},
		{"db update", []string{"db", "update", "--db", filepath.Join(dir, "db"), "--source", "osv=https://osv.example.com/all.zip"},
			"offline: sluice db update (feed download) tried to connect to osv.example.com:443"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, how := range []struct {
				name string
				args []string
				env  string
			}{{"flag", append([]string{"--offline"}, tt.args...), ""}, {"env", tt.args, "true"}} {
				t.Setenv("SLUICE_OFFLINE", how.env)
				if how.env == "" {
					os.Unsetenv("SLUICE_OFFLINE")
				}
				code, out, errs := runCLI(t, how.args...)
				if code != ExitError || !strings.Contains(errs, tt.want) {
					t.Errorf("%s: exit %d, want %d and stderr containing %q\n%s%s", how.name, code, ExitError, tt.want, out, errs)
				}
			}
		})
	}
}

// TestOfflineSecretsHistoryDoesNotFetch scans the history of a partial
// clone, whose blobs all live on its origin: online git fetches them as the
// scan reads them; under --offline it may not, so the scan fails with git's
// reason (exit 2) and the blob stays missing.
func TestOfflineSecretsHistoryDoesNotFetch(t *testing.T) {
	clone := testutil.PartialClone(t, map[string]string{"settings.env": "AWS_ACCESS_KEY_ID=AKIASLUICEDEMOFAKE23\n"})
	blob := testutil.Git(t, "-C", clone, "rev-parse", "HEAD:settings.env")
	present := func() bool {
		check := exec.Command("git", "-C", clone, "cat-file", "-e", blob)
		check.Env = append(os.Environ(), "GIT_NO_LAZY_FETCH=1") // looking must not fetch either
		return check.Run() == nil
	}

	code, out, errs := runCLI(t, "--offline", "secrets", "--history", "-f", "json", clone)
	if code != ExitError || !strings.Contains(errs, "stopped at blob "+blob) || present() {
		t.Fatalf("offline: exit %d, blob present %v: git fetched from the origin\n%s%s", code, present(), out, errs)
	}
	code, out, errs = runCLI(t, "secrets", "--history", "-f", "json", clone)
	if code != 0 || !strings.Contains(out, "aws-access-key-id") || !present() {
		t.Fatalf("online: exit %d, blob present %v: the test needs git to fetch lazily\n%s%s", code, present(), out, errs)
	}
}
