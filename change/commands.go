package change

import "github.com/asaaudit/asaaudit/parser"

// The simulation follows the modes with the parser's vocabulary of the ASA's commands
// (parser/vocab.go), so that a change script and a running-config find their structure
// the same way: a command that its mode does not have is tried in the parent modes, up to
// global configuration, and the first mode that has it runs it.
var (
	modelled                 = parser.AuditedGlobalCommands
	globalCommands           = parser.GlobalCommands
	openers                  = parser.SubModeOpeners
	execCommands             = parser.ExecCommands
	classMapCommands         = parser.ClassMapCommands
	policyMapCommands        = parser.PolicyMapCommands
	inspectPolicyMapCommands = parser.InspectPolicyMapCommands
	classCommands            = parser.ClassCommands
)
