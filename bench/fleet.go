package bench

import (
	"fmt"

	"github.com/asaaudit/asaaudit/audit"
	"github.com/asaaudit/asaaudit/rules"
)

// Fleet is a fleet run of n targets with per findings each, made of sample's findings
// (the report and HTML benchmarks and the HTML page's scale test).
func Fleet(sample []rules.Finding, n, per int) []*audit.Result {
	var results []*audit.Result
	for i := range n {
		name := fmt.Sprintf("fw%04d.example.net", i)
		res := &audit.Result{Target: name, Hostname: name, Version: "9.8(4)", Lines: 4000}
		for j := range per {
			f := sample[(i+j)%len(sample)]
			f.File, f.Line = name, 100+j
			res.Findings = append(res.Findings, f)
		}
		results = append(results, res)
	}
	return results
}
