package sign

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestMatchImage(t *testing.T) {
	tests := []struct {
		glob, repo string
		want       bool
	}{
		{"registry.example.com/team/*", "registry.example.com/team/app", true},
		{"registry.example.com/team/*", "registry.example.com/team/sub/app", false},
		{"registry.example.com/team/**", "registry.example.com/team/sub/app", true},
		{"**", "index.docker.io/library/nginx", true},
		{"ghcr.io/org/app?", "ghcr.io/org/app2", true},
		{"ghcr.io/org/app", "ghcr.io/org/app-evil", false},
		{"127.0.0.1:*/prod/*", "127.0.0.1:5000/prod/app", true},
	}
	for _, tt := range tests {
		t.Run(tt.glob+"~"+tt.repo, func(t *testing.T) {
			got, err := MatchImage(tt.glob, tt.repo)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("MatchImage(%q, %q) = %v, want %v", tt.glob, tt.repo, got, tt.want)
			}
		})
	}
}

// TestMatchImageBrackets pins why MatchImage keeps its own glob: brackets
// are literal, so a registry named by an IPv6 literal can be matched.
func TestMatchImageBrackets(t *testing.T) {
	for repo, want := range map[string]bool{"[::1]:5000/prod/app": true, "1:5000/prod/app": false} {
		if got, err := MatchImage("[::1]:5000/prod/*", repo); err != nil || got != want {
			t.Errorf("MatchImage(%q, %q) = %v, %v; want %v", "[::1]:5000/prod/*", repo, got, err, want)
		}
	}
}

func TestTrustPolicy(t *testing.T) {
	host := testRegistry(t, false)
	ref := host + "/team/app:1"
	pushImage(t, ref)
	if _, err := Sign(ctx(t), ref, testKey, SignOptions{Annotations: map[string]string{"stage": "qa"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := Attest(ctx(t), ref, []byte(`{"bomFormat":"CycloneDX"}`), testKey, AttestOptions{Type: "cyclonedx", Format: FormatLegacy}); err != nil {
		t.Fatal(err)
	}
	k1 := TrustKey{Name: "release.pub", Key: testKey.Public()}
	k2 := TrustKey{Name: "qa.pub", Key: otherKey.Public()}
	tests := []struct {
		name    string
		policy  TrustPolicy
		want    bool
		wantWhy string
	}{
		{name: "one-key", policy: TrustPolicy{Rules: []TrustRule{{Images: []string{host + "/team/*"}, Keys: []TrustKey{k1}}}}, want: true},
		{name: "all-keys-missing-one", policy: TrustPolicy{Rules: []TrustRule{{Name: "two-person", Images: []string{"**"}, Keys: []TrustKey{k1, k2}}}}, wantWhy: "two-person: signed by 1 of the required 2 key(s); no valid signature from qa.pub"},
		{name: "threshold-one-of-two", policy: TrustPolicy{Rules: []TrustRule{{Images: []string{"**"}, Keys: []TrustKey{k1, k2}, Threshold: 1}}}, want: true},
		{name: "annotation", policy: TrustPolicy{Rules: []TrustRule{{Images: []string{"**"}, Keys: []TrustKey{k1}, Annotations: map[string]string{"stage": "prod"}}}}, wantWhy: "signed by 0 of the required 1"},
		{name: "attestation-present", policy: TrustPolicy{Rules: []TrustRule{{Images: []string{"**"}, Keys: []TrustKey{k1}, Attestations: []string{"cyclonedx"}}}}, want: true},
		{name: "attestation-missing", policy: TrustPolicy{Rules: []TrustRule{{Name: "prov", Images: []string{"**"}, Keys: []TrustKey{k1}, Attestations: []string{"slsaprovenance"}}}}, wantWhy: "prov: no verified https://slsa.dev/provenance/v0.2 attestation"},
		{name: "unmatched-refused", policy: TrustPolicy{Rules: []TrustRule{{Images: []string{"other.example/**"}, Keys: []TrustKey{k1}}}}, wantWhy: "no trust rule covers"},
		{name: "unmatched-allowed", policy: TrustPolicy{AllowUnmatched: true, Rules: []TrustRule{{Images: []string{"other.example/**"}, Keys: []TrustKey{k1}}}}, want: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := tt.policy.Evaluate(ctx(t), ref, Registry{})
			if err != nil {
				t.Fatal(err)
			}
			if d.Pass != tt.want {
				t.Errorf("Pass = %v, want %v; reasons %q", d.Pass, tt.want, d.Reasons)
			}
			if tt.wantWhy != "" && !strings.Contains(strings.Join(d.Reasons, "\n"), tt.wantWhy) {
				t.Errorf("reasons %q, want one containing %q", d.Reasons, tt.wantWhy)
			}
		})
	}
}

func TestTrustPolicyValidate(t *testing.T) {
	k := TrustKey{Name: "k", Key: testKey.Public()}
	tests := []struct {
		name   string
		policy TrustPolicy
		want   string
	}{
		{name: "no-images", policy: TrustPolicy{Rules: []TrustRule{{Keys: []TrustKey{k}}}}, want: "trust policy rule 1: no images patterns"},
		{name: "no-keys", policy: TrustPolicy{Rules: []TrustRule{{Name: "r", Images: []string{"**"}}}}, want: "trust policy r: no keys"},
		{name: "threshold", policy: TrustPolicy{Rules: []TrustRule{{Name: "r", Images: []string{"**"}, Keys: []TrustKey{k}, Threshold: 2}}}, want: "trust policy r: threshold 2 with 1 keys"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.policy.Validate()
			got := ""
			if err != nil {
				got = err.Error()
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Validate (-want +got):\n%s", diff)
			}
		})
	}
}

func TestTrustPolicySpecCompile(t *testing.T) {
	pub, _ := MarshalPublicKey(testKey.Public())
	files := map[string][]byte{"release.pub": pub, "broken.pub": []byte("not a key")}
	read := func(p string) ([]byte, error) {
		if b, ok := files[p]; ok {
			return b, nil
		}
		return nil, errors.New("no such file")
	}
	tests := []struct {
		name    string
		spec    TrustPolicySpec
		wantErr string
	}{
		{name: "ok", spec: TrustPolicySpec{Rules: []TrustRuleSpec{{Name: "prod", Images: []string{"ghcr.io/org/**"}, Keys: []string{"release.pub"}, Attestations: []string{"cyclonedx"}}}}},
		{name: "missing-key", spec: TrustPolicySpec{Rules: []TrustRuleSpec{{Name: "prod", Images: []string{"**"}, Keys: []string{"gone.pub"}}}}, wantErr: "trust policy prod: key gone.pub: no such file"},
		{name: "broken-key", spec: TrustPolicySpec{Rules: []TrustRuleSpec{{Images: []string{"**"}, Keys: []string{"broken.pub"}}}}, wantErr: "trust policy rule 1: key broken.pub: no PEM block found"},
		{name: "bad-attestation", spec: TrustPolicySpec{Rules: []TrustRuleSpec{{Name: "p", Images: []string{"**"}, Keys: []string{"release.pub"}, Attestations: []string{"sbom"}}}}, wantErr: `trust policy p: unknown predicate type "sbom"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := tt.spec.Compile(read)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				if len(p.Rules) != 1 || len(p.Rules[0].Keys) != 1 {
					t.Errorf("compiled %+v", p)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("err = %v, want containing %q", err, tt.wantErr)
			}
		})
	}
}
