package wire

import (
	"encoding/json"
	"slices"
)

// ExtraMembers returns the members of the JSON object data whose names are
// not in known, decoded by encoding/json, or nil when there are none: the
// Extra of a struct that keeps the members it has no field for.
func ExtraMembers(data []byte, known ...[]string) (map[string]any, error) {
	var all map[string]json.RawMessage
	if err := json.Unmarshal(data, &all); err != nil {
		return nil, err
	}
	for _, k := range slices.Concat(known...) {
		delete(all, k)
	}
	if len(all) == 0 {
		return nil, nil
	}
	extra := make(map[string]any, len(all))
	for k, raw := range all {
		var v any
		_ = json.Unmarshal(raw, &v) // raw is valid JSON: it was just decoded
		extra[k] = v
	}
	return extra, nil
}

// AddMembers adds the members of extra that the JSON object b lacks, and
// returns the object encoded again; b as is when extra is empty.
func AddMembers(b []byte, extra map[string]any) ([]byte, error) {
	if len(extra) == 0 {
		return b, nil
	}
	var all map[string]any
	if err := json.Unmarshal(b, &all); err != nil {
		return nil, err
	}
	for k, v := range extra {
		if _, ok := all[k]; !ok {
			all[k] = v
		}
	}
	return json.Marshal(all)
}
