package wire

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestExtraMembers_roundTrip(t *testing.T) {
	t.Parallel()
	data := []byte(`{"a":1,"b":"x","c":{"d":[true]},"e":null}`)
	extra, err := ExtraMembers(data, []string{"a"}, []string{"b"})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"c": map[string]any{"d": []any{true}}, "e": nil}
	if diff := cmp.Diff(want, extra); diff != "" {
		t.Errorf("ExtraMembers (-want +got):\n%s", diff)
	}
	if none, err := ExtraMembers([]byte(`{"a":1}`), []string{"a"}); err != nil || none != nil {
		t.Errorf("ExtraMembers of known members only = %v, %v; want nil", none, err)
	}
	if _, err := ExtraMembers([]byte(`[1]`)); err == nil {
		t.Error("ExtraMembers of an array: no error")
	}
	b, err := AddMembers([]byte(`{"a":1,"c":"kept"}`), map[string]any{"c": "not added", "z": 2})
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	_ = json.Unmarshal(b, &got)
	if diff := cmp.Diff(map[string]any{"a": 1.0, "c": "kept", "z": 2.0}, got); diff != "" {
		t.Errorf("AddMembers (-want +got):\n%s", diff)
	}
}
