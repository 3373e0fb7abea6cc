package glob

import "testing"

func TestMatch(t *testing.T) {
	tests := []struct {
		glob, s string
		want    bool
	}{
		{"build/**", "build/a/b/Dockerfile", true},
		{"**/Dockerfile", "Dockerfile", true},
		{"**/Dockerfile", "a/b/Dockerfile", true},
		{"docs/*.md", "docs/a/b.md", false},
		{"docs/*.md", "docs/b.md", true},
		{"libssl*", "libssl3", true},
		{"pkg:deb/*", "pkg:deb/debian/x", false},
		{"pkg:deb/**", "pkg:deb/debian/x", true},
		{"v1.?", "v1.2", true},
		{"[!a]x", "bx", true},
		{"[!a]x", "ax", false},
		{"registry.example.com/*", "registry.example.com/app", true},
		{"a.b", "axb", false},
	}
	for _, tt := range tests {
		p, err := Compile(tt.glob)
		if err != nil {
			t.Fatal(err)
		}
		if got := p.Match(tt.s); got != tt.want {
			t.Errorf("glob %q on %q = %v, want %v", tt.glob, tt.s, got, tt.want)
		}
	}
	if _, err := Compile("[a"); err == nil {
		t.Error("unclosed class must fail")
	}
}

func FuzzCompile(f *testing.F) {
	f.Add("**/[!x]*.go", "a/b.go")
	f.Fuzz(func(t *testing.T, g, s string) {
		p, err := Compile(g)
		if err != nil {
			return
		}
		p.Match(s)
	})
}
