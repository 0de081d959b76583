package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"gopkg.in/yaml.v3"

	"github.com/asaaudit/asaaudit/asa"
	"github.com/asaaudit/asaaudit/audit"
	"github.com/asaaudit/asaaudit/capture"
	"github.com/asaaudit/asaaudit/collect"
	"github.com/asaaudit/asaaudit/evidence"
	"github.com/asaaudit/asaaudit/internal/input"
	"github.com/asaaudit/asaaudit/parser"
	"github.com/asaaudit/asaaudit/report"
	"github.com/asaaudit/asaaudit/rules"
)

type liveFlags struct {
	auditFlags
	apply applyFlags // --apply SCRIPT: audit the device's config with the change simulated
	sshFlags
	hosts      []string
	inventory  string
	workers    int
	save       string
	noEvidence bool
	// packetTracer runs the firewall's packet-tracer for each SIP flow the path rules
	// evaluate (PT001, PT002).
	packetTracer bool
	// captures are existing captures on the device to read ("show capture NAME dump").
	captures  []string
	maxOutput int64 // MiB
}

func newLiveCmd(s *IOStreams) *cobra.Command {
	f := &liveFlags{}
	c := &cobra.Command{
		Use:   "live --host HOST [--host HOST...] | --inventory FILE",
		Short: "Collect the running configuration over SSH (read-only) and audit it",
		Long: `live connects to each firewall over SSH, runs only read-only commands (show, terminal pager 0,
enable, changeto), and audits the configuration with the same rules, flags, formats and exit
codes as check.

Beside show version and show running-config it collects runtime evidence for the RUN rules,
as check --evidence reads it: "show conn protocol udp|tcp port N long" for each SIP port,
"show service-policy", "show service-policy inspect sip" and "show running-config all
timeout", whose values replace the table of defaults for timeouts the configuration does not
set (--no-evidence skips them). With --packet-tracer it also runs the firewall's
packet-tracer for each SIP flow the path rules evaluate, both ways, and compares it with
the configuration phase by phase (PT001, PT002). With --capture NAME it reads an existing
capture ("show capture NAME dump") and analyses it beside that firewall's configuration, as
check --evidence does a capture file (REG rules, measured intervals, REG004 naming SIP003).
A firewall in multiple-context mode
("show mode") is audited per security context: the contexts are listed from the system
execution space ("changeto system", "show context"), and each is collected in it
("changeto context NAME") and reported as its own target, HOST/CONTEXT.

Host keys are verified against ~/.ssh/known_hosts (or --known-hosts). The password comes from
ASAAUDIT_PASSWORD, --password-stdin or a prompt; the enable secret from
ASAAUDIT_ENABLE_PASSWORD or a prompt (empty when neither is available).

Local files (inventory, key, change script, outputs, --save directory) are checked before
any firewall is contacted. Ctrl-C (SIGINT) or SIGTERM stops starting hosts, closes the
sessions under way, and reports the hosts already collected, marked interrupted (exit 130).`,
		Example: `  ASAAUDIT_PASSWORD=... asaaudit live --host fw1 --user audit
  asaaudit live --inventory firewalls.yaml --workers 16 --format json --save configs/
  asaaudit check --evidence configs/fw1_voice.show.txt configs/fw1_voice.txt`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error { return runLive(c.Context(), s, f) },
	}
	f.auditFlags.register(c)
	f.apply.register(c)
	fl := c.Flags()
	fl.StringArrayVar(&f.hosts, "host", nil, "firewall to audit, HOST or HOST:PORT (repeatable)")
	fl.StringVar(&f.inventory, "inventory", "", "YAML file listing the firewalls (see README)")
	fl.IntVar(&f.workers, "workers", collect.DefaultWorkers, "how many firewalls to collect from at once (at least 1)")
	f.sshFlags.register(c)
	fl.StringVar(&f.save, "save", "", "write each collected configuration, secrets masked, to `DIR`/<host>[_<context>].txt and its runtime evidence to DIR/<host>[_<context>].show.txt; findings then name these files. DIR is created, not its parents; names that would share a file get -2, -3...")
	fl.BoolVar(&f.noEvidence, "no-evidence", false, "do not collect runtime evidence (show conn, show service-policy, show running-config all timeout): the RUN rules stay silent")
	fl.BoolVar(&f.packetTracer, "packet-tracer", false, "also run the firewall's packet-tracer (a read-only simulation) for each SIP flow the path rules evaluate, both ways, and compare it with the configuration (PT001, PT002); needs --clients and --provider")
	fl.StringArrayVar(&f.captures, "capture", nil, "read the existing capture `NAME` on each firewall (\"show capture NAME dump\"; asaaudit never creates one) and analyse it beside that firewall's configuration, as check --evidence does a capture; with --save it is written to DIR/<host>.capture-NAME.txt (repeatable)")
	fl.Int64Var(&f.maxOutput, "max-output", collect.DefaultMaxOutput>>20, "most output one command may return, in `MiB`; past it that host fails (a device that floods output)")
	return c
}

// inventory is the --inventory file.
type inventory struct {
	Defaults inventoryHost   `yaml:"defaults"`
	Hosts    []inventoryHost `yaml:"hosts"`
}

type inventoryHost struct {
	line int    // in the inventory file; 0 for --host
	Name string `yaml:"name"`
	Host string `yaml:"host"`
	Port int    `yaml:"port"`
	User string `yaml:"user"`
	// Profile overrides the SIP client profile for this host.
	Profile *struct {
		Keepalive        time.Duration `yaml:"keepalive"`
		RegisterInterval time.Duration `yaml:"register-interval"`
		SIPPorts         []string      `yaml:"sip-ports"`
	} `yaml:"profile"`
}

func readInventory(path string) ([]inventoryHost, error) {
	src, err := input.ReadAllBounded(path, "an inventory file", input.MaxFile)
	if err != nil {
		return nil, fmt.Errorf("inventory %w", err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(src))
	dec.KnownFields(true)
	var inv inventory
	if err := dec.Decode(&inv); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("inventory %s: %s", path, strings.ReplaceAll(err.Error(), "\n", "; "))
	}
	// The same document again as nodes, for the line of each host: errors name it.
	var doc struct {
		Hosts []yaml.Node `yaml:"hosts"`
	}
	_ = yaml.Unmarshal(src, &doc)
	if len(inv.Hosts) == 0 {
		return nil, fmt.Errorf("inventory %s: no hosts (want a \"hosts:\" list)", path)
	}
	for i := range inv.Hosts {
		h := &inv.Hosts[i]
		if i < len(doc.Hosts) {
			h.line = doc.Hosts[i].Line
		}
		if h.Host == "" {
			return nil, fmt.Errorf("inventory %s: hosts[%d] has no host", path, i)
		}
		if h.Port == 0 {
			h.Port = inv.Defaults.Port
		}
		if h.Port < 0 || h.Port > 65535 {
			return nil, fmt.Errorf("inventory %s: hosts[%d] port %d: want a TCP port, 1 to 65535", path, i, h.Port)
		}
		if h.User == "" {
			h.User = inv.Defaults.User
		}
		if h.Profile == nil {
			h.Profile = inv.Defaults.Profile
		}
	}
	return inv.Hosts, nil
}

// where says where h was given: its --host flag or its line in the inventory.
func where(h inventoryHost, inventory string) string {
	if h.line == 0 {
		return "--host " + h.Host
	}
	return fmt.Sprintf("%s:%d", inventory, h.line)
}

// checkNames refuses two hosts of one run with the same name: their findings, errors and
// --save files could not be told apart. A host's name is its inventory name, else what
// --host or the inventory's host gives.
func checkNames(hosts []inventoryHost, inventory string) error {
	seen := map[string]inventoryHost{}
	for _, h := range hosts {
		name := h.Name
		if name == "" {
			name = h.Host
		}
		if first, ok := seen[name]; ok {
			return fmt.Errorf("two hosts named %q, at %s and %s: give each a name of its own (inventory \"name:\")", name, where(first, inventory), where(h, inventory))
		}
		seen[name] = h
	}
	return nil
}

func runLive(ctx context.Context, s *IOStreams, f *liveFlags) error {
	if ctx == nil {
		ctx = context.Background()
	}
	opts, _, err := f.options()
	if err != nil {
		return err
	}
	f.html = report.NewHTMLContext("live", opts.Rules)
	if f.maxOutput < 1 {
		return usageError{fmt.Errorf("--max-output %d: want at least 1 (MiB)", f.maxOutput)}
	}
	if f.passwordStdin && f.apply.change == "-" {
		return usageError{errors.New("--password-stdin and --apply - both read standard input; give the change script as a file")}
	}
	if f.workers < 1 {
		return usageError{fmt.Errorf("--workers %d: want at least 1", f.workers)}
	}
	if err := f.checkFlags(); err != nil {
		return err
	}
	if f.packetTracer && (len(opts.Rules.Clients) == 0 || len(opts.Rules.Providers) == 0) {
		return usageError{errors.New("--packet-tracer needs --clients and --provider (or clients: and provider: in the configuration file): they name the flows to trace")}
	}
	if len(f.hosts) == 0 && f.inventory == "" {
		return usageError{errors.New("live needs --host HOST or --inventory FILE")}
	}
	user := f.username(s)
	var hosts []inventoryHost
	for _, h := range f.hosts {
		hosts = append(hosts, inventoryHost{Host: h})
	}
	if f.inventory != "" {
		inv, err := readInventory(f.inventory)
		if err != nil {
			return usageError{err}
		}
		hosts = append(hosts, inv...)
	}
	if err := checkNames(hosts, f.inventory); err != nil {
		return usageError{err}
	}
	for _, h := range hosts {
		if _, _, err := splitHostPort(h.Host); err != nil {
			if h.line == 0 {
				return usageError{fmt.Errorf("--host %w", err)}
			}
			return usageError{fmt.Errorf("%s: %w", where(h, f.inventory), err)}
		}
	}
	if f.apply.active() && len(hosts) != 1 {
		return usageError{fmt.Errorf("--apply simulates a change on one firewall, got %d", len(hosts))}
	}
	if err := f.local(s); err != nil {
		return err
	}
	password, enable, err := f.secrets(s)
	if err != nil {
		return err
	}
	if f.apply.change == "-" {
		if err := f.applyScript(s); err != nil {
			return err
		}
	}
	// Each host's audit options (an inventory profile may give its own SIP clients) are
	// known before connecting: they say which ports its evidence lists.
	var (
		targets  []collect.Target
		hostOpts []audit.Options
		fromHost []inventoryHost // each target's entry
		errs     []report.Error
	)
	for _, h := range hosts {
		t := collect.Target{Name: h.Name, Host: h.Host, Port: h.Port, Username: h.User, Password: password, EnablePassword: enable, KeyFile: f.sshKey}
		host, port, _ := splitHostPort(h.Host) // checked above
		if port != 0 && t.Port == 0 {
			t.Host, t.Port = host, port
		}
		if t.Port == 0 {
			t.Port = f.port
		}
		if t.Username == "" {
			t.Username = user
		}
		if t.Username == "" {
			return usageError{fmt.Errorf("%s: no SSH user: use --user, ASAAUDIT_USERNAME or the inventory's user", h.Host)}
		}
		if t.Name == "" {
			t.Name = h.Host
		}
		o := opts
		if p := h.Profile; p != nil {
			if o, err = withProfile(o, p.Keepalive, p.RegisterInterval, p.SIPPorts); err != nil {
				errs = append(errs, report.Error{Target: t.Name, Message: fmt.Sprintf("inventory profile: %v", err)})
				continue
			}
			if len(p.SIPPorts) > 0 {
				t.SIPPorts = collectPorts(o.Rules.Ports)
			}
		}
		targets = append(targets, t)
		hostOpts = append(hostOpts, o)
		fromHost = append(fromHost, h)
	}
	copts := f.collectOptions(s)
	copts.Contexts, copts.Evidence, copts.SIPPorts = true, !f.noEvidence, collectPorts(opts.Rules.Ports)
	copts.MaxOutput = f.maxOutput << 20
	for _, name := range f.captures {
		if err := collect.Allowed("show capture " + name + " dump"); err != nil {
			return usageError{fmt.Errorf("--capture %q: not a capture name (letters, digits, '.', '_', '-')", name)}
		}
	}
	copts.Captures = f.captures
	if f.packetTracer {
		byTarget := map[string]audit.Options{}
		for i, t := range targets {
			byTarget[t.Name] = hostOpts[i]
		}
		copts.PacketTracer = func(target string, config []byte, version string) []string {
			return tracerCommands(byTarget[target], config, version)
		}
	}
	var names *saveNames
	if f.save != "" {
		// Hosts get their names first, in the order given, so that a context's file never
		// takes the name of a host's.
		names = newSaveNames(f.save, slices.Concat(f.read, f.localInputs(), f.outputFiles()))
		for _, t := range targets {
			names.stem(t.Name)
		}
	}
	var bar *progressbar.ProgressBar
	if s.ErrTTY && len(targets) > 1 {
		bar = progressbar.NewOptions(len(targets), progressbar.OptionSetWriter(s.ErrOut), progressbar.OptionSetDescription("collecting"),
			progressbar.OptionShowCount(), progressbar.OptionClearOnFinish())
	}
	// SIGINT or SIGTERM stops the collection: no host is started after it, the sessions
	// under way are closed, and what was collected is saved and reported, marked
	// interrupted. A second signal stops the process at once, as if none were handled.
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	context.AfterFunc(ctx, stop)
	collected := collect.Fleet(ctx, targets, copts, f.workers, func(done, total int, r collect.Result) {
		if bar != nil {
			_ = bar.Set(done)
		}
	})
	if ctx.Err() != nil {
		done := 0
		for _, r := range collected {
			if r.Err == nil {
				done++
			}
		}
		// A signal after the last host finished interrupted nothing.
		if f.interrupted = done < len(collected); f.interrupted {
			fmt.Fprintf(s.ErrOut, "asaaudit: interrupted: %d of %d host(s) collected; the report covers them only\n", done, len(collected))
		}
	}
	w := &warnings{s: s, quiet: f.quiet}
	var results []*audit.Result
	var runs []*captureRun // each host's captures
	for i, r := range collected {
		collectWarnings(s, r, f.quiet)
		if r.Err != nil {
			errs = append(errs, report.Error{Target: r.Target, Message: r.Err.Error()})
			continue
		}
		configs := liveConfigs(r)
		cr := newCaptureRun(f.ran)
		f.captureOutputs(s, r, names, w, cr)
		runs = append(runs, cr)
		hostOpt := f.captureOptions(s, cr, hostOpts[i], fromHost[i])
		if f.save != "" && !f.noEvidence && r.Mode == collect.ModeMultiple {
			// show mode and show context, from the system execution space.
			if err := saveFile(names.show(r.Target), collect.Capture(r.Evidence)); err != nil {
				errs = append(errs, report.Error{Target: r.Target, Message: err.Error()})
			}
		}
		if f.apply.active() && len(configs) != 1 {
			errs = append(errs, report.Error{Target: r.Target, Message: fmt.Sprintf("--apply simulates a change on one configuration, and %s is in multiple-context mode with %d contexts", r.Target, len(configs))})
			break
		}
		for _, c := range configs {
			if c.err != nil {
				errs = append(errs, report.Error{Target: c.target, Message: c.err.Error()})
				continue
			}
			name, ev, err := f.prepare(c, names, w)
			if err != nil {
				errs = append(errs, report.Error{Target: c.target, Message: err.Error()})
			}
			o := hostOpt
			o.Rules.Evidence = ev
			if f.apply.active() {
				w.flush()
				// Nothing but show commands was sent: the change is simulated on the collected copy.
				return applyChange(s, &f.auditFlags, &f.apply, name, bytes.NewReader(c.config), o)
			}
			res, err := audit.Reader(bytes.NewReader(c.config), name, o)
			if err != nil {
				errs = append(errs, report.Error{Target: c.target, Message: err.Error()})
				continue
			}
			if res.Hostname == "" {
				res.Hostname = c.hostname
			}
			if c.version != "" {
				res.Version = c.version
			}
			cr.corroborate(res, o)
			f.html.AddResult(res, o.Rules)
			results = append(results, res)
		}
		results = append(results, cr.results...)
		cr.addLadders(f.html)
	}
	w.flush()
	if f.apply.active() && len(errs) > 0 {
		err := writeDiff(s, &f.auditFlags, report.NewDiff(nil, nil, errs, f.failOnLevel))
		if f.interrupted {
			return exitError{report.ExitInterrupted}
		}
		return err
	}
	return f.finishWith(s, results, errs, func(w io.Writer, r *report.Report) error {
		for _, cr := range runs {
			if err := cr.writeLadders(w, r); err != nil {
				return err
			}
		}
		return nil
	})
}

// liveConfig is one configuration collected live: a firewall in single-context mode, or one
// security context of a firewall in multiple-context mode.
type liveConfig struct {
	target   string // "fw1", or "fw1/voice" for a context
	hostname string // for the report when the configuration names none
	version  string
	config   []byte
	outputs  []collect.Output // runtime evidence collected beside it
	err      error            // the context could not be collected
}

// liveConfigs are the configurations of r to audit: each context in multiple-context mode
// (the one the session started in is among them), else the firewall's.
func liveConfigs(r collect.Result) []liveConfig {
	if r.Mode != collect.ModeMultiple {
		// Masked once here, so that no path (audit, --apply --print-config, --save) ever
		// holds the device's secrets.
		return []liveConfig{{target: r.Target, hostname: r.Hostname, version: r.Version, config: collect.MaskSecrets(r.Config), outputs: r.Evidence}}
	}
	configs := make([]liveConfig, 0, len(r.Contexts))
	for _, c := range r.Contexts {
		configs = append(configs, liveConfig{target: c.Target, hostname: r.Hostname + "/" + c.Name, version: r.Version,
			config: collect.MaskSecrets(c.Config), outputs: c.Evidence, err: c.Err})
	}
	return configs
}

// prepare saves c when --save is given and reads its runtime evidence (nil with
// --no-evidence or when none was collected). name is what findings point at: the saved
// configuration when there is one, else the target. A save that fails is returned as
// err, and c is still audited under its target name.
func (f *liveFlags) prepare(c liveConfig, names *saveNames, w *warnings) (name string, ev *evidence.Evidence, err error) {
	name = c.target
	var capture []byte
	showPath := ""
	if names != nil {
		path := names.config(c.target)
		if err = saveFile(path, c.config); err == nil { // masked by liveConfigs
			name = path
			if !f.noEvidence || f.packetTracer {
				capture = collect.Capture(c.outputs)
				if err = saveFile(names.show(c.target), capture); err == nil {
					showPath = names.show(c.target)
				}
			}
		}
	}
	if f.noEvidence && !f.packetTracer {
		return name, nil, err
	}
	return name, liveEvidence(c, showPath, capture, w), err
}

// liveEvidence reads c's runtime evidence: from the capture saved at showPath, so that
// findings name the lines of that file, or else each output on its own, named "TARGET
// COMMAND" (line numbers then count the lines of that output). Commands the device refused
// and lines that are not read are warnings.
func liveEvidence(c liveConfig, showPath string, capture []byte, w *warnings) *evidence.Evidence {
	for _, o := range c.outputs {
		if o.Err != nil {
			w.warn(fmt.Sprintf("%v (not used as evidence)", o.Err))
		}
	}
	var ev *evidence.Evidence
	if showPath != "" {
		var err error
		if ev, err = evidence.Parse(bytes.NewReader(capture), showPath); err != nil {
			w.warn(err.Error())
			return nil
		}
	} else {
		var all []*evidence.Evidence
		for _, o := range c.outputs {
			if o.Err == nil {
				all = append(all, evidence.ParseOutput(c.target+" "+o.Command, o.Command, o.Text))
			}
		}
		ev = evidence.Merge(all...)
	}
	// Everything here was collected in this configuration's own session: it belongs to it
	// whatever the prompt says (a context whose configuration has another hostname).
	for _, o := range ev.Outputs {
		o.Host, o.Context = "", ""
	}
	for _, d := range ev.Diagnostics {
		w.warn(d.String())
	}
	for _, o := range ev.Omitted {
		w.n += o.Diagnostics // not kept, so never printed: counted in "more evidence warnings"
	}
	if ev.Empty() {
		return nil
	}
	return ev
}

// warnings prints evidence warnings to stderr, at most maxEvidenceWarnings of them, and
// none with --quiet.
type warnings struct {
	s     *IOStreams
	quiet bool
	n     int
}

func (w *warnings) warn(msg string) {
	if w.n++; !w.quiet && w.n <= maxEvidenceWarnings {
		fmt.Fprintf(w.s.ErrOut, "asaaudit: warning: %s\n", msg)
	}
}

// flush counts the warnings that were not printed.
func (w *warnings) flush() {
	if !w.quiet && w.n > maxEvidenceWarnings {
		fmt.Fprintf(w.s.ErrOut, "asaaudit: warning: %d more evidence warnings\n", w.n-maxEvidenceWarnings)
	}
	w.n = 0
}

// collectWarnings prints what went oddly while collecting r but did not stop it, one line
// each, unless quiet.
func collectWarnings(s *IOStreams, r collect.Result, quiet bool) {
	if quiet {
		return
	}
	for _, w := range r.Warnings {
		fmt.Fprintf(s.ErrOut, "asaaudit: warning: %s: %s\n", r.Target, w)
	}
}

func collectPorts(ports []asa.Port) []collect.Port {
	out := make([]collect.Port, len(ports))
	for i, p := range ports {
		out[i] = collect.Port{Proto: p.Proto, Number: p.Number}
	}
	return out
}

// withProfile applies an inventory host's SIP client profile over the command-line options.
func withProfile(o audit.Options, keepalive, register time.Duration, ports []string) (audit.Options, error) {
	if keepalive > 0 || register > 0 {
		// The host's own intervals replace the per-port ones of .asaaudit.yaml.
		o.Rules.PerPort = nil
	}
	if keepalive > 0 {
		o.Rules.Keepalive = keepalive
	}
	if register > 0 {
		o.Rules.RegisterInterval = register
	}
	if len(ports) > 0 {
		p, err := parseSIPPorts(ports)
		if err != nil {
			return o, err
		}
		o.Rules.Ports = p
	}
	return o, nil
}

// local checks everything of the run that is on this machine, before any firewall is
// contacted: no output overwrites an input, every output file and the --save directory can
// be written, the --ssh-key file can be read, and the change script (from a
// file) reads.
func (f *liveFlags) local(s *IOStreams) error {
	if err := f.guard(f.localInputs()...); err != nil {
		return err
	}
	if err := f.probeOutputs(); err != nil {
		return err
	}
	if err := f.probeInputs(); err != nil {
		return err
	}
	if f.apply.printConfig && f.apply.change == "" {
		return usageError{errors.New("--print-config needs --apply SCRIPT")}
	}
	if f.save != "" {
		if err := prepareSaveDir(f.save); err != nil {
			return usageError{err}
		}
	}
	if f.apply.change != "" && f.apply.change != "-" {
		if err := f.applyScript(s); err != nil {
			return err
		}
	}
	return nil
}

// localInputs are the files live reads beside those options reads.
func (f *liveFlags) localInputs() []namedPath {
	inputs := append([]namedPath{{"--inventory", f.inventory}}, f.sshFlags.inputs()...)
	if f.apply.change != "" {
		inputs = append(inputs, namedPath{"--apply", f.apply.change})
	}
	return inputs
}

// applyScript reads the --apply script. When it cannot be read it writes the diff document
// with the error, as check --apply does, and returns the exit code (never nil then).
func (f *liveFlags) applyScript(s *IOStreams) error {
	if _, err := f.apply.load(s); err != nil {
		d := report.NewDiff(nil, nil, []report.Error{{Target: f.apply.change, Message: err.Error()}}, f.failOnLevel)
		d.Change = f.apply.change
		return writeDiff(s, &f.auditFlags, d)
	}
	return nil
}

// splitHostPort splits "HOST:PORT" or "[IPV6]:PORT"; a bare host or IPv6 address has no
// port (0). A port that is not a number from 1 to 65535 is an error, so that "fw1:99999"
// is refused as a typing mistake instead of being looked up as a host name.
func splitHostPort(s string) (string, int, error) {
	i := strings.LastIndexByte(s, ':')
	switch {
	case i < 0:
		return s, 0, nil
	case strings.HasPrefix(s, "["):
		if strings.HasSuffix(s, "]") {
			return strings.Trim(s, "[]"), 0, nil
		}
		if !strings.HasSuffix(s[:i], "]") {
			return s, 0, fmt.Errorf("%s: want [IPV6] or [IPV6]:PORT", s)
		}
	case strings.Count(s, ":") > 1:
		return s, 0, nil // a bare IPv6 address
	}
	port, err := strconv.Atoi(s[i+1:])
	if err != nil || port < 1 || port > 65535 || s[i+1] == '+' {
		return s, 0, fmt.Errorf("%s: port %q: want a TCP port, 1 to 65535", s, s[i+1:])
	}
	return strings.Trim(s[:i], "[]"), port, nil
}

// tracerCommands are the packet-tracer commands for the flows the path rules evaluate on
// config (rules.TracerCommands), in the xml form from ASA 9.0 on. A configuration that
// cannot be parsed gets none: its audit reports why.
func tracerCommands(o audit.Options, config []byte, version string) []string {
	cfg, err := parser.ParseWith(bytes.NewReader(config), "running-config", parser.Options{Paths: true})
	if err != nil {
		return nil
	}
	major, _, _ := strings.Cut(version, ".")
	n, err := strconv.Atoi(major)
	return rules.TracerCommands(asa.New(cfg), o.Rules, err == nil && n >= 9)
}

// captureOutputs analyses the captures read from r ("show capture NAME dump") as check
// --evidence does a capture file: into cr, the host's own run, so that they measure
// intervals for and corroborate this host's configurations only. With --save each is
// first written beside the configuration (DIR/<host>.capture-NAME.txt), and its findings
// name that file; else they name "HOST capture NAME". A capture the device refused, or
// that the reader does not take, is a warning.
func (f *liveFlags) captureOutputs(s *IOStreams, r collect.Result, names *saveNames, w *warnings, cr *captureRun) {
	for _, o := range r.Captures {
		name := strings.TrimSuffix(strings.TrimPrefix(o.Command, "show capture "), " dump")
		if o.Err != nil {
			w.warn(fmt.Sprintf("%v (capture %s not read)", o.Err, name))
			continue
		}
		file := r.Target + " capture " + name
		if names != nil {
			path := strings.TrimSuffix(names.config(r.Target), ".txt") + ".capture-" + name + ".txt"
			if err := saveFile(path, []byte(o.Text)); err != nil {
				w.warn(err.Error())
			} else {
				file = path
				if !f.quiet {
					fmt.Fprintf(s.ErrOut, "asaaudit: capture %s of %s saved to %s (check --evidence reads it)\n", name, r.Target, path)
				}
			}
		}
		rd, err := capture.NewReader(strings.NewReader(o.Text), file)
		if err != nil {
			w.warn(err.Error())
			continue
		}
		if err := cr.readFrom(s, rd, file, f.quiet); err != nil {
			w.warn(fmt.Sprintf("%s: %v", file, err))
		}
		_ = rd.Close()
	}
}

// captureOptions is o with what the host's captures in cr measured (captureRun.apply): o's
// slices and maps are copied first, so that no other host sees them. Intervals an
// inventory profile gives for the host win over the measured ones, as the flags do.
func (f *liveFlags) captureOptions(s *IOStreams, cr *captureRun, o audit.Options, h inventoryHost) audit.Options {
	if len(cr.results) == 0 {
		return o
	}
	o.Rules.Ports = slices.Clone(o.Rules.Ports)
	o.Rules.Clients = slices.Clone(o.Rules.Clients)
	o.Rules.Providers = slices.Clone(o.Rules.Providers)
	o.Rules.PerPort = maps.Clone(o.Rules.PerPort)
	af := &f.auditFlags
	if p := h.Profile; p != nil && (p.Keepalive > 0 || p.RegisterInterval > 0) {
		given := *af
		given.flags = nil // every flag counts as given: the measured intervals are not used
		af = &given
	}
	cr.apply(s, &o, af)
	return o
}
