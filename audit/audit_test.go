package audit

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/sluice-dev/sluice/finding"
	"github.com/sluice-dev/sluice/internal/safeio"
	"github.com/sluice-dev/sluice/secrets"
	"github.com/sluice-dev/sluice/secrets/rules"
	"github.com/sluice-dev/sluice/source"
)

func config(t testing.TB, name string) *v1.ConfigFile {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	cf, err := v1.ParseConfigFile(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	return cf
}

const layer = "sha256:1111111111111111111111111111111111111111111111111111111111111111"

func file(p string, mode fs.FileMode) source.File {
	return source.File{Path: p, Mode: mode, Layer: layer}
}

var debianFiles = []source.File{
	file("bin", fs.ModeDir|0o755),
	file("bin/bash", 0o755),
	file("bin/sh", fs.ModeSymlink|0o777),
	file("usr/bin/passwd", fs.ModeSetuid|0o755),
	file("usr/bin/wall", fs.ModeSetgid|0o755),
	file("usr/bin/apt-get", 0o755),
	file("usr/bin/dpkg", 0o755),
	file("usr/sbin/sshd", 0o755),
	file("tmp", fs.ModeDir|fs.ModeSticky|0o777),
	file("var/cache/app", fs.ModeDir|0o777),
	file("etc/app.conf", 0o666),
	file("opt/tool/old-setuid", fs.ModeSetuid|0o755),
	{Path: "usr/bin/su", Mode: fs.ModeSetuid | 0o755, Layer: layer, Deleted: true},
}

type got struct {
	Rule, Message, Path string
}

func collect(res finding.Result) []got {
	var out []got
	for _, f := range res.Findings {
		out = append(out, got{f.Rule, f.Message, f.Location.Path})
	}
	return out
}

func TestAudit(t *testing.T) {
	now := func() time.Time { return time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC) }
	opts := Options{AllowedRegistries: []string{"gcr.io/distroless", "registry.example"}, MaxAge: 90 * 24 * time.Hour, Now: now}
	for _, tc := range []struct {
		name  string
		img   Image
		opts  Options
		want  []got
		rules int
	}{
		{
			name: "root image with everything wrong",
			img:  Image{Name: "app:old", Config: config(t, "root.json"), Files: debianFiles},
			opts: opts,
			want: []got{
				{"AUD001", "the image sets no USER: containers run as root", ""},
				{"AUD002", "the image exposes port 22/tcp (SSH)", ""},
				{"AUD003", "environment variable DB_PASSWORD holds a literal secret", ""},
				{"AUD004", "build step 2 passes AWS_SECRET_ACCESS_KEY with a literal value", ""},
				{"AUD004", "build step 3 passes NPM_TOKEN with a literal value", ""},
				{"AUD005", "usr/bin/passwd is setuid (mode 4755)", "usr/bin/passwd"},
				{"AUD005", "usr/bin/wall is setgid (mode 2755)", "usr/bin/wall"},
				{"AUD005", "opt/tool/old-setuid is setuid (mode 4755)", "opt/tool/old-setuid"},
				{"AUD006", "var/cache/app is world-writable (mode 0777)", "var/cache/app"},
				{"AUD006", "etc/app.conf is world-writable (mode 0666)", "etc/app.conf"},
				{"AUD007", "the final image contains a ssh server: usr/sbin/sshd", "usr/sbin/sshd"},
				{"AUD007", "the final image contains a package manager: usr/bin/apt-get, usr/bin/dpkg", "usr/bin/apt-get"},
				{"AUD007", "the final image contains a shell: bin/bash, bin/sh", "bin/bash"},
				{"AUD008", "the image lacks the labels org.opencontainers.image.source, org.opencontainers.image.revision, org.opencontainers.image.version, org.opencontainers.image.created", ""},
				{"AUD009", "the base image is unknown: no org.opencontainers.image.base.name annotation or label", ""},
				{"AUD010", "the image was built 2095 days ago (2021-03-01), more than the allowed 90 days", ""},
				{"AUD011", "the image defines no HEALTHCHECK", ""},
			},
			rules: 11,
		},
		{
			name:  "distroless, labelled, recent",
			img:   Image{Name: "app:1.4.2", Config: config(t, "distroless.json"), Files: []source.File{file("app", 0o755), file("etc/ssl/certs/ca-certificates.crt", 0o644)}},
			opts:  opts,
			rules: 11,
		},
		{
			name: "base from elsewhere, annotations count as labels",
			img: Image{Name: "x", Config: func() *v1.ConfigFile {
				c := config(t, "distroless.json")
				c.Config.Labels = nil
				return c
			}(), Annotations: map[string]string{
				"org.opencontainers.image.source": "s", "org.opencontainers.image.revision": "r", "org.opencontainers.image.version": "v",
				"org.opencontainers.image.created": "c", "org.opencontainers.image.base.name": "docker.io/library/alpine:3.20",
			}},
			opts:  opts,
			want:  []got{{"AUD009", "the base image docker.io/library/alpine:3.20 is not from an allowed registry (gcr.io/distroless, registry.example)", ""}},
			rules: 11,
		},
		{
			name:  "zero options: no registry or age check",
			img:   Image{Name: "app:1.4.2", Config: config(t, "distroless.json")},
			rules: 9,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Check(context.Background(), &tc.img, Rules(), tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, collect(res)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if len(res.Rules) != tc.rules {
				t.Errorf("%d rules ran, want %d", len(res.Rules), tc.rules)
			}
			for _, f := range res.Findings {
				if f.Kind != finding.KindImage {
					t.Errorf("%s: kind %s", f.Rule, f.Kind)
				}
				if strings.Contains(f.Message, "hunter2") || strings.Contains(f.Message, "npm_abc") || strings.Contains(f.Message, "wJalr") {
					t.Errorf("%s: message leaks a secret: %s", f.Rule, f.Message)
				}
			}
		})
	}
}

// TestRecorderKeepsWhatRulesJudge checks that the analysis recorder selects
// every entry a file rule reports and nothing the rules ignore: the rules on
// the recorded entries find exactly what they find on the whole filesystem.
func TestRecorderKeepsWhatRulesJudge(t *testing.T) {
	unjudged := []source.File{
		file("etc/hostname", 0o644),
		file("usr/lib", fs.ModeDir|0o755),
		file("dev/null", fs.ModeDevice|fs.ModeCharDevice|0o666),
		file("usr/share/doc/bash", fs.ModeDir|0o755), // not a bin directory
		file("usr/lib/libc.so.6", fs.ModeSymlink|0o777),
	}
	all := append(slices.Clone(debianFiles), unjudged...)
	rec := Recorder()
	var kept []source.File
	for _, f := range all {
		if rec.Records(f.Path, f.Mode) {
			kept = append(kept, f)
		}
	}
	for _, f := range unjudged {
		if rec.Records(f.Path, f.Mode) {
			t.Errorf("%s (%v) recorded, but no rule judges it", f.Path, f.Mode)
		}
	}
	cfg := config(t, "distroless.json")
	whole, err := Check(context.Background(), &Image{Name: "x", Config: cfg, Files: all}, Rules(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	recorded, err := Check(context.Background(), &Image{Name: "x", Config: cfg, Files: kept}, Rules(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(collect(whole), collect(recorded)); diff != "" {
		t.Errorf("findings on the recorded entries differ (-whole +recorded):\n%s", diff)
	}
}

func TestHistorySecrets(t *testing.T) {
	for _, tc := range []struct {
		createdBy string
		want      []string
	}{
		{"/bin/sh -c #(nop)  ENV DB_PASSWORD=secret-value", []string{"DB_PASSWORD"}},
		{"ENV API_KEY=abc123 LOG=1", []string{"API_KEY"}},
		{"ARG GITHUB_TOKEN=ghp_xyz", []string{"GITHUB_TOKEN"}},
		{"RUN |1 NPM_TOKEN=npm_x /bin/sh -c npm ci # buildkit", []string{"NPM_TOKEN"}},
		{"|1 NPM_TOKEN=npm_x /bin/sh -c npm ci", []string{"NPM_TOKEN"}},
		{"RUN /bin/sh -c PASSWORD=x ./configure # buildkit", nil},
		{"/bin/sh -c #(nop)  ENV PASSWORD_FILE=/run/secrets/pw", nil},
		{"ARG TOKEN", nil},
		{"COPY . . # buildkit", nil},
	} {
		if diff := cmp.Diff(tc.want, historySecrets(tc.createdBy)); diff != "" {
			t.Errorf("%q (-want +got):\n%s", tc.createdBy, diff)
		}
	}
}

func TestRulesMeta(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range Rules() {
		if seen[r.ID] || r.Title == "" || len(r.Help) < 40 || r.Version < 1 || r.Severity == finding.SeverityUnknown {
			t.Errorf("%s: duplicate, or missing title/help/version/severity", r.ID)
		}
		seen[r.ID] = true
	}
	if !slices.IsSortedFunc(Rules(), func(a, b Rule) int { return strings.Compare(a.ID, b.ID) }) {
		t.Error("Rules() not sorted")
	}
}

func TestNoConfig(t *testing.T) {
	if _, err := Check(context.Background(), &Image{Name: "x"}, Rules(), Options{}); err == nil {
		t.Error("no error without a config")
	}
}

// FuzzAudit feeds arbitrary config files, read as an image reader would
// (bounded, parsed by go-containerregistry), through every check.
func FuzzAudit(f *testing.F) {
	for _, n := range []string{"root.json", "distroless.json"} {
		data, err := os.ReadFile(filepath.Join("testdata", n))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := safeio.ReadAll(bytes.NewReader(data), 1<<16, "config size")
		if err != nil {
			return
		}
		cf, err := v1.ParseConfigFile(bytes.NewReader(b))
		if err != nil {
			return
		}
		opts := Options{AllowedRegistries: []string{"r.example"}, MaxAge: time.Hour}
		if _, err := Check(context.Background(), &Image{Name: "fuzz", Config: cf, Files: debianFiles}, Rules(), opts); err != nil {
			t.Fatal(err)
		}
	})
}

// TestHistoryCommandSecrets: with the secrets engine, a token pasted into a
// RUN command is found; the builder's own assignments are not reported twice.
func TestHistoryCommandSecrets(t *testing.T) {
	sc, err := secrets.New(secrets.Config{Rules: rules.All(), Allowlists: rules.Allowlists()}, secrets.Options{})
	if err != nil {
		t.Fatal(err)
	}
	token := "ghp_" + "5DQL05HA064GiIjHGb3CXlMaXZjljENUhJdu"
	img := &Image{Name: "app", Config: &v1.ConfigFile{History: []v1.History{
		{CreatedBy: `RUN /bin/sh -c curl -fsSL -H "Authorization: token ` + token + `" https://example.com/x # buildkit`},
		{CreatedBy: "ARG GITHUB_TOKEN=" + token},
		{CreatedBy: "RUN /bin/sh -c make # buildkit"},
	}}}
	for _, withScanner := range []bool{false, true} {
		opts := Options{}
		if withScanner {
			opts.Secrets = sc
		}
		res, err := Check(context.Background(), img, []Rule{aud004}, opts)
		if err != nil {
			t.Fatal(err)
		}
		var msgs []string
		for _, f := range res.Findings {
			msgs = append(msgs, f.Message)
			if strings.Contains(f.Message, token[4:]) {
				t.Errorf("the token is in the message: %s", f.Message)
			}
		}
		want := []string{"build step 2 passes GITHUB_TOKEN with a literal value"}
		if withScanner {
			want = append([]string{"build step 1 holds a github personal access token (classic) in its command (rule github-pat)"}, want...)
		}
		if diff := cmp.Diff(want, msgs); diff != "" {
			t.Errorf("scanner %v (-want +got):\n%s", withScanner, diff)
		}
	}
}

// TestHealthcheckNoneIsADecision: no HEALTHCHECK is reported, an explicit
// HEALTHCHECK NONE (or one that runs a command) is not.
func TestHealthcheckNoneIsADecision(t *testing.T) {
	for _, tc := range []struct {
		hc   *v1.HealthConfig
		want int
	}{
		{nil, 1},
		{&v1.HealthConfig{}, 1},
		{&v1.HealthConfig{Test: []string{"NONE"}}, 0},
		{&v1.HealthConfig{Test: []string{"CMD", "/app", "health"}}, 0},
	} {
		img := &Image{Name: "app", Config: &v1.ConfigFile{Config: v1.Config{Healthcheck: tc.hc}}}
		res, err := Check(context.Background(), img, []Rule{aud011}, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Findings) != tc.want {
			t.Errorf("%+v: %d findings, want %d", tc.hc, len(res.Findings), tc.want)
		}
	}
}
