package report_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/owenrumney/go-sarif/v2/sarif"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/asaaudit/asaaudit/asa"
	"github.com/asaaudit/asaaudit/audit"
	"github.com/asaaudit/asaaudit/report"
	"github.com/asaaudit/asaaudit/rules"
)

// sarifSchema compiles testdata/sarif-schema-2.1.0.json, the OASIS SARIF 2.1.0 schema
// (errata 01, "id" https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json),
// with format assertions on.
func sarifSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open("testdata/sarif-schema-2.1.0.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource("sarif-schema-2.1.0.json", doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("sarif-schema-2.1.0.json")
	if err != nil {
		t.Fatal(err)
	}
	return sch
}

func validateSARIF(t *testing.T, sch *jsonschema.Schema, name string, data []byte) {
	t.Helper()
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("%s: not JSON: %v", name, err)
	}
	if err := sch.Validate(inst); err != nil {
		t.Errorf("%s does not validate against the SARIF 2.1.0 schema:\n%v", name, err)
	}
}

// fixtureReports audits every fixture (run from the repository root, as the CLI is) with
// options that make every rule able to fire.
func fixtureReports(t *testing.T) map[string]*report.Report {
	t.Helper()
	t.Chdir("..")
	files, err := filepath.Glob("fixtures/*.txt")
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	opts := audit.Options{Rules: rules.Options{Ports: []asa.Port{{Proto: "udp", Number: 5060}, {Proto: "tcp", Number: 5060}, {Proto: "udp", Number: 5080}}, Keepalive: 90 * time.Second}}
	out := map[string]*report.Report{}
	for _, f := range files {
		res, err := audit.File(f, nil, opts)
		if err != nil {
			t.Fatal(err)
		}
		out[f] = report.New([]*audit.Result{res}, nil, rules.Warning)
	}
	return out
}

func TestSARIFValidates(t *testing.T) {
	sch := sarifSchema(t)
	reports := fixtureReports(t)
	reports["input errors"] = report.New(nil, []report.Error{{Target: "missing.txt", Message: "missing.txt: no such file or directory"}, {Target: "<stdin>", Message: "<stdin>: no ASA configuration lines found"}}, rules.Warning)
	reports["empty"] = report.New(nil, nil, rules.Warning)
	for name, r := range reports {
		var b bytes.Buffer
		if err := report.SARIF(&b, r, report.SARIFOptions{ToolVersion: "v1.2.3"}); err != nil {
			t.Fatal(err)
		}
		validateSARIF(t, sch, name, b.Bytes())
	}
	// The goldens are what the CLI wrote for the fixtures.
	goldens, _ := filepath.Glob("fixtures/golden/*.sarif")
	if len(goldens) == 0 {
		t.Error("no SARIF goldens in fixtures/golden")
	}
	for _, g := range goldens {
		data, err := os.ReadFile(g)
		if err != nil {
			t.Fatal(err)
		}
		validateSARIF(t, sch, g, data)
	}
}

// The schema check must be able to fail: a result without a message is invalid.
func TestSARIFSchemaRejects(t *testing.T) {
	sch := sarifSchema(t)
	inst, err := jsonschema.UnmarshalJSON(strings.NewReader(`{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x"}},"results":[{"ruleId":"X"}]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if sch.Validate(inst) == nil {
		t.Error("schema accepts a result without a message")
	}
}

func TestSARIFContent(t *testing.T) {
	reports := fixtureReports(t)
	r := reports["fixtures/seed-policy.txt"]
	if len(r.Findings) == 0 {
		t.Fatal("seed-policy has no findings")
	}
	var b bytes.Buffer
	if err := report.SARIF(&b, r, report.SARIFOptions{}); err != nil {
		t.Fatal(err)
	}
	log, err := sarif.FromBytes(b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if len(log.Runs) != 1 {
		t.Fatalf("%d runs", len(log.Runs))
	}
	run := log.Runs[0]
	if run.Tool.Driver.Name != "asaaudit" || run.Tool.Driver.Version != nil {
		t.Errorf("driver %q version %v", run.Tool.Driver.Name, run.Tool.Driver.Version)
	}
	if len(run.Tool.Driver.Rules) != len(rules.All) {
		t.Fatalf("%d rules in the driver, want %d", len(run.Tool.Driver.Rules), len(rules.All))
	}
	levels := map[rules.Severity]string{rules.Error: "error", rules.Warning: "warning", rules.Info: "note"}
	for i, rule := range rules.All {
		d := run.Tool.Driver.Rules[i]
		if d.ID != rule.ID || d.Name == nil || *d.Name == "" || d.ShortDescription == nil || *d.ShortDescription.Text != rule.Title ||
			d.FullDescription == nil || *d.FullDescription.Text == "" || d.Help == nil || *d.Help.Text != rule.Doc() || *d.Help.Markdown != rule.Doc() ||
			d.DefaultConfiguration == nil || d.DefaultConfiguration.Level != levels[rule.Severity] {
			t.Errorf("driver rule %d does not describe %s: %+v", i, rule.ID, d)
		}
	}
	if len(run.Results) != len(r.Findings) {
		t.Fatalf("%d results for %d findings", len(run.Results), len(r.Findings))
	}
	for i, f := range r.Findings {
		res := run.Results[i]
		loc := res.Locations[0].PhysicalLocation
		if *res.RuleID != f.Rule || run.Tool.Driver.Rules[*res.RuleIndex].ID != f.Rule || *res.Level != levels[f.Severity] ||
			!strings.HasPrefix(*res.Message.Text, f.Message) || *loc.ArtifactLocation.URI != "fixtures/seed-policy.txt" ||
			*loc.Region.StartLine != f.Line || res.PartialFingerprints["asaauditFingerprint/v1"] != f.Fingerprint {
			t.Errorf("result %d does not match finding %+v", i, f)
		}
		if (f.Column > 0) != (loc.Region.StartColumn != nil) || f.Column > 0 && *loc.Region.StartColumn != f.Column {
			t.Errorf("result %d: startColumn %v, finding column %d", i, loc.Region.StartColumn, f.Column)
		}
		for _, fix := range f.Fix {
			if !strings.Contains(*res.Message.Text, fix) {
				t.Errorf("result %d message lacks the fix line %q", i, fix)
			}
		}
	}
	inv := run.Invocations[0]
	if !*inv.ExecutionSuccessful || *inv.ExitCode != 1 {
		t.Errorf("invocation %+v", inv)
	}
}

func TestSARIFInputErrors(t *testing.T) {
	r := report.New(nil, []report.Error{{Target: "missing.txt", Message: "missing.txt: no such file or directory"}}, rules.Warning)
	var b bytes.Buffer
	if err := report.SARIF(&b, r, report.SARIFOptions{}); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Runs []struct {
			Results     []json.RawMessage `json:"results"`
			Invocations []struct {
				ExecutionSuccessful bool `json:"executionSuccessful"`
				Notifications       []struct {
					Level   string `json:"level"`
					Message struct {
						Text string `json:"text"`
					} `json:"message"`
				} `json:"toolExecutionNotifications"`
			} `json:"invocations"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	run := doc.Runs[0]
	if run.Results == nil || len(run.Results) != 0 {
		t.Errorf("results %v, want an empty array", run.Results)
	}
	inv := run.Invocations[0]
	if inv.ExecutionSuccessful || len(inv.Notifications) != 1 || inv.Notifications[0].Level != "error" || !strings.Contains(inv.Notifications[0].Message.Text, "missing.txt") {
		t.Errorf("invocation %+v", inv)
	}
}

func TestArtifactURI(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ file, want string }{
		{"fw1.txt", "fw1.txt"},
		{"configs/fw 1.txt", "configs/fw%201.txt"},
		{"./configs/../fw1.txt", "fw1.txt"},
		{filepath.Join(wd, "sub", "fw1.txt"), "sub/fw1.txt"},
		{"<stdin>", "%3Cstdin%3E"},
		{"10.0.0.1:22", "./10.0.0.1:22"},
		{filepath.Join(filepath.Dir(wd), "other.txt"), "file://" + filepath.ToSlash(filepath.Join(filepath.Dir(wd), "other.txt"))},
	}
	for _, tt := range tests {
		r := report.New(nil, nil, rules.Warning)
		r.Findings = []rules.Finding{{Rule: "SIP001", Severity: rules.Error, File: tt.file, Line: 1, Message: "m", Fingerprint: "f"}}
		var b bytes.Buffer
		if err := report.SARIF(&b, r, report.SARIFOptions{}); err != nil {
			t.Fatal(err)
		}
		log, err := sarif.FromBytes(b.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		if got := *log.Runs[0].Results[0].Locations[0].PhysicalLocation.ArtifactLocation.URI; got != tt.want {
			t.Errorf("%q: uri %q, want %q", tt.file, got, tt.want)
		}
	}
}
