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

// TestTrimmedMean: the fastest and slowest 5 % are cut, so one stall does
// not move the figure, and the rest counts whole.
func TestTrimmedMean(t *testing.T) {
	v := make([]float64, 100)
	for i := range v {
		v[i] = 5
	}
	v[17], v[60] = 500, 0.1 // a stall and a clock step
	if got := trimmedMean(v); got != 5 {
		t.Errorf("trimmedMean = %v, want 5", got)
	}
	for i := range v {
		v[i] = float64(i)
	}
	if got, want := trimmedMean(v), 49.5; got != want {
		t.Errorf("trimmedMean(0…99) = %v, want %v", got, want)
	}
}
