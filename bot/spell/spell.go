// Package spell measures how far apart two words are, so that messages can
// suggest what the user probably meant ("did you mean digest.schedule?").
package spell

// Distance returns the optimal-string-alignment distance between a and b,
// in runes: insertions, deletions, substitutions and swaps of two adjacent
// runes each cost 1 ("hlep" is one edit from "help").
func Distance(a, b string) int {
	ar, br := []rune(a), []rune(b)
	prev2 := make([]int, len(br)+1) // row i-2
	prev := make([]int, len(br)+1)  // row i-1
	cur := make([]int, len(br)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ar); i++ {
		cur[0] = i
		for j := 1; j <= len(br); j++ {
			cost := 1
			if ar[i-1] == br[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ar[i-1] == br[j-2] && ar[i-2] == br[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(br)]
}
