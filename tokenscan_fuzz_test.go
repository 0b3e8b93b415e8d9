package oauthkit

import (
	"reflect"
	"testing"
)

// FuzzScanPlainToken checks the reflection-free reader of plain token
// answers against encoding/json: whatever the scan accepts, Unmarshal
// accepts and reads the same way.
func FuzzScanPlainToken(f *testing.F) {
	for _, body := range []string{
		`{"access_token":"2YotnFZFEjr1zCsicMWpAA","token_type":"Bearer","expires_in":3600,"refresh_token":"tGzv3JOkF0XG5Qx2TlKWIA","scope":"read"}`,
		` { "access_token" : "a" ,"token_type":"bearer" , "id_token":"x.y.z"} `,
		`{"access_token":"a","token_type":"bearer","expires_in":-0}`,
		`{"access_token":"a","token_type":"bearer","expires_in":0123}`,
		`{"access_token":"a","token_type":"bearer","expires_in":9223372036854775808}`,
		`{"access_token":"a","token_type":"bearer","expires_in":36e2}`,
		`{"access_token":"a\u00e9","token_type":"b\\c"}`,
		`{"access_token":"é","token_type":"\xff"}`,
		`{"access_token":"a","access_token":"b"}`,
		`{"access_token":"a",}`,
		`{"access_token":"a"}x`,
		`{}`,
		`{"scope":null}`,
	} {
		f.Add(body)
	}
	f.Fuzz(func(t *testing.T, body string) {
		fast, ok := scanPlainToken([]byte(body))
		if !ok {
			return
		}
		slow, ok := unmarshalPlainToken([]byte(body))
		if !ok {
			t.Fatalf("scan accepted %q, encoding/json does not", body)
		}
		if !reflect.DeepEqual(fast, slow) {
			t.Fatalf("scan read %+v, encoding/json %+v", fast, slow)
		}
	})
}
