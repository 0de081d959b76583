package parser

import (
	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
)

// The quick readers below read the commonest shapes of the path lines a large
// configuration is made of without the grammar, which costs a parser run and its
// allocations per line. Each gives what the grammar gives, positions included (the tests
// of quick.go compare them), and reports false for any other shape, which the grammar
// then reads.

// quickOr reads a line with quick, or with grammar g when quick does not read its shape.
func quickOr[T any](quick func(file string, num int, text string) (*T, bool), g *participle.Parser[T], file string, num int, text string) (*T, error) {
	if x, ok := quick(file, num, text); ok {
		return x, nil
	}
	return parseLine(g, file, num, text)
}

// quickWords lexes a line and returns its tokens without the EOF, false when a token from
// from on is not a word or a number.
func quickWords(file string, num int, text string, from int) ([]lexer.Token, bool) {
	toks := lexLine(file, num, text)
	toks = toks[:len(toks)-1]
	for i := from; i < len(toks); i++ {
		if t := toks[i].Type; t != tokWord && t != tokNumber {
			return nil, false
		}
	}
	return toks, true
}

func quickAddress(t lexer.Token) *Address { return &Address{Pos: t.Pos, Raw: t.Value} }

// quickDescription reads "description WORD...", with at least one word: the grammar reads
// times among them too.
func quickDescription(toks []lexer.Token) (*Description, bool) {
	if len(toks) < 2 || toks[0].Value != "description" {
		return nil, false
	}
	d := &Description{Pos: toks[0].Pos, Text: make([]string, 0, len(toks)-1)}
	for _, t := range toks[1:] {
		d.Text = append(d.Text, t.Value)
	}
	return d, true
}

// quickName reads "name A NAME [description WORD...]".
func quickName(file string, num int, text string) (*Name, bool) {
	toks := lexLine(file, num, text)
	toks = toks[:len(toks)-1]
	if len(toks) < 3 || len(toks) == 4 || toks[0].Value != "name" {
		return nil, false
	}
	for _, t := range toks[1:3] {
		if t.Type != tokWord && t.Type != tokNumber {
			return nil, false
		}
	}
	n := &Name{Pos: toks[0].Pos, Address: quickAddress(toks[1]), Name: toks[2].Value}
	if len(toks) > 3 {
		if toks[3].Value != "description" {
			return nil, false
		}
		n.Description = make([]string, 0, len(toks)-4)
		for _, t := range toks[4:] {
			n.Description = append(n.Description, t.Value)
		}
	}
	return n, true
}

// quickObjectHeader reads "object KIND NAME".
func quickObjectHeader(file string, num int, text string) (*objectHeader, bool) {
	toks, ok := quickWords(file, num, text, 1)
	if !ok || len(toks) != 3 || toks[0].Value != "object" || toks[1].Type != tokWord {
		return nil, false
	}
	return &objectHeader{Pos: toks[0].Pos, Kind: toks[1].Value, Name: toks[2].Value}, true
}

// quickGroupHeader reads "object-group KIND NAME [tcp|udp|tcp-udp]".
func quickGroupHeader(file string, num int, text string) (*groupHeader, bool) {
	toks, ok := quickWords(file, num, text, 1)
	if !ok || len(toks) < 3 || len(toks) > 4 || toks[0].Value != "object-group" || toks[1].Type != tokWord {
		return nil, false
	}
	h := &groupHeader{Pos: toks[0].Pos, Kind: toks[1].Value, Name: toks[2].Value}
	if len(toks) == 4 {
		switch p := toks[3].Value; p {
		case "tcp", "udp", "tcp-udp":
			h.Protocol = p
		default:
			return nil, false
		}
	}
	return h, true
}

// quickObjectChild reads "host A [M]", "subnet A [M]", "range A B" and "description
// WORD..." below an object.
func quickObjectChild(file string, num int, text string) (*objectChild, bool) {
	toks := lexLine(file, num, text)
	toks = toks[:len(toks)-1]
	if len(toks) == 0 {
		return nil, false
	}
	if d, ok := quickDescription(toks); ok {
		return &objectChild{Description: d}, true
	}
	for _, t := range toks[1:] {
		if t.Type != tokWord && t.Type != tokNumber {
			return nil, false
		}
	}
	switch {
	case len(toks) == 3 && toks[0].Value == "range":
		return &objectChild{Range: &ObjectRange{Pos: toks[0].Pos, From: quickAddress(toks[1]), To: quickAddress(toks[2])}}, true
	case len(toks) < 2 || len(toks) > 3:
		return nil, false
	}
	var mask *Address
	if len(toks) == 3 {
		mask = quickAddress(toks[2])
	}
	switch toks[0].Value {
	case "host":
		return &objectChild{Host: &ObjectHost{Pos: toks[0].Pos, Address: quickAddress(toks[1]), Mask: mask}}, true
	case "subnet":
		return &objectChild{Subnet: &ObjectSubnet{Pos: toks[0].Pos, Address: quickAddress(toks[1]), Mask: mask}}, true
	}
	return nil, false
}

// quickPortOp reads "eq|neq|lt|gt P" or "range A B", the whole of toks, words and numbers.
func quickPortOp(toks []lexer.Token) (*PortOp, bool) {
	port := func(t lexer.Token) *Port { return &Port{Pos: t.Pos, Raw: t.Value} }
	switch op := toks[0].Value; {
	case len(toks) == 2 && (op == "eq" || op == "neq" || op == "lt" || op == "gt"):
		return &PortOp{Pos: toks[0].Pos, Op: op, Port: port(toks[1])}, true
	case len(toks) == 3 && op == "range":
		return &PortOp{Pos: toks[0].Pos, Range: true, From: port(toks[1]), To: port(toks[2])}, true
	}
	return nil, false
}
