// Package names finds the known name closest to a mistyped one, for "did you mean"
// suggestions in configuration errors and fixes.
package names

// Closest returns the candidate nearest to want after norm is applied to both (nil norm
// compares as written), if it is at most maxEdits edits away; else "".
func Closest(want string, candidates []string, maxEdits int, norm func(string) string) string {
	if norm == nil {
		norm = func(s string) string { return s }
	}
	best, bestD := "", maxEdits+1
	w := norm(want)
	for _, c := range candidates {
		n := norm(c)
		if abs(len(n)-len(w)) >= bestD {
			continue // the distance is at least the difference in length
		}
		if d := Distance(w, n); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

// Distance is the Levenshtein distance between a and b (bytes).
func Distance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
