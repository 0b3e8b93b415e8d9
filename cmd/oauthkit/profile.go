package main

import (
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strings"

	"github.com/oauthkit/oauthkit"
)

// profile is a saved client configuration. It is stored with mode 0600
// because it may hold the client secret.
type profile struct {
	Issuer           string   `json:"issuer,omitempty"`
	AuthURL          string   `json:"auth_url,omitempty"`
	TokenURL         string   `json:"token_url,omitempty"`
	RevocationURL    string   `json:"revocation_url,omitempty"`
	IntrospectionURL string   `json:"introspection_url,omitempty"`
	DeviceAuthURL    string   `json:"device_auth_url,omitempty"`
	UserInfoURL      string   `json:"userinfo_url,omitempty"`
	ClientID         string   `json:"client_id"`
	ClientSecret     string   `json:"client_secret,omitempty"`
	Scopes           []string `json:"scopes,omitempty"`
	AuthMethod       string   `json:"auth_method,omitempty"`
	KeyFile          string   `json:"key_file,omitempty"`
	Grant            string   `json:"grant,omitempty"`
	// Subject is the sub of jwt-bearer assertions.
	Subject string `json:"subject,omitempty"`
	// Audience is the audience parameter (Auth0 and others).
	Audience string `json:"audience,omitempty"`
	// Resources are resource indicators (RFC 8707).
	Resources []string `json:"resources,omitempty"`
	// Params are further parameters of the authorization and token
	// requests (--param).
	Params url.Values `json:"params,omitempty"`
	// Discovery is the issuer's metadata document as last fetched.
	Discovery *discovery `json:"discovery,omitempty"`
	// senderProfile holds the DPoP and mTLS settings.
	senderProfile

	// discovered says Discovery was fetched in this run.
	discovered bool
}

// setting is one value of a profile and the flag that sets it.
type setting struct {
	flag string
	get  func(*profile) *string
}

// settings are a profile's single-valued settings.
var settings = []setting{
	{"--issuer", func(p *profile) *string { return &p.Issuer }},
	{"--auth-url", func(p *profile) *string { return &p.AuthURL }},
	{"--token-url", func(p *profile) *string { return &p.TokenURL }},
	{"--revocation-url", func(p *profile) *string { return &p.RevocationURL }},
	{"--introspection-url", func(p *profile) *string { return &p.IntrospectionURL }},
	{"--device-auth-url", func(p *profile) *string { return &p.DeviceAuthURL }},
	{"--userinfo-url", func(p *profile) *string { return &p.UserInfoURL }},
	{"--client-id", func(p *profile) *string { return &p.ClientID }},
	{"--auth-method", func(p *profile) *string { return &p.AuthMethod }},
	{"--key-file", func(p *profile) *string { return &p.KeyFile }},
	{"--grant", func(p *profile) *string { return &p.Grant }},
	{"--subject", func(p *profile) *string { return &p.Subject }},
	{"--audience", func(p *profile) *string { return &p.Audience }},
}

// listSetting is a many-valued setting of a profile.
type listSetting struct {
	flag string
	get  func(*profile) *[]string
}

var listSettings = []listSetting{
	{"--scope", func(p *profile) *[]string { return &p.Scopes }},
	{"--resource", func(p *profile) *[]string { return &p.Resources }},
}

// mergeProfile fills the settings of p that no flag gave from saved.
func mergeProfile(p, saved *profile) {
	for _, s := range settings {
		if v := s.get(p); *v == "" {
			*v = *s.get(saved)
		}
	}
	for _, s := range listSettings {
		if v := s.get(p); len(*v) == 0 {
			*v = slices.Clone(*s.get(saved))
		}
	}
	if len(p.Params) == 0 {
		p.Params = cloneValues(saved.Params)
	}
	if p.ClientSecret == "" {
		p.ClientSecret = saved.ClientSecret
	}
	mergeSender(p, saved)
	if p.Issuer == saved.Issuer {
		p.Discovery = saved.Discovery
	}
}

// sameServer reports whether the flags of a new login (given) name the
// client and server of the saved profile, or do not name them at all.
func sameServer(given, saved *profile) bool {
	switch {
	case given.ClientID != "" && given.ClientID != saved.ClientID:
		return false
	case given.Issuer != "":
		return given.Issuer == saved.Issuer
	case saved.Issuer == "" && given.TokenURL != "":
		return given.TokenURL == saved.TokenURL
	}
	return true
}

// server names the profile's server for messages.
func (p *profile) server() string {
	switch {
	case p.Issuer != "":
		return p.Issuer
	case p.TokenURL != "":
		return p.TokenURL
	}
	return "no server"
}

// changes describes how the flags of a new login (given) change the saved
// profile: the flags that set another value, and the saved settings kept
// because no flag gave them.
func changes(given, saved *profile) (changed, kept []string) {
	note := func(flag string, g, s string, secret bool) {
		switch {
		case g != "" && g != s:
			changed = append(changed, flag)
		case g == "" && s != "" && secret:
			kept = append(kept, "the saved client secret")
		case g == "" && s != "":
			kept = append(kept, flag+" "+s)
		}
	}
	for _, st := range settings {
		note(st.flag, *st.get(given), *st.get(saved), false)
	}
	for _, st := range listSettings {
		note(st.flag, strings.Join(*st.get(given), " "), strings.Join(*st.get(saved), " "), false)
	}
	note("--param", encodeParams(given.Params), encodeParams(saved.Params), false)
	note("the client secret", given.ClientSecret, saved.ClientSecret, true)
	sc, sk := senderChanges(given, saved)
	return append(changed, sc...), append(kept, sk...)
}

func encodeParams(v url.Values) string { return strings.ReplaceAll(v.Encode(), "&", " ") }

func cloneValues(v url.Values) url.Values {
	if v == nil {
		return nil
	}
	out := make(url.Values, len(v))
	for k, vs := range v {
		out[k] = slices.Clone(vs)
	}
	return out
}

// parseParams parses --param k=v values.
func parseParams(in []string) (url.Values, error) {
	if len(in) == 0 {
		return nil, nil
	}
	v := url.Values{}
	for _, kv := range in {
		k, val, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return nil, usageError{fmt.Errorf("--param %q: want NAME=VALUE", kv)}
		}
		v.Add(k, val)
	}
	return v, nil
}

// extraParams are the parameters every authorization, device and token
// request of the profile adds: audience, resource and --param.
func (p *profile) extraParams() url.Values {
	v := cloneValues(p.Params)
	if v == nil {
		v = url.Values{}
	}
	if p.Audience != "" {
		v.Add("audience", p.Audience)
	}
	v["resource"] = append(v["resource"], p.Resources...)
	if len(v["resource"]) == 0 {
		delete(v, "resource")
	}
	return v
}

// requestParams are extraParams as options.
func (p *profile) requestParams() []oauthkit.BothOption {
	v := p.extraParams()
	var opts []oauthkit.BothOption
	for _, k := range slices.Sorted(maps.Keys(v)) {
		for _, val := range v[k] {
			opts = append(opts, oauthkit.WithParam(k, val))
		}
	}
	return opts
}

// tokenOptions are the options of every token request of the profile.
func (p *profile) tokenOptions() []oauthkit.TokenOption {
	var opts []oauthkit.TokenOption
	for _, o := range p.requestParams() {
		opts = append(opts, o)
	}
	return opts
}

// authOptions are the options of the profile's authorization requests.
func (p *profile) authOptions() []oauthkit.AuthURLOption {
	var opts []oauthkit.AuthURLOption
	for _, o := range p.requestParams() {
		opts = append(opts, o)
	}
	return opts
}

func splitScopes(in []string) []string {
	var out []string
	for _, s := range in {
		for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == ',' }) {
			if !slices.Contains(out, f) {
				out = append(out, f)
			}
		}
	}
	return out
}
