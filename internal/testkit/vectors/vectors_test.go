package vectors

import "testing"

func TestLoad(t *testing.T) {
	v := Load()
	if len(v.Basic) < 4 || len(v.Bearer) < 1 || len(v.Statuses) < 9 {
		t.Errorf("vectors.json is missing entries: %+v", v)
	}
	for _, b := range v.Basic {
		if b.User == "" || b.Pass == "" || b.Header == "" {
			t.Errorf("an incomplete vector: %+v", b)
		}
	}
}
