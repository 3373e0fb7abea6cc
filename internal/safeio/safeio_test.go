package safeio

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"strings"
	"testing"
)

func TestReadAll(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		max     int64
		wantErr bool
	}{
		{"under", "abc", 4, false},
		{"exact", "abcd", 4, false},
		{"over", "abcde", 4, true},
		{"empty", "", 0, false},
		{"zero limit", "a", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ReadAll(strings.NewReader(tt.in), tt.max, "file size")
			if tt.wantErr {
				if !errors.Is(err, ErrLimit) {
					t.Fatalf("err = %v, want a limit error", err)
				}
				return
			}
			if err != nil || string(got) != tt.in {
				t.Fatalf("ReadAll = %q, %v; want %q", got, err, tt.in)
			}
		})
	}
}

func TestRatioReaderStopsGzipBomb(t *testing.T) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(make([]byte, 64<<20)) // 64 MiB of zeros compresses ~1000:1
	zw.Close()
	counted := &CountingReader{R: bytes.NewReader(buf.Bytes())}
	zr, err := gzip.NewReader(counted)
	if err != nil {
		t.Fatal(err)
	}
	_, err = io.Copy(io.Discard, RatioReader(zr, counted, 100, 0))
	var le *LimitError
	if !errors.As(err, &le) || le.What != "decompression ratio" {
		t.Fatalf("err = %v, want decompression ratio limit", err)
	}
}

func TestRatioReaderAllowsNormalData(t *testing.T) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	data := bytes.Repeat([]byte("package main\nfunc main() {}\n"), 1000)
	zw.Write(data)
	zw.Close()
	counted := &CountingReader{R: bytes.NewReader(buf.Bytes())}
	zr, _ := gzip.NewReader(counted)
	n, err := io.Copy(io.Discard, RatioReader(zr, counted, 100, 1<<30))
	if err != nil || n != int64(len(data)) {
		t.Fatalf("copied %d, %v; want %d, nil", n, err, len(data))
	}
}

func TestCounter(t *testing.T) {
	c := Counter{What: "entries", Max: 2}
	if c.Inc() != nil || c.Inc() != nil {
		t.Fatal("first two increments must pass")
	}
	if err := c.Inc(); !errors.Is(err, ErrLimit) {
		t.Fatalf("third Inc = %v, want limit error", err)
	}
}

func TestCleanPath(t *testing.T) {
	tests := []struct {
		in, want string
		wantErr  bool
	}{
		{in: "etc/passwd", want: "etc/passwd"},
		{in: "/etc/passwd", want: "etc/passwd"},
		{in: "./usr/bin/../lib/x.so", want: "usr/lib/x.so"},
		{in: "usr//bin/", want: "usr/bin"},
		{in: "../etc/passwd", wantErr: true},
		{in: "a/../../b", wantErr: true},
		{in: "a\x00b", wantErr: true},
		{in: ".", want: ""},
		{in: strings.Repeat("a", MaxPathLength+1), wantErr: true},
	}
	for _, tt := range tests {
		got, err := CleanPath(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("CleanPath(%q) = %q, %v; want %q, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestResolve(t *testing.T) {
	links := map[string]string{
		"bin":            "usr/bin",
		"usr/bin/python": "python3.11",
		"etc/escape":     "../../../../etc/shadow",
		"abs":            "/usr/lib",
		"loop1":          "loop2",
		"loop2":          "loop1",
		"self":           ".",
	}
	readLink := func(p string) (string, bool) { t, ok := links[p]; return t, ok }
	tests := []struct {
		in, want string
		wantErr  bool
	}{
		{in: "bin/python", want: "usr/bin/python3.11"},
		{in: "etc/escape", want: "etc/shadow"},
		{in: "abs/libc.so", want: "usr/lib/libc.so"},
		{in: "self/self/bin", want: "usr/bin"},
		{in: "loop1/x", wantErr: true},
		{in: "plain/file", want: "plain/file"},
	}
	for _, tt := range tests {
		got, err := Resolve(tt.in, readLink)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("Resolve(%q) = %q, %v; want %q, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

func FuzzResolve(f *testing.F) {
	f.Add("a/b/../c", "a", "../../x")
	f.Add("/x/y", "x", "/x")
	f.Fuzz(func(t *testing.T, p, link, target string) {
		got, err := Resolve(p, func(q string) (string, bool) {
			if q == link {
				return target, true
			}
			return "", false
		})
		if err != nil {
			return
		}
		if strings.HasPrefix(got, "/") || got == ".." || strings.HasPrefix(got, "../") || strings.Contains(got, "/../") {
			t.Fatalf("Resolve(%q) = %q escapes the root", p, got)
		}
	})
}

func FuzzLimitReader(f *testing.F) {
	f.Add([]byte("hello"), int64(3))
	f.Fuzz(func(t *testing.T, data []byte, max int64) {
		if max < 0 {
			max = -max
		}
		got, err := ReadAll(bytes.NewReader(data), max, "x")
		if int64(len(data)) <= max {
			if err != nil || !bytes.Equal(got, data) {
				t.Fatalf("within limit: got %d bytes, %v", len(got), err)
			}
		} else if !errors.Is(err, ErrLimit) || int64(len(got)) > max {
			t.Fatalf("over limit: got %d bytes, %v", len(got), err)
		}
	})
}
