package change

import "github.com/asaaudit/asaaudit/parser"

// The simulation follows the modes with the parser's vocabulary of the ASA's commands
// (parser/vocab.go), so that a change script and a running-config find their structure
// the same way: a command that its mode does not have is tried in the parent modes, up to
// global configuration, and the first mode that has it runs it.
var (
	modelled                 = parser.AuditedGlobalCommands
	globalCommands           = withLegacy(parser.GlobalCommands)
	openers                  = parser.SubModeOpeners
	execCommands             = parser.ExecCommands
	classMapCommands         = parser.ClassMapCommands
	policyMapCommands        = parser.PolicyMapCommands
	inspectPolicyMapCommands = parser.InspectPolicyMapCommands
	classCommands            = parser.ClassCommands
)

// withLegacy adds to the global commands the NAT commands of ASA 8.2 and earlier, "static"
// and "global", which the path sections read and a script for such a firewall may hold.
func withLegacy(cmds map[string]bool) map[string]bool {
	out := make(map[string]bool, len(cmds)+2)
	for c := range cmds {
		out[c] = true
	}
	out["static"], out["global"] = true, true
	return out
}
