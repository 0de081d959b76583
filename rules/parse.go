package rules

// PARSE001 reports lines inside audited blocks that the grammar could not read, so that
// no line the user gave is silently dropped.
var PARSE001 = &Rule{
	scopeFree: true,
	ID:        "PARSE001",
	Title:     "line in an audited block could not be read",
	Severity:  Warning,
	Check:     func(p *Pass) { reportDiagnostics(p, "PARSE001") },
}

// PARSE002 reports input after ": end" that looks like a second configuration.
var PARSE002 = &Rule{
	scopeFree: true,
	ID:        "PARSE002",
	Title:     "content after the end of the configuration was not audited",
	Severity:  Warning,
	Check:     func(p *Pass) { reportDiagnostics(p, "PARSE002") },
}

func reportDiagnostics(p *Pass, code string) {
	for _, d := range p.Model.Config.Diagnostics {
		if d.Code != code {
			continue
		}
		p.Report(Finding{
			Message: d.Message,
			Line:    d.Pos.Line,
			Column:  d.Pos.Column,
			Source:  d.Source,
			Detail:  "The audit's verdicts do not take this line into account.",
			Fix:     []string{},
			Key:     d.Source,
		})
	}
}
