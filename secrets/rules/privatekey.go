package rules

import (
	"github.com/sluice-dev/sluice/finding"
	"github.com/sluice-dev/sluice/secrets"
)

// A syntactically plausible key body; not a key.
const fakeKeyBody = "MIIEowIBAAKCAQEA0Z3VS5JJcds3xfn/ygWyF8PbnGy0AHB7MhgHcTz6sE2I2yPB\naEGGbp9V4KH1VjQ0k2R4ZcWf3Ck5S9T8pqJ6H9yHq8nN7sTq3d2L1Fz3Xc0vB2Qk\n"

func privateKeys() []secrets.Rule {
	return []secrets.Rule{
		{
			ID:          "private-key",
			Description: "Private key (PEM: RSA, EC, DSA, PKCS#8, encrypted, OpenSSH, PGP)",
			Severity:    finding.SeverityCritical,
			// Any PEM private key block with a body; escaped newlines (a key
			// inside JSON or YAML strings) are covered by [\s\S].
			Regex:    `-----BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----[\s\S]{64,}?-----END[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----`,
			Keywords: []string{"private key"},
			Version:  1,
			TruePositives: []string{
				"-----BEGIN RSA PRIVATE KEY-----\n" + fakeKeyBody + "-----END RSA PRIVATE KEY-----\n",
				"-----BEGIN PRIVATE KEY-----\n" + fakeKeyBody + "-----END PRIVATE KEY-----",
				"-----BEGIN EC PRIVATE KEY-----\n" + fakeKeyBody + "-----END EC PRIVATE KEY-----",
				"-----BEGIN DSA PRIVATE KEY-----\n" + fakeKeyBody + "-----END DSA PRIVATE KEY-----",
				"-----BEGIN ENCRYPTED PRIVATE KEY-----\n" + fakeKeyBody + "-----END ENCRYPTED PRIVATE KEY-----",
				"-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n" + fakeKeyBody + "-----END OPENSSH PRIVATE KEY-----",
				"-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nlQOYBF" + fakeKeyBody + "-----END PGP PRIVATE KEY BLOCK-----",
				`{"private_key": "-----BEGIN PRIVATE KEY-----\n` + "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQDRndVLkklx2zfF\\n" + `-----END PRIVATE KEY-----\n"}`,
			},
			FalsePositives: []string{
				"-----BEGIN PUBLIC KEY-----\n" + fakeKeyBody + "-----END PUBLIC KEY-----",
				"-----BEGIN CERTIFICATE-----\n" + fakeKeyBody + "-----END CERTIFICATE-----",
				`if strings.HasPrefix(s, "-----BEGIN RSA PRIVATE KEY-----") { return "-----END RSA PRIVATE KEY-----" }`,
			},
		},
		{
			ID:          "putty-private-key",
			Description: "PuTTY private key file",
			Severity:    finding.SeverityCritical,
			Regex:       `PuTTY-User-Key-File-[23]: [\w-]+\r?\nEncryption: [\w-]+\r?\nComment: [^\r\n]{0,200}\r?\nPublic-Lines: \d+\r?\n(?:[A-Za-z0-9+/=]{1,64}\r?\n){1,15}Private-Lines: \d+`,
			Keywords:    []string{"putty-user-key-file"},
			Version:     1,
			TruePositives: []string{
				"PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: demo\nPublic-Lines: 2\nAAAAC3NzaC1lZDI1NTE5AAAAIOqR\nZ3VS5JJcds3xfn\nPrivate-Lines: 1\nAAAAIH9s\n",
			},
			FalsePositives: []string{
				"The file starts with PuTTY-User-Key-File-3: followed by the algorithm.",
			},
		},
	}
}
