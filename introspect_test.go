package oauthkit

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestSession_Introspect(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		body string
		want *Introspection
	}{
		{"full", `{"active":true,"scope":"read write","client_id":"c1","username":"jdoe","token_type":"Bearer",
			"exp":1700003600,"iat":1700000000,"nbf":"1700000000","sub":"u1","aud":["api","web"],"iss":"https://as.example",
			"jti":"j1","tenant":"t","level":2}`,
			&Introspection{Active: true, Scope: "read write", ClientID: "c1", Username: "jdoe", TokenType: "Bearer",
				ExpiresAt: time.Unix(1700003600, 0), IssuedAt: time.Unix(1700000000, 0), NotBefore: time.Unix(1700000000, 0),
				Subject: "u1", Audience: []string{"api", "web"}, Issuer: "https://as.example", JWTID: "j1",
				Extra: map[string]any{"tenant": "t", "level": int64(2)}}},
		{"inactive", `{"active":false}`, &Introspection{}},
		{"audience string", `{"active":true,"aud":"api"}`, &Introspection{Active: true, Audience: []string{"api"}}},
		{"active string", `{"active":"true","exp":"1700003600"}`, &Introspection{Active: true, ExpiresAt: time.Unix(1700003600, 0)}},
		{"scope array", `{"active":true,"scope":["a","b"]}`, &Introspection{Active: true, Scope: "a b"}},
		{"nulls", `{"active":true,"sub":null,"exp":null,"aud":null}`, &Introspection{Active: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newFake(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.Write([]byte(tt.body))
			})
			s := mustSession(t, Config{ClientSecret: "secret", IntrospectionURL: srv.URL})
			s.SetToken(heldToken())
			got, err := s.Introspect(t.Context(), "")
			if err != nil {
				t.Fatalf("Introspect: %v", err)
			}
			if diff := cmp.Diff(tt.want, got, cmpopts.IgnoreFields(Introspection{}, "Raw")); diff != "" {
				t.Errorf("Introspect (-want +got):\n%s", diff)
			}
			want := url.Values{"token": {"at"}, "token_type_hint": {"access_token"}}
			if diff := cmp.Diff(want, srv.last(t).Form); diff != "" {
				t.Errorf("form (-want +got):\n%s", diff)
			}
			if s.Token() == nil {
				t.Error("Introspect cleared the session's token")
			}
		})
	}
}

func TestSession_Introspect_options(t *testing.T) {
	t.Parallel()
	srv := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]any{"active": true})
	})
	s := mustSession(t, Config{ClientSecret: "secret", IntrospectionURL: "https://as.example/unused"})
	s.SetToken(heldToken())
	_, err := s.Introspect(t.Context(), "rt", WithEndpointURL(srv.URL+"/i"), WithEndpointParam("resource", "r"))
	if err != nil {
		t.Fatalf("Introspect: %v", err)
	}
	req := srv.last(t)
	want := url.Values{"token": {"rt"}, "token_type_hint": {"refresh_token"}, "resource": {"r"}}
	if diff := cmp.Diff(want, req.Form); diff != "" {
		t.Errorf("form (-want +got):\n%s", diff)
	}
	if req.URL.Path != "/i" {
		t.Errorf("path = %q; want /i", req.URL.Path)
	}
	if u, p, ok := basicAuthOf(req.Header); !ok || u != "client" || p != "secret" {
		t.Errorf("basic auth = %q, %q, %t; want client, secret", u, p, ok)
	}
}

func TestSession_Introspect_errors(t *testing.T) {
	t.Parallel()
	shape := func(name, body string) endpointErrorCase {
		return endpointErrorCase{name: name, status: 200, ct: "application/json", body: body,
			wantErr: ErrInvalidIntrospection, wantResp: true}
	}
	cases := append([]endpointErrorCase{
		shape("no active", `{"scope":"x"}`),
		shape("active number", `{"active":1}`),
		shape("active junk string", `{"active":"yes"}`),
		shape("aud number", `{"active":true,"aud":3}`),
		shape("aud array of numbers", `{"active":true,"aud":[3]}`),
		shape("exp not numeric", `{"active":true,"exp":"soon"}`),
		shape("sub object", `{"active":true,"sub":{}}`),
		shape("scope array of numbers", `{"active":true,"scope":[1]}`),
		{name: "json array", status: 200, ct: "application/json", body: `[{"active":true}]`, wantResp: true},
	}, commonErrorCases...)
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newFake(t, func(w http.ResponseWriter, r *http.Request) { tt.serve(w) })
			s := mustSession(t, Config{IntrospectionURL: srv.URL})
			got, err := s.Introspect(t.Context(), "tok")
			if got != nil {
				t.Errorf("Introspect = %v; want nil with an error", got)
			}
			tt.check(t, endpointIntrospection, err)
		})
	}
}

func TestSession_Introspect_noEndpointNoToken(t *testing.T) {
	t.Parallel()
	s := mustSession(t, Config{})
	if _, err := s.Introspect(t.Context(), "tok"); !errors.Is(err, ErrNoEndpoint) {
		t.Errorf("Introspect without endpoint = %v; want ErrNoEndpoint", err)
	}
	s = mustSession(t, Config{IntrospectionURL: "https://as.example/i"})
	if _, err := s.Introspect(t.Context(), ""); !errors.Is(err, ErrNoToken) {
		t.Errorf("Introspect without token = %v; want ErrNoToken", err)
	}
}

func TestSession_Introspect_hooks(t *testing.T) {
	t.Parallel()
	runHookTest(t, func(s *Session, hooks []func(*http.Request) error, u string) error {
		s.cfg.Hooks.IntrospectTokenRequest = hooks
		_, err := s.Introspect(t.Context(), "x", WithEndpointURL(u))
		return err
	})
}

func TestIntrospection_ActiveAt(t *testing.T) {
	t.Parallel()
	now := time.Unix(1700000000, 0)
	tests := []struct {
		name string
		in   *Introspection
		want bool
	}{
		{"nil", nil, false},
		{"inactive", &Introspection{}, false},
		{"active no times", &Introspection{Active: true}, true},
		{"expired", &Introspection{Active: true, ExpiresAt: now}, false},
		{"not yet", &Introspection{Active: true, NotBefore: now.Add(time.Second)}, false},
		{"in bounds", &Introspection{Active: true, NotBefore: now, ExpiresAt: now.Add(time.Second)}, true},
	}
	for _, tt := range tests {
		if got := tt.in.ActiveAt(now); got != tt.want {
			t.Errorf("%s: ActiveAt = %t; want %t", tt.name, got, tt.want)
		}
	}
}

func TestIntrospection_String(t *testing.T) {
	t.Parallel()
	in := &Introspection{Active: true, Scope: "read", Subject: "u1", Audience: []string{"api"},
		ExpiresAt: time.Unix(1700000000, 0), Extra: map[string]any{"x": 1}}
	got := in.String()
	want := `oauthkit.Introspection{Active:true Scope:"read" Subject:"u1" Audience:["api"] ExpiresAt:2023-11-14T22:13:20Z Extra:1 members}`
	if got != want {
		t.Errorf("String() = %s\nwant %s", got, want)
	}
	if s := (*Introspection)(nil).String(); !strings.Contains(s, "nil") {
		t.Errorf("nil String() = %q", s)
	}
}

func TestSession_Introspect_raw(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, body string
	}{
		{"aud string", `{"active":true,"aud":"api","scope":"a b","exp":1700003600,"cnf":{"x5t#S256":"abc"}}`},
		{"aud array", `{"active":true,"aud":["api"],"scope":["a","b"],"nbf":"1700000000"}`},
		{"active string", `{"active":"true","ext":{"n":1.5}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newFake(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.Write([]byte(tt.body))
			})
			s := mustSession(t, Config{ClientSecret: "secret", IntrospectionURL: srv.URL})
			got, err := s.Introspect(t.Context(), "at")
			if err != nil {
				t.Fatal(err)
			}
			b, err := json.Marshal(got.Raw)
			if err != nil {
				t.Fatal(err)
			}
			var want, again any
			json.Unmarshal([]byte(tt.body), &want)
			json.Unmarshal(b, &again)
			if diff := cmp.Diff(want, again); diff != "" {
				t.Errorf("json.Marshal(Raw) differs from the answer (-want +got):\n%s", diff)
			}
		})
	}
}
