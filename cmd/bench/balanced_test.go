package main

import "testing"

// TestBalanced: in the orders the per-call blocks run in, every kind runs
// first equally often and follows every other kind equally often: once
// for an even number of kinds, twice for an odd one.
func TestBalanced(t *testing.T) {
	for _, n := range []int{2, 3, 4, 5, 6, 7} {
		times := 1 + n%2 // each pair once; twice for an odd n
		rows := balanced(n)
		first := map[int]int{}
		follows := map[[2]int]int{}
		for _, row := range rows {
			first[row[0]]++
			seen := map[int]bool{}
			for j, v := range row {
				if seen[v] {
					t.Fatalf("n=%d: %v repeats %d", n, row, v)
				}
				seen[v] = true
				if j > 0 {
					follows[[2]int{row[j-1], v}]++
				}
			}
		}
		for a := 0; a < n; a++ {
			if first[a] != times {
				t.Errorf("n=%d: %d runs first %d times in %v", n, a, first[a], rows)
			}
			for b := 0; b < n; b++ {
				if a != b && follows[[2]int{a, b}] != times {
					t.Errorf("n=%d: %d follows %d %d times in %v", n, b, a, follows[[2]int{a, b}], rows)
				}
			}
		}
	}
}
