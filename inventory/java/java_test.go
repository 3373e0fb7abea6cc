package java

import (
	"archive/zip"
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/sluice-dev/sluice/inventory"
	"github.com/sluice-dev/sluice/inventory/internal/catalogertest"
)

type row struct{ Name, Version, PURL, Path string }

func rows(pkgs []inventory.Package) []row {
	var out []row
	for _, p := range pkgs {
		out = append(out, row{p.Name, p.Version, p.PURL, p.Locations[0].Path})
	}
	return out
}

func TestDebianJars(t *testing.T) {
	want := []string{"usr/share/java/slf4j-api.jar", "usr/share/java/slf4j-nop.jar"}
	res := catalogertest.RunWanting(t, New(), "testdata", want)
	wantRows := []row{
		{"org.slf4j:slf4j-api", "1.7.32", "pkg:maven/org.slf4j/slf4j-api@1.7.32", "usr/share/java/slf4j-api.jar"},
		{"org.slf4j:slf4j-nop", "1.7.32", "pkg:maven/org.slf4j/slf4j-nop@1.7.32", "usr/share/java/slf4j-nop.jar"},
	}
	if diff := cmp.Diff(wantRows, rows(res.Packages)); diff != "" {
		t.Errorf("packages (-want +got):\n%s", diff)
	}
	if len(res.Notes) != 0 {
		t.Errorf("notes: %q", res.Notes)
	}
}

type entry struct {
	name  string
	data  []byte
	store bool
}

func zipOf(t testing.TB, entries ...entry) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		h := &zip.FileHeader{Name: e.name, Method: zip.Deflate}
		if e.store {
			h.Method = zip.Store
		}
		w, err := zw.CreateHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(e.data); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func analyze(t *testing.T, path string, data []byte) ([]row, []string) {
	t.Helper()
	res, err := New().Analyze(context.Background(), catalogertest.Input(path, data))
	if err != nil {
		t.Fatal(err)
	}
	return rows(res.Packages), res.Notes
}

func TestNestedArchives(t *testing.T) {
	api, err := os.ReadFile(filepath.Join("testdata", "usr", "share", "java", "slf4j-api.jar"))
	if err != nil {
		t.Fatal(err)
	}
	manifestOnly := zipOf(t, entry{name: "META-INF/MANIFEST.MF", data: []byte(
		"Manifest-Version: 1.0\r\nImplementation-Title: Internal Utils\r\nImplementation-Version: 2.1.0\r\n" +
			"Implementation-Vendor-Id: com.example\r\nBundle-License: Apache-2.0\r\n\r\nName: x/\r\nImplementation-Version: 9\r\n")},
		entry{name: "com/example/Util.class", data: []byte{0xca, 0xfe, 0xba, 0xbe}})
	shaded := zipOf(t,
		entry{name: "META-INF/maven/com.example/app-core/pom.properties", data: []byte("#Generated\nversion=3.0.0\ngroupId=com.example\nartifactId=app-core\n")},
		entry{name: "META-INF/maven/com.google.guava/guava/pom.properties", data: []byte("artifactId=guava\ngroupId=com.google.guava\nversion=29.0-jre\n")},
	)
	war := zipOf(t,
		entry{name: "WEB-INF/web.xml", data: []byte("<web-app/>")},
		entry{name: "WEB-INF/lib/", data: nil},
		entry{name: "WEB-INF/lib/slf4j-api-1.7.32.jar", data: api, store: true},
		entry{name: "WEB-INF/lib/utils-2.1.0.jar", data: manifestOnly},
		entry{name: "WEB-INF/lib/app-core-3.0.0.jar", data: shaded},
	)
	ear := zipOf(t, entry{name: "META-INF/application.xml", data: []byte("<application/>")}, entry{name: "shop.war", data: war})

	got, notes := analyze(t, "srv/shop.ear", ear)
	base := "srv/shop.ear!/shop.war!/WEB-INF/lib/"
	want := []row{
		{"org.slf4j:slf4j-api", "1.7.32", "pkg:maven/org.slf4j/slf4j-api@1.7.32", base + "slf4j-api-1.7.32.jar"},
		{"com.example:utils", "2.1.0", "pkg:maven/com.example/utils@2.1.0", base + "utils-2.1.0.jar"},
		{"com.example:app-core", "3.0.0", "pkg:maven/com.example/app-core@3.0.0", base + "app-core-3.0.0.jar"},
		{"com.google.guava:guava", "29.0-jre", "pkg:maven/com.google.guava/guava@29.0-jre", base + "app-core-3.0.0.jar"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("packages (-want +got):\n%s", diff)
	}
	if len(notes) != 0 {
		t.Errorf("notes: %q", notes)
	}
}

func TestManifestFallbacks(t *testing.T) {
	jar := zipOf(t, entry{name: "META-INF/MANIFEST.MF", data: []byte("Manifest-Version: 1.0\nBundle-Version: 1.2.3\nBundle-License: https://x/LICENSE\n")})
	res, err := New().Analyze(context.Background(), catalogertest.Input("opt/lib/tool.jar", jar))
	if err != nil {
		t.Fatal(err)
	}
	want := []inventory.Package{{
		Name: "tool", Version: "1.2.3", Ecosystem: inventory.Maven, Type: "java-archive", PURL: "pkg:maven/tool@1.2.3",
		Locations: []inventory.Location{{Path: "opt/lib/tool.jar"}}, Cataloger: Name,
	}}
	if diff := cmp.Diff(want, res.Packages); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestHostileArchives(t *testing.T) {
	bomb := zipOf(t, entry{name: "lib/bomb.jar", data: make([]byte, 8<<20)})
	deep := zipOf(t, entry{name: "META-INF/maven/g/deep/pom.properties", data: []byte("groupId=g\nartifactId=deep\nversion=1\n")})
	for i := 0; i < MaxDepth+1; i++ {
		deep = zipOf(t, entry{name: "lib/level.jar", data: deep})
	}
	tests := []struct {
		name     string
		data     []byte
		wantNote string
	}{
		{"zip-bomb-entry", bomb, "compression ratio exceeds"},
		{"too-deep", deep, "nested deeper than 4 archives"},
		{"not-a-zip", []byte("PK\x03\x04 truncated"), "open archive"},
		{"empty", nil, "open archive"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, notes := analyze(t, "app.jar", tt.data)
			if len(got) != 0 {
				t.Errorf("packages: %v", got)
			}
			if len(notes) != 1 || !strings.Contains(notes[0], tt.wantNote) {
				t.Errorf("notes %q, want one containing %q", notes, tt.wantNote)
			}
		})
	}
}

func TestWants(t *testing.T) {
	c := New()
	for _, tt := range []struct {
		path string
		size int64
		want bool
	}{
		{"app/app.jar", 100, true}, {"x/app.WAR", 100, true}, {"x/app.ear", 100, true}, {"var/jenkins/plugins/git.jpi", 100, true},
		{"app.jar", 0, false}, {"app.jar", MaxArchive + 1, false}, {"app.jar.sha1", 100, false}, {"app.zip", 100, false},
	} {
		if got := c.Wants(tt.path, 0o644, tt.size); got != tt.want {
			t.Errorf("Wants(%q, %d) = %v, want %v", tt.path, tt.size, got, tt.want)
		}
	}
}

func TestSplitFileName(t *testing.T) {
	for in, want := range map[string][2]string{
		"commons-lang3-3.12.0.jar": {"commons-lang3", "3.12.0"}, "guava-29.0-jre.jar": {"guava", "29.0-jre"},
		"commons-lang3.jar": {"commons-lang3", ""}, "log4j-1.2-api-2.17.1.jar": {"log4j-1.2-api", "2.17.1"},
	} {
		a, v := splitFileName(in)
		if a != want[0] || v != want[1] {
			t.Errorf("splitFileName(%q) = %q, %q, want %q", in, a, v, want)
		}
	}
}

func FuzzAnalyze(f *testing.F) {
	f.Add(catalogertest.Testdata(f, "usr/share/java/slf4j-nop.jar"))
	f.Add(zipOf(f, entry{name: "a.jar", data: zipOf(f, entry{name: "META-INF/MANIFEST.MF", data: []byte("Implementation-Version: 1\n")})}))
	f.Fuzz(func(t *testing.T, data []byte) {
		catalogertest.Fuzz(t, New(), "app.jar", data)
	})
}
