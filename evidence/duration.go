package evidence

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/asaaudit/asaaudit/parser"
)

// durationUnit returns the unit of the ASA's compact durations ("8m18s", "2h0m", "1Y25D")
// that b names (a switch, not a map: every connection line has three durations).
func durationUnit(b byte) (time.Duration, bool) {
	switch b {
	case 'Y':
		return 365 * 24 * time.Hour, true
	case 'D', 'd':
		return 24 * time.Hour, true
	case 'h':
		return time.Hour, true
	case 'm':
		return time.Minute, true
	case 's':
		return time.Second, true
	}
	return 0, false
}

// maxDuration bounds a parsed duration far above any ASA value (about 11 years) and far
// below the overflow of time.Duration.
const maxDuration = 100000 * time.Hour

// ParseDuration reads a duration the way the ASA prints one: compact ("1s", "1m0s",
// "8m18s", "2h0m", "3D4h", "1Y25D", years counted as 365 days) as "show conn long" and
// "show conn detail" print idle, uptime and timeout, or H:MM:SS ("0:01:00") as
// "show conn" and older releases print idle.
func ParseDuration(s string) (time.Duration, error) {
	if strings.Contains(s, ":") {
		return parser.ParseHMS(s)
	}
	if s == "" {
		return 0, fmt.Errorf("empty duration")
	}
	var d time.Duration
	for i := 0; i < len(s); {
		j := i
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		if j == i || j == len(s) {
			return 0, fmt.Errorf("%q is not a duration (want e.g. 1m0s or 0:01:00)", s)
		}
		unit, ok := durationUnit(s[j])
		if !ok {
			return 0, fmt.Errorf("%q is not a duration: unknown unit %q", s, s[j])
		}
		n, err := strconv.ParseInt(s[i:j], 10, 64)
		if err != nil || n > int64(maxDuration/unit) {
			return 0, fmt.Errorf("%q is too long a duration", s)
		}
		d += time.Duration(n) * unit
		if d > maxDuration {
			return 0, fmt.Errorf("%q is too long a duration", s)
		}
		i = j + 1
	}
	return d, nil
}

// FormatDuration writes d the way "show conn long" does for values below a day ("1m0s",
// "8m18s", "2h0m": hours with minutes, else minutes with seconds) and as days and hours above.
func FormatDuration(d time.Duration) string {
	d = d.Round(time.Second)
	switch {
	case d >= 24*time.Hour:
		return fmt.Sprintf("%dD%dh", d/(24*time.Hour), d%(24*time.Hour)/time.Hour)
	case d >= time.Hour:
		return fmt.Sprintf("%dh%dm", d/time.Hour, d%time.Hour/time.Minute)
	case d >= time.Minute:
		return fmt.Sprintf("%dm%ds", d/time.Minute, d%time.Minute/time.Second)
	}
	return fmt.Sprintf("%ds", d/time.Second)
}
