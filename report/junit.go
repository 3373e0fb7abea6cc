package report

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"github.com/sluice-dev/sluice/finding"
)

// junitWriter renders JUnit XML in the shape the Jenkins JUnit plugin and
// GitLab's unit test reports read (the Ant/Surefire dialect): a testsuite
// per kind, a testcase per rule that ran. A rule that found nothing passes;
// a rule with active findings fails, listing each finding and its location;
// a rule whose findings are all suppressed is skipped.
type junitWriter struct{ opts Options }

var _ Writer = junitWriter{}

type (
	junitSuites struct {
		XMLName  xml.Name     `xml:"testsuites"`
		Name     string       `xml:"name,attr"`
		Tests    int          `xml:"tests,attr"`
		Failures int          `xml:"failures,attr"`
		Errors   int          `xml:"errors,attr"`
		Skipped  int          `xml:"skipped,attr"`
		Time     string       `xml:"time,attr"`
		Suites   []junitSuite `xml:"testsuite"`
	}
	junitSuite struct {
		Name       string         `xml:"name,attr"`
		Tests      int            `xml:"tests,attr"`
		Failures   int            `xml:"failures,attr"`
		Errors     int            `xml:"errors,attr"`
		Skipped    int            `xml:"skipped,attr"`
		Time       string         `xml:"time,attr"`
		Timestamp  string         `xml:"timestamp,attr"`
		Properties *junitProps    `xml:"properties,omitempty"`
		Cases      []junitCase    `xml:"testcase"`
		SystemOut  *junitCharData `xml:"system-out,omitempty"`
	}
	junitProps struct {
		Props []junitProp `xml:"property"`
	}
	junitProp struct {
		Name  string `xml:"name,attr"`
		Value string `xml:"value,attr"`
	}
	junitCase struct {
		Name      string        `xml:"name,attr"`
		Classname string        `xml:"classname,attr"`
		File      string        `xml:"file,attr,omitempty"`
		Time      string        `xml:"time,attr"`
		Failure   *junitFailure `xml:"failure,omitempty"`
		Skipped   *junitSkipped `xml:"skipped,omitempty"`
	}
	junitFailure struct {
		Message string `xml:"message,attr"`
		Type    string `xml:"type,attr"`
		Text    string `xml:",cdata"`
	}
	junitSkipped struct {
		Message string `xml:"message,attr"`
	}
	junitCharData struct {
		Text string `xml:",cdata"`
	}
)

func (jw junitWriter) Write(w io.Writer, r finding.Result) error {
	r = prepare(r, jw.opts)
	rules, idx := rulesByID(r)
	byRule := make([][]*finding.Finding, len(rules))
	for i := range r.Findings {
		f := &r.Findings[i]
		j, _ := lookupRule(idx, f)
		byRule[j] = append(byRule[j], f)
	}
	doc := junitSuites{Name: "sluice", Time: "0"}
	stamp := jw.opts.now().Format("2006-01-02T15:04:05")
	for _, kind := range kindsOf(rules, r.Findings) {
		suite := junitSuite{Name: "sluice." + string(kind), Time: "0", Timestamp: stamp}
		if r.Target.Name != "" {
			suite.Properties = &junitProps{Props: []junitProp{
				{Name: "target", Value: r.Target.Name},
				{Name: "target.kind", Value: r.Target.Kind},
			}}
			if r.Target.Digest != "" {
				suite.Properties.Props = append(suite.Properties.Props, junitProp{Name: "target.digest", Value: r.Target.Digest})
			}
		}
		for j, ru := range rules {
			if ru.Kind != kind && !(ru.Kind == "" && len(byRule[j]) > 0 && byRule[j][0].Kind == kind) {
				continue
			}
			tc := junitCase{Name: caseName(ru), Classname: "sluice." + string(kind), Time: "0"}
			var active, suppressed []*finding.Finding
			for _, f := range byRule[j] {
				if f.Active() {
					active = append(active, f)
				} else {
					suppressed = append(suppressed, f)
				}
			}
			switch {
			case len(active) > 0:
				tc.Failure = failure(ru, active, suppressed)
				if p := onePath(active); p != "" {
					tc.File = p
				}
				suite.Failures++
			case len(suppressed) > 0:
				reasons := make([]string, 0, len(suppressed))
				for _, f := range suppressed {
					reasons = append(reasons, fmt.Sprintf("%s: %s", where(f), f.Suppressed.Reason))
				}
				tc.Skipped = &junitSkipped{Message: fmt.Sprintf("%s suppressed: %s",
					plural(len(suppressed), "finding"), strings.Join(reasons, "; "))}
				suite.Skipped++
			}
			suite.Tests++
			suite.Cases = append(suite.Cases, tc)
		}
		doc.Tests += suite.Tests
		doc.Failures += suite.Failures
		doc.Skipped += suite.Skipped
		doc.Suites = append(doc.Suites, suite)
	}
	if len(r.Notes) > 0 && len(doc.Suites) > 0 {
		var b strings.Builder
		for _, n := range r.Notes {
			fmt.Fprintf(&b, "%s: %s\n", n.Level, n.Message)
		}
		doc.Suites[0].SystemOut = &junitCharData{Text: xmlSafe(b.String())}
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("encode junit: %w", err)
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// caseName is the rule ID and title, as test runners list it.
func caseName(ru finding.Rule) string {
	if ru.Title == "" || ru.Title == ru.ID {
		return ru.ID
	}
	return ru.ID + ": " + ru.Title
}

// failure describes a rule's active findings: the message attribute says
// how many and how bad, the body lists each with its location.
func failure(ru finding.Rule, active, suppressed []*finding.Finding) *junitFailure {
	worst := finding.SeverityUnknown
	var b strings.Builder
	for _, f := range active {
		worst = max(worst, f.Severity)
		msg := f.Message
		if msg == "" {
			msg = f.Title
		}
		fmt.Fprintf(&b, "[%s] %s: %s\n", f.Severity, where(f), msg)
		if f.Package != nil && f.Kind == finding.KindVuln {
			fmt.Fprintf(&b, "    package %s %s", f.Package.Name, f.Package.Version)
			if fix := fixText(f); fix != "" {
				fmt.Fprintf(&b, ", fixed in %s", fix)
			}
			b.WriteString("\n")
		}
	}
	if len(suppressed) > 0 {
		fmt.Fprintf(&b, "(%s suppressed)\n", plural(len(suppressed), "more finding"))
	}
	return &junitFailure{
		Message: fmt.Sprintf("%s %s: %s", ru.ID, worst, plural(len(active), "finding")),
		Type:    worst.String(),
		Text:    xmlSafe(b.String()),
	}
}

// onePath returns the file all findings are in, or "".
func onePath(fs []*finding.Finding) string {
	p := fs[0].Location.Path
	for _, f := range fs[1:] {
		if f.Location.Path != p {
			return ""
		}
	}
	return p
}

// xmlSafe drops characters XML 1.0 does not allow (§2.2), which CDATA
// sections would otherwise carry through from hostile input.
func xmlSafe(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\t' || r == '\n' || r == '\r':
			return r
		case r < 0x20, r == 0xfffe, r == 0xffff, r >= 0xd800 && r < 0xe000:
			return -1
		}
		return r
	}, s)
}
