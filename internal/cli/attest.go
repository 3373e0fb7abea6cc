package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"time"

	"github.com/spf13/cobra"

	"github.com/sluice-dev/sluice/finding"
	"github.com/sluice-dev/sluice/internal/safeio"
	"github.com/sluice-dev/sluice/sbom"
	"github.com/sluice-dev/sluice/sign"
)

func newAttestCmd(a *app) *cobra.Command {
	var (
		keyPath       string
		predicatePath string
		typ           string
		format        string
		recursive     bool
		fromSBOM      bool
		fromScan      bool
		reg           registryFlags
		db            dbOptions
	)
	cmd := &cobra.Command{
		Use:   "attest IMAGE --key KEY --predicate FILE --type TYPE",
		Short: "Attach a signed in-toto attestation (SBOM, scan, provenance) to an image",
		Long: `Wrap the predicate in an in-toto Statement v1 about the image's digest, sign it
in a DSSE envelope and store it where cosign stores attestations:

  --format bundle  (default) a Sigstore bundle attached as an OCI 1.1 referrer
  --format legacy  a layer (application/vnd.dsse.envelope.v1+json, annotation
                   predicateType) of the image tagged sha256-<hex>.att

--type is one of cyclonedx, spdx, spdxjson, vuln, slsaprovenance,
slsaprovenance1, link, openvex, custom (cosign's names and predicate URIs), or a
predicate type URI. custom wraps the file as {"Data": ..., "Timestamp": ...};
every other type takes the file as the JSON predicate.

Instead of a file, --sbom makes the predicate with sluice's own catalogers
(the CycloneDX SBOM of "sluice sbom -f cyclonedx", type cyclonedx), and --scan
scans the image against the advisory database (--db) and attests the report as
cosign's vulnerability predicate (type vuln). Reading an image from a plain-HTTP
localhost registry for them needs --insecure, as for "sluice sbom".

Offline: no transparency log entry is made.

Exit codes: 0 attached, 2 usage, key, predicate or registry error.`,
		Example: `  sluice attest registry.example.com/app:1.4 --key cosign.key --predicate sbom.cdx.json --type cyclonedx
  sluice attest registry.example.com/app:1.4 --key cosign.key --predicate provenance.json --type slsaprovenance --format legacy
  sluice attest registry.example.com/app:1.4 --key cosign.key --sbom
  sluice attest registry.example.com/app:1.4 --key cosign.key --scan --db sluice.db`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := sign.ParseFormat(format)
			if err != nil {
				return usageErrorf("--format: %v", err)
			}
			var predicate []byte
			switch {
			case fromSBOM || fromScan:
				img := &imageFlags{insecure: reg.insecure}
				if fromSBOM {
					typ, predicate, err = a.sbomPredicate(cmd.Context(), args[0], img)
				} else {
					typ, predicate, err = a.scanPredicate(cmd.Context(), args[0], img, &db)
				}
				if err != nil {
					return err
				}
			case predicatePath == "":
				return usageErrorf("--predicate FILE is required (or --sbom / --scan)")
			default:
				fh, err := os.Open(predicatePath)
				if err != nil {
					return usageErrorf("read predicate: %v", err)
				}
				predicate, err = safeio.ReadAll(fh, sign.MaxPredicate, predicatePath)
				fh.Close()
				if err != nil {
					return usageErrorf("read predicate %s: %v", predicatePath, err)
				}
			}
			if _, err := sign.PredicateTypeURI(typ); err != nil {
				return usageErrorf("--type: %v", err)
			}
			key, err := a.loadPrivateKey(keyPath)
			if err != nil {
				return err
			}
			signed, err := sign.Attest(cmd.Context(), args[0], predicate, key, sign.AttestOptions{
				Registry: reg.registry(a), Format: f, Type: typ, Recursive: recursive, Logger: a.log,
			})
			w := cmd.OutOrStdout()
			if len(signed) > 0 {
				describeResolution(w, args[0], signed[0].Digest)
			}
			uri, _ := sign.PredicateTypeURI(typ)
			for _, s := range signed {
				fmt.Fprintf(w, "Attested %s\n  predicate %s, format %s, key %s, stored at %s\n", s.Image, uri, s.Format, sign.KeyID(key.Public()), s.Location)
			}
			if err != nil {
				return err
			}
			if !a.quiet {
				fmt.Fprintln(w, offlineNote)
			}
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&keyPath, "key", "", "private key file (cosign.key or PKCS#8 PEM)")
	fl.StringVar(&predicatePath, "predicate", "", "predicate file (JSON; any text for --type custom)")
	fl.StringVar(&typ, "type", "custom", "predicate type: cyclonedx|spdx|spdxjson|vuln|slsaprovenance|slsaprovenance1|link|openvex|custom or a URI")
	fl.StringVar(&format, "format", "bundle", "attestation layout: bundle (cosign v3) or legacy (cosign v2 .att tag)")
	fl.BoolVar(&recursive, "recursive", false, "for an index, attest each platform manifest too")
	fl.BoolVar(&fromSBOM, "sbom", false, "generate a CycloneDX SBOM predicate with sluice's own cataloguers")
	fl.BoolVar(&fromScan, "scan", false, "generate a vulnerability predicate from sluice's own scan")
	cmd.MarkFlagsMutuallyExclusive("predicate", "sbom", "scan")
	reg.add(cmd)
	addDBFlags(cmd, &db)
	return cmd
}

// sbomPredicate is the CycloneDX SBOM of the image, made by sluice's own
// catalogers (attest --sbom): what `sluice sbom -f cyclonedx` writes.
func (a *app) sbomPredicate(ctx context.Context, image string, img *imageFlags) (string, []byte, error) {
	ta, err := a.analyzeTarget(ctx, image, img, analysisRequest{Packages: true})
	if err != nil {
		return "", nil, err
	}
	var b bytes.Buffer
	doc := sbom.Document{Target: ta.Target, Tool: finding.Tool{Name: "sluice", Version: readBuildInfo().Version}, Inventory: ta.Inventory}
	if err := sbom.Encode(&b, sbom.CycloneDX, doc); err != nil {
		return "", nil, err
	}
	return "cyclonedx", b.Bytes(), nil
}

// vulnPredicate is cosign's vulnerability attestation predicate
// (https://github.com/sigstore/cosign/blob/main/specs/COSIGN_VULN_ATTESTATION_SPEC.md),
// with sluice's JSON report as the scanner result.
type vulnPredicate struct {
	Invocation struct {
		Parameters any    `json:"parameters"`
		URI        string `json:"uri"`
		EventID    string `json:"event_id"`
		BuilderID  string `json:"builder.id"`
	} `json:"invocation"`
	Scanner struct {
		URI     string `json:"uri"`
		Version string `json:"version"`
		DB      struct {
			URI     string `json:"uri"`
			Version string `json:"version"`
		} `json:"db"`
		Result finding.Result `json:"result"`
	} `json:"scanner"`
	Metadata struct {
		ScanStartedOn  time.Time `json:"scanStartedOn"`
		ScanFinishedOn time.Time `json:"scanFinishedOn"`
	} `json:"metadata"`
}

// scanPredicate scans the image against the advisory database and wraps the
// report as a cosign vuln predicate (attest --scan).
func (a *app) scanPredicate(ctx context.Context, image string, img *imageFlags, db *dbOptions) (string, []byte, error) {
	var p vulnPredicate
	p.Metadata.ScanStartedOn = time.Now().UTC()
	s, err := db.open(ctx, a)
	if err != nil {
		return "", nil, usageErrorf("%v", err)
	}
	defer s.Close()
	res, err := a.scanTarget(ctx, s, image, scanOptions{db: *db, image: *img})
	if err != nil {
		return "", nil, err
	}
	res.Tool = finding.Tool{Name: "sluice", Version: readBuildInfo().Version}
	res.Normalize()
	p.Scanner.URI = "https://github.com/sluice-dev/sluice"
	p.Scanner.Version = res.Tool.Version
	info := s.Info()
	p.Scanner.DB.URI = info.Path
	p.Scanner.DB.Version = info.Built.UTC().Format(time.RFC3339)
	p.Scanner.Result = res
	p.Metadata.ScanFinishedOn = time.Now().UTC()
	b, err := json.Marshal(p)
	return "vuln", b, err
}

func newVerifyAttestationCmd(a *app) *cobra.Command {
	var (
		keyPath string
		typ     string
		explain bool
		output  string
		reg     registryFlags
	)
	cmd := &cobra.Command{
		Use:   "verify-attestation IMAGE --key PUB [--type TYPE]",
		Short: "Verify an image's attestations and print their predicates",
		Long: `Find the attestations of the image IMAGE points to (Sigstore bundle referrers
and the legacy sha256-<hex>.att tag), verify each DSSE envelope against the
public key, check that its in-toto statement is about this image's digest and,
with --type, of that predicate type; then print each verified statement's
predicate type and predicate (JSON with -o json: the whole verification).

Exit codes: 0 at least one attestation verified, 1 none did, 2 usage, key or
registry error.`,
		Example: `  sluice verify-attestation registry.example.com/app:1.4 --key cosign.pub --type cyclonedx
  sluice verify-attestation localhost:5000/app:1.4 --key cosign.pub --explain`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if output != "text" && output != "json" {
				return usageErrorf("--output %q: want text or json", output)
			}
			if typ != "" {
				if _, err := sign.PredicateTypeURI(typ); err != nil {
					return usageErrorf("--type: %v", err)
				}
			}
			pub, err := loadPublicKey(keyPath)
			if err != nil {
				return err
			}
			v, err := sign.VerifyAttestations(cmd.Context(), args[0], pub, sign.VerifyOptions{Registry: reg.registry(a), PredicateType: typ, Logger: a.log})
			if err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			verr := writeVerification(w, v, output, explain, "attestation", pub)
			if output == "text" {
				for _, c := range v.Verified() {
					fmt.Fprintf(w, "\npredicateType: %s\n", c.Statement.PredicateType)
					var pretty any
					if json.Unmarshal(c.Statement.Predicate, &pretty) == nil {
						b, _ := json.MarshalIndent(pretty, "", "  ")
						fmt.Fprintf(w, "%s\n", b)
					}
				}
			}
			return verr
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&keyPath, "key", "", "public key file (cosign.pub, PKIX PEM)")
	fl.StringVar(&typ, "type", "", "only attestations of this predicate type (name or URI)")
	fl.BoolVar(&explain, "explain", false, "say why each attestation that did not verify was rejected")
	fl.StringVarP(&output, "output", "o", "text", "output: text or json")
	reg.add(cmd)
	return cmd
}

func sortStrings(s []string) { sort.Strings(s) }
