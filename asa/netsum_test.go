package asa

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/asaaudit/asaaudit/internal/corpus"
)

// summaryShapes are object and object-group shapes around the ones the parse summarises:
// each set resolved from a summary is the set reading the lines gives, with the same
// unknown members and messages.
const summaryShapes = `hostname fw
name 10.7.7.7 pbx
object network H
 host 10.0.0.1
object network S
 subnet 10.1.0.0 255.255.0.0
 description the sub net
object network R
 range 10.2.0.1 10.2.0.9
object network E
 description no value yet
object network TWICE
 host 10.3.0.1
 host 10.3.0.2
object network NAMED
 host pbx
object network V6
 subnet 2001:db8::/32
object network FQ
 fqdn sip.example.net
object network BAD
 subnet 10.4.0.0 255.0.255.0
object service SV
 service udp destination eq 5060
object-group network G1
 description plain members
 network-object host 10.0.0.9
 network-object 10.5.0.0 255.255.255.0
 network-object object H
 network-object object S
 network-object object E
object-group network G2
 group-object G1
 network-object object R
 network-object 10.5.0.128 255.255.255.128
object-group network G3
 group-object G2
 network-object host pbx
object-group network G4
 network-object object SV
object-group network G5
 network-object object NOPE
object-group network G6
 group-object NOPE
object-group network G7
 network-object 2001:db8:1::/48
 group-object G2
object-group network G8
 network-object host 10.8.0.1
object-group network CYC1
 group-object G8
object-group network G8
 group-object CYC1
object-group network G9
 group-object CYC1
object-group network G10
 network-object object FQ
 network-object object NAMED
 network-object object TWICE
object-group network G11
 network-object 10.9.0.0 255.255.0.255
object-group network G12
 group-object G1
 group-object G1
 network-object host 0.0.0.0
 network-object 0.0.0.0 0.0.0.0
object-group service GS udp
 port-object eq 5060
object-group network G13
 group-object GS
object network LATE
 host 10.10.0.1
object-group network G14
 network-object object LATE
object network LATE
 host 10.10.0.2
object-group network G15
 network-object object LATER
object network LATER
 host 10.11.0.1
object-group network EMPTY
object network NATTED
 host 10.12.0.1
object-group network G16
 network-object object NATTED
 network-object host 10.12.0.9
object-group network G17
 network-object host 10.13.0.1
object network NATTED
 nat (inside,outside) dynamic interface
object-group network G16
 network-object host 10.12.0.10
object-group network G17
 network-object host 10.13.0.2
object network NATTED
 host 10.12.0.2
object-group network G18
 network-object object NATTED
`

var blockName = regexp.MustCompile(`(?m)^(object|object-group) \S+ (\S+)`)

// sameSets compares every object and object-group of src resolved with and without the
// summaries, and returns how many were summarised.
func sameSets(t *testing.T, name, src string) (summarised int) {
	t.Helper()
	with, without := model(t, src), model(t, src)
	with.initPath()
	without.initPath()
	ps := with.aclPaths()
	if ps == nil {
		return 0
	}
	for _, m := range blockName.FindAllStringSubmatch(src, -1) {
		resolve := func(x *Model) *addrSet { return x.objectSet(m[2]) }
		_, ok := ps.NetObject(m[2])
		if m[1] == "object-group" {
			resolve = func(x *Model) *addrSet { return x.groupSet(m[2]) }
			_, ok = ps.NetGroup(m[2])
		}
		if ok {
			summarised++
		}
		summaries = true
		got := fmt.Sprintf("%+v", *resolve(with))
		summaries = false
		want := fmt.Sprintf("%+v", *resolve(without))
		summaries = true
		if got != want {
			t.Errorf("%s: %s %s: with the summary (%v) %s, reading the lines %s", name, m[1], m[2], ok, got, want)
		}
	}
	return summarised
}

func TestSummariesKeepSets(t *testing.T) {
	if n := sameSets(t, "shapes", summaryShapes); n < 10 {
		t.Errorf("only %d blocks of the shapes were summarised", n)
	}
	files, _ := filepath.Glob("../fixtures/*.txt")
	files = append(files, corpus.ASA(t)...)
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		sameSets(t, filepath.Base(f), string(b))
	}
}

// What the parse summarises of the shapes: plain literals and objects and groups defined
// before; not names, IPv6, FQDNs, bad masks, service objects, undefined or later names,
// a group entered again after another group's members (G16). An object or group entered
// again keeps its summary (LATE and NATTED, the last value winning; G17, whose members
// still follow each other). A group naming an object or group that is not summarised (G10),
// or stops being so (G14, CYC1, G9), is summarised but resolved from its lines
// (TestSummariesKeepSets).
func TestSummaryShapes(t *testing.T) {
	m := model(t, summaryShapes)
	ps := m.aclPaths()
	var got []string
	for _, x := range blockName.FindAllStringSubmatch(summaryShapes, -1) {
		_, ok := ps.NetObject(x[2])
		if x[1] == "object-group" {
			_, ok = ps.NetGroup(x[2])
		}
		if ok && !strings.Contains(strings.Join(got, " "), x[2]+" ") {
			got = append(got, x[2]+" ")
		}
	}
	want := "H S R E TWICE G1 G2 CYC1 G9 G10 G12 LATE G14 LATER EMPTY NATTED G17 G18 "
	if s := strings.Join(got, ""); s != want {
		t.Errorf("summarised %q, want %q", s, want)
	}
}

// Groups whose members run past a page of the summary (parser.memberPage), or are more
// than a page holds, resolve as reading their lines does.
func TestSummaryPages(t *testing.T) {
	var b strings.Builder
	b.WriteString("hostname fw\n")
	k := 0
	for g, n := range []int{3000, 2000, 9000, 1, 4095, 2} {
		fmt.Fprintf(&b, "object-group network P%d\n", g)
		for range n {
			fmt.Fprintf(&b, " network-object host 10.%d.%d.%d\n", k>>16&255, k>>8&255, k&255)
			k += 3
		}
		if g > 0 {
			fmt.Fprintf(&b, " group-object P%d\n", g-1)
		}
	}
	if n := sameSets(t, "pages", b.String()); n != 6 {
		t.Errorf("%d of 6 groups summarised", n)
	}
}
