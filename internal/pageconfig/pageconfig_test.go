package pageconfig

import (
	"bytes"
	"encoding/json"
	"os"
	"reflect"
	"testing"
)

// TestShipped: web/config.json is Shipped, field for field.
func TestShipped(t *testing.T) {
	b, err := os.ReadFile("../../web/config.json")
	if err != nil {
		t.Fatal(err)
	}
	var got Config
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&got); err != nil {
		t.Fatalf("web/config.json: %v", err)
	}
	if !reflect.DeepEqual(got, Shipped) {
		t.Errorf("web/config.json is %+v, want %+v", got, Shipped)
	}
}
