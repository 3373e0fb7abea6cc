package rules

import (
	"path"
	"slices"
	"strings"

	"github.com/sluice-dev/sluice/dockerfile"
	"github.com/sluice-dev/sluice/finding"
)

// SL1003: COPY or ADD puts a private key, credentials or a repository into the image
var sl1003 = dockerfile.Rule{
	ID:       "SL1003",
	Version:  1,
	Title:    "COPY or ADD puts a private key, credentials or a repository into the image.",
	Severity: finding.SeverityHigh,
	Why:      "Files such as SSH and TLS private keys, .env files, cloud credential files (~/.aws/credentials, gcloud service accounts, Docker and npm auth files) and .git directories end up in a layer of the image when copied in, and deleting them later does not remove them from that layer. Anyone who can pull the image can extract them. Keep them out of the build context (.dockerignore) and use build secrets or runtime secrets instead.",
	Bad: `FROM node:20.14
COPY .npmrc /root/.npmrc
COPY .env /app/.env`,
	Good: `FROM node:20.14
RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci`,
	Check: checkSL1003,
}

func checkSL1003(p *dockerfile.Pass) {
	for _, in := range p.File.Instructions {
		if in.Cmd != "copy" && in.Cmd != "add" || len(in.Heredocs) > 0 {
			continue
		}
		if _, ok := in.Flag("from"); ok {
			continue
		}
		srcs, _ := copySources(in)
		for _, s := range srcs {
			if what := sensitiveFile(unquote(s)); what != "" && !isURL(s) {
				p.Report(in, "%s copies %s into the image (%s)", strings.ToUpper(in.Cmd), s, what)
				break
			}
		}
	}
}

// sensitiveFile names what kind of sensitive file a COPY source is, or "".
func sensitiveFile(src string) string {
	src = strings.TrimSuffix(strings.ReplaceAll(src, `\`, "/"), "/")
	base := strings.ToLower(path.Base(src))
	parts := strings.Split(strings.ToLower(src), "/")
	switch {
	case base == "id_rsa" || base == "id_dsa" || base == "id_ecdsa" || base == "id_ed25519":
		return "an SSH private key"
	case strings.HasSuffix(base, ".key") || strings.HasSuffix(base, ".p12") || strings.HasSuffix(base, ".pfx"):
		return "a private key"
	case base == ".env" || strings.HasPrefix(base, ".env.") && !strings.HasSuffix(base, ".example") && !strings.HasSuffix(base, ".sample") && !strings.HasSuffix(base, ".template") && !strings.HasSuffix(base, ".dist"):
		return "an environment file with secrets"
	case base == ".git":
		return "a git repository with its history"
	case slices.Contains(parts, ".aws") || slices.Contains(parts, ".ssh") || slices.Contains(parts, ".gnupg"):
		return "a credentials directory"
	case base == ".npmrc" || base == ".pypirc" || base == ".netrc" || base == ".git-credentials" || base == ".dockercfg":
		return "a credentials file"
	case base == "config.json" && slices.Contains(parts, ".docker"), base == "kubeconfig", base == "config" && slices.Contains(parts, ".kube"):
		return "a credentials file"
	case base == "application_default_credentials.json" || base == "credentials.json" || strings.HasPrefix(base, "service-account") && strings.HasSuffix(base, ".json"):
		return "cloud credentials"
	case base == "terraform.tfstate":
		return "Terraform state (holds secrets)"
	}
	return ""
}
