package parser

import (
	"fmt"
	"net/netip"

	"github.com/alecthomas/participle/v2/lexer"
)

// objectHeader is "object network|service NAME" (other kinds are kept, unused).
type objectHeader struct {
	Pos  lexer.Position
	Kind string `parser:"'object' @Word"`
	Name string `parser:"@(Word|Number)"`
}

// Object is an "object network" or "object service" block. A block may be entered more
// than once (running-configs write an object's NAT in a second block); Headers holds
// the position of each "object" line, Pos the first.
type Object struct {
	Pos     lexer.Position
	Kind    string // "network", "service", or another kind the audit does not read
	Name    string
	Headers []lexer.Position

	Host         *ObjectHost
	Subnet       *ObjectSubnet
	Range        *ObjectRange
	FQDN         *FQDN
	Service      *ServiceSpec
	Descriptions []*Description
	// Settings are the lines of a kind the audit does not read.
	Settings []*Setting
	// Superseded holds the lines whose address or service a later line replaced (the
	// last one wins, as in configuration mode).
	Superseded []lexer.Position
}

// objectChild is one line below "object network|service NAME".
type objectChild struct {
	Host        *ObjectHost   `parser:"  @@"`
	Subnet      *ObjectSubnet `parser:"| @@"`
	Range       *ObjectRange  `parser:"| @@"`
	FQDN        *FQDN         `parser:"| @@"`
	Service     *ServiceSpec  `parser:"| 'service' @@"`
	Description *Description  `parser:"| @@"`
}

// ObjectHost is "host A". A trailing mask, which some hand-written configurations
// carry ("host 192.168.1.25 255.255.255.0"), is read and ignored: the object is one host.
type ObjectHost struct {
	Pos     lexer.Position
	Address *Address `parser:"'host' @@"`
	Mask    *Address `parser:"@@?"`
}

// ObjectSubnet is "subnet A M" or "subnet PREFIX/LEN" (IPv6).
type ObjectSubnet struct {
	Pos     lexer.Position
	Address *Address `parser:"'subnet' @@"`
	Mask    *Address `parser:"@@?"`
}

// ObjectRange is "range A B".
type ObjectRange struct {
	Pos  lexer.Position
	From *Address `parser:"'range' @@"`
	To   *Address `parser:"@@"`
}

// FQDN is "fqdn [v4|v6] NAME": resolved by the ASA at run time, unknown to the audit.
type FQDN struct {
	Pos    lexer.Position
	Family string `parser:"'fqdn' @('v4'|'v6')?"`
	Name   string `parser:"@(Word|Number)"`
}

// ServiceSpec is the protocol and ports of "service" (object service) and
// "service-object" (object-group service): "PROTO [source OP] [destination OP]",
// "PROTO [ICMP-TYPE]", or "object SVC". "service-object tcp eq 80" (without
// "destination") is the older form of a destination port.
type ServiceSpec struct {
	Pos         lexer.Position
	Object      string   `parser:"( 'object' @(Word|Number)"`
	Protocol    string   `parser:"| @(Word|Number)"`
	Source      *PortOp  `parser:"  ( 'source' @@ )?"`
	Destination *PortOp  `parser:"  ( 'destination'? @@ )?"`
	ICMP        []string `parser:"  @(Word|Number)* )"`
}

// groupHeader is "object-group KIND NAME [tcp|udp|tcp-udp]".
type groupHeader struct {
	Pos      lexer.Position
	Kind     string `parser:"'object-group' @Word"`
	Name     string `parser:"@(Word|Number)"`
	Protocol string `parser:"@('tcp'|'udp'|'tcp-udp')?"`
}

// ObjectGroup is an "object-group network|service|protocol|icmp-type" block. Other kinds
// (user, security...) are kept as settings.
type ObjectGroup struct {
	Pos      lexer.Position
	Kind     string
	Name     string
	Protocol string // of a service group written "object-group service NAME tcp"
	Headers  []lexer.Position

	Networks     []*NetworkObject
	Ports        []*PortObject
	Services     []*ServiceObject
	Groups       []*GroupObject
	Protocols    []*ProtocolObject
	ICMPTypes    []*ICMPObject
	Descriptions []*Description
	Settings     []*Setting
}

// groupChild is one line below "object-group KIND NAME".
type groupChild struct {
	Network     *NetworkObject  `parser:"  @@"`
	Port        *PortObject     `parser:"| @@"`
	Service     *ServiceObject  `parser:"| @@"`
	Group       *GroupObject    `parser:"| @@"`
	Protocol    *ProtocolObject `parser:"| @@"`
	ICMP        *ICMPObject     `parser:"| @@"`
	Description *Description    `parser:"| @@"`
}

// NetworkObject is "network-object host A", "network-object A M" (or an IPv6 prefix) or
// "network-object object N".
type NetworkObject struct {
	Pos     lexer.Position
	Host    *Address `parser:"'network-object' ( 'host' @@"`
	Object  string   `parser:"| 'object' @(Word|Number)"`
	Address *Address `parser:"| @@"`
	Mask    *Address `parser:"  @@? )"`
}

// PortObject is "port-object eq P" or "port-object range A B".
type PortObject struct {
	Pos  lexer.Position
	Port *PortOp `parser:"'port-object' @@"`
}

// ServiceObject is "service-object ...".
type ServiceObject struct {
	Pos     lexer.Position
	Service *ServiceSpec `parser:"'service-object' @@"`
}

// GroupObject is "group-object G": a nested group of the same kind.
type GroupObject struct {
	Pos   lexer.Position
	Group string `parser:"'group-object' @(Word|Number)"`
}

// ProtocolObject is "protocol-object PROTO".
type ProtocolObject struct {
	Pos      lexer.Position
	Protocol string `parser:"'protocol-object' @(Word|Number)"`
}

// ICMPObject is "icmp-object TYPE".
type ICMPObject struct {
	Pos  lexer.Position
	Type string `parser:"'icmp-object' @(Word|Number)"`
}

// readObject parses a deferred object block.
func (ps *Paths) readObject(b *block) *Object {
	o := &Object{}
	for i, idx := range b.indexes() {
		num, text, ok := ps.objLine(idx)
		if !ok {
			continue
		}
		if i == 0 || isHeader(text) {
			h := ps.parse(num, text, func(file string, num int, text string) (any, error) {
				return quickOr(quickObjectHeader, ps.g.objectHeader, file, num, text)
			})
			if h == nil {
				continue
			}
			hd := h.(*objectHeader)
			if o.Headers == nil {
				o.Pos, o.Kind, o.Name = hd.Pos, hd.Kind, hd.Name
			}
			o.Headers = append(o.Headers, hd.Pos)
			continue
		}
		if o.Kind != "network" && o.Kind != "service" {
			if st := ps.parseSetting(num, text); st != nil {
				o.Settings = append(o.Settings, st)
			}
			continue
		}
		v := ps.parse(num, text, func(file string, num int, text string) (any, error) {
			c, err := quickOr(quickObjectChild, ps.g.objectChild, file, num, text)
			if err != nil {
				return nil, err
			}
			return c, ps.checkObjectChild(o, c)
		})
		if v == nil {
			continue
		}
		c := v.(*objectChild)
		if c.Description != nil {
			o.Descriptions = append(o.Descriptions, c.Description)
			continue
		}
		if pos, ok := o.value(); ok {
			o.Superseded = append(o.Superseded, pos)
		}
		o.Host, o.Subnet, o.Range, o.FQDN, o.Service = c.Host, c.Subnet, c.Range, c.FQDN, c.Service
	}
	return o
}

// value returns the position of the line that gives the object its value, if any.
func (o *Object) value() (lexer.Position, bool) {
	switch {
	case o.Host != nil:
		return o.Host.Pos, true
	case o.Subnet != nil:
		return o.Subnet.Pos, true
	case o.Range != nil:
		return o.Range.Pos, true
	case o.FQDN != nil:
		return o.FQDN.Pos, true
	case o.Service != nil:
		return o.Service.Pos, true
	}
	return lexer.Position{}, false
}

// checkObjectChild checks that a line belongs to the object's kind and resolves it.
func (ps *Paths) checkObjectChild(o *Object, c *objectChild) error {
	if c.Description != nil {
		return nil
	}
	if (c.Service != nil) != (o.Kind == "service") {
		return fmt.Errorf("not valid in object %s", o.Kind)
	}
	switch {
	case c.Host != nil:
		return positionedAt(c.Host.Address.Pos, resolveAddress(c.Host.Address, ps.names))
	case c.Subnet != nil:
		if c.Subnet.Mask == nil {
			if _, err := netip.ParsePrefix(c.Subnet.Address.Raw); err != nil {
				return positionedAt(c.Subnet.Address.Pos, fmt.Errorf("%q is not an address with a mask", c.Subnet.Address.Raw))
			}
			return nil
		}
		if err := resolveAddress(c.Subnet.Address, ps.names); err != nil {
			return positionedAt(c.Subnet.Address.Pos, err)
		}
		return positionedAt(c.Subnet.Mask.Pos, resolveMask(c.Subnet.Mask, ps.names))
	case c.Range != nil:
		for _, a := range []*Address{c.Range.From, c.Range.To} {
			if err := resolveAddress(a, ps.names); err != nil {
				return positionedAt(a.Pos, err)
			}
		}
	case c.Service != nil:
		return checkService(c.Service)
	}
	return nil
}

// checkService resolves a service's protocol and ports.
func checkService(s *ServiceSpec) error {
	if s.Object != "" {
		return nil
	}
	if _, ok := ProtocolNumber(s.Protocol); !ok && s.Protocol != "tcp-udp" {
		return positionedAt(s.Pos, fmt.Errorf("unknown protocol %q", s.Protocol))
	}
	for _, op := range []*PortOp{s.Source, s.Destination} {
		if op != nil {
			if err := resolvePortOp(op); err != nil {
				return positionedAt(op.Pos, err)
			}
		}
	}
	return nil
}

// readGroup parses a deferred object-group block.
func (ps *Paths) readGroup(b *block) *ObjectGroup {
	g := &ObjectGroup{}
	for i, idx := range b.indexes() {
		num, text, ok := ps.objLine(idx)
		if !ok {
			continue
		}
		if i == 0 || isHeader(text) {
			h := ps.parse(num, text, func(file string, num int, text string) (any, error) {
				return quickOr(quickGroupHeader, ps.g.groupHeader, file, num, text)
			})
			if h == nil {
				continue
			}
			hd := h.(*groupHeader)
			if g.Headers == nil {
				g.Pos, g.Kind, g.Name, g.Protocol = hd.Pos, hd.Kind, hd.Name, hd.Protocol
			}
			g.Headers = append(g.Headers, hd.Pos)
			continue
		}
		switch g.Kind {
		case "network", "service", "protocol", "icmp-type":
		default:
			if st := ps.parseSetting(num, text); st != nil {
				g.Settings = append(g.Settings, st)
			}
			continue
		}
		v := ps.parse(num, text, func(file string, num int, text string) (any, error) {
			c, err := quickOr(quickGroupChild, ps.g.groupChild, file, num, text)
			if err != nil {
				return nil, err
			}
			return c, ps.checkGroupChild(g, c)
		})
		if v == nil {
			continue
		}
		c := v.(*groupChild)
		switch {
		case c.Network != nil:
			g.Networks = append(g.Networks, c.Network)
		case c.Port != nil:
			g.Ports = append(g.Ports, c.Port)
		case c.Service != nil:
			g.Services = append(g.Services, c.Service)
		case c.Group != nil:
			g.Groups = append(g.Groups, c.Group)
		case c.Protocol != nil:
			g.Protocols = append(g.Protocols, c.Protocol)
		case c.ICMP != nil:
			g.ICMPTypes = append(g.ICMPTypes, c.ICMP)
		case c.Description != nil:
			g.Descriptions = append(g.Descriptions, c.Description)
		}
	}
	return g
}

// checkGroupChild checks that a line belongs to the group's kind and resolves it.
func (ps *Paths) checkGroupChild(g *ObjectGroup, c *groupChild) error {
	valid := map[string]bool{
		"network":   c.Network != nil,
		"service":   c.Port != nil && g.Protocol != "" || c.Service != nil,
		"protocol":  c.Protocol != nil,
		"icmp-type": c.ICMP != nil,
	}[g.Kind]
	if !valid && c.Group == nil && c.Description == nil {
		if c.Port != nil && g.Kind == "service" {
			return fmt.Errorf("port-object needs a protocol on the group (object-group service %s tcp|udp|tcp-udp)", g.Name)
		}
		return fmt.Errorf("not valid in object-group %s", g.Kind)
	}
	switch {
	case c.Network != nil:
		n := c.Network
		switch {
		case n.Host != nil:
			return positionedAt(n.Host.Pos, resolveAddress(n.Host, ps.names))
		case n.Address != nil && n.Mask == nil:
			if _, err := netip.ParsePrefix(n.Address.Raw); err != nil {
				return positionedAt(n.Address.Pos, fmt.Errorf("%q is not an address with a mask", n.Address.Raw))
			}
		case n.Address != nil:
			if err := resolveAddress(n.Address, ps.names); err != nil {
				return positionedAt(n.Address.Pos, err)
			}
			return positionedAt(n.Mask.Pos, resolveMask(n.Mask, ps.names))
		}
	case c.Port != nil:
		return positionedAt(c.Port.Port.Pos, resolvePortOp(c.Port.Port))
	case c.Service != nil:
		return checkService(c.Service.Service)
	case c.Protocol != nil:
		if _, ok := ProtocolNumber(c.Protocol.Protocol); !ok && c.Protocol.Protocol != "tcp-udp" {
			return positionedAt(c.Protocol.Pos, fmt.Errorf("unknown protocol %q", c.Protocol.Protocol))
		}
	}
	return nil
}
