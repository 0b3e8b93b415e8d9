package main

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/oauthkit/oauthkit"
)

// tokenView is the JSON form of a token on stdout: secrets shortened
// unless --show-secrets, times absolute and relative.
type tokenView struct {
	AccessToken  string         `json:"access_token"`
	TokenType    string         `json:"token_type,omitempty"`
	ExpiresAt    string         `json:"expires_at,omitempty"`
	ExpiresIn    int64          `json:"expires_in,omitempty"`
	RefreshToken string         `json:"refresh_token,omitempty"`
	Scope        string         `json:"scope,omitempty"`
	IDToken      string         `json:"id_token,omitempty"`
	Profile      string         `json:"profile,omitempty"`
	Extra        map[string]any `json:"extra,omitempty"`
}

// tokenView shortens the secrets of tok unless --show-secrets; with
// fullAccess the access token is kept whole.
func (a *app) tokenView(tok *oauthkit.Token, profile string, now time.Time, fullAccess bool) tokenView {
	red := redactor{show: a.showSecrets}
	access := tok.AccessToken
	if !fullAccess {
		access = red.short(access)
	}
	v := tokenView{
		AccessToken: access, TokenType: tok.TokenType,
		RefreshToken: red.short(tok.RefreshToken), Scope: tok.Scope,
		IDToken: red.short(tok.IDToken), Profile: profile,
	}
	if len(tok.Extra) > 0 {
		v.Extra = red.value(tok.Extra).(map[string]any)
	}
	if !tok.ExpiresAt.IsZero() {
		v.ExpiresAt = tok.ExpiresAt.Local().Format(time.RFC3339)
		v.ExpiresIn = int64(tok.ExpiresAt.Sub(now).Round(time.Second) / time.Second)
	}
	return v
}

// printToken writes tok to stdout in the --output format. The env and
// header formats exist to hand the token to another program, so they
// carry it in full; json and text shorten secrets unless --show-secrets,
// and the access token unless fullAccess ("oauthkit token", whose purpose
// is to hand it over).
func (a *app) printToken(tok *oauthkit.Token, profile string, fullAccess bool) error {
	now := time.Now()
	switch a.output {
	case outputEnv:
		return printEnv(a.stdout, tok)
	case outputHeader:
		_, err := fmt.Fprintf(a.stdout, "Authorization: %s %s\n", tokenScheme(tok), tok.AccessToken)
		return err
	case outputText:
		v := a.tokenView(tok, profile, now, fullAccess)
		w := a.stdout
		fmt.Fprintf(w, "access_token:  %s\n", v.AccessToken)
		fmt.Fprintf(w, "token_type:    %s\n", v.TokenType)
		if v.ExpiresAt != "" {
			fmt.Fprintf(w, "expires_at:    %s (%s)\n", v.ExpiresAt, relative(tok.ExpiresAt, now))
		}
		for _, kv := range [][2]string{{"refresh_token", v.RefreshToken}, {"scope", v.Scope}, {"id_token", v.IDToken}, {"profile", v.Profile}} {
			if kv[1] != "" {
				fmt.Fprintf(w, "%-14s %s\n", kv[0]+":", kv[1])
			}
		}
		return nil
	}
	return writeJSON(a.stdout, a.tokenView(tok, profile, now, fullAccess))
}

// warn writes a warning line to stderr.
func (a *app) warn(format string, args ...any) {
	fmt.Fprintf(a.stderr, "oauthkit: warning: "+format+"\n", args...)
}

func printEnv(w io.Writer, tok *oauthkit.Token) error {
	lines := []string{"OAUTHKIT_ACCESS_TOKEN=" + shellQuote(tok.AccessToken), "OAUTHKIT_TOKEN_TYPE=" + shellQuote(tok.TokenType)}
	if !tok.ExpiresAt.IsZero() {
		lines = append(lines, "OAUTHKIT_EXPIRES_AT="+strconv.FormatInt(tok.ExpiresAt.Unix(), 10))
	}
	if tok.Scope != "" {
		lines = append(lines, "OAUTHKIT_SCOPE="+shellQuote(tok.Scope))
	}
	_, err := fmt.Fprintln(w, strings.Join(lines, "\n"))
	return err
}

// tokenScheme is the Authorization scheme of tok: Bearer unless the server
// named another type.
func tokenScheme(tok *oauthkit.Token) string {
	if tok.TokenType == "" || strings.EqualFold(tok.TokenType, "bearer") {
		return "Bearer"
	}
	return tok.TokenType
}

func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// relative describes t relative to now: "in 59m", "3h ago".
func relative(t, now time.Time) string {
	d := t.Sub(now).Round(time.Second)
	if d >= 0 {
		return "in " + shortDuration(d)
	}
	// Sub saturates; the negation of the smallest Duration overflows.
	return shortDuration(-max(d, -math.MaxInt64)) + " ago"
}

func shortDuration(d time.Duration) string {
	switch {
	case d >= 48*time.Hour:
		return fmt.Sprintf("%dd", d/(24*time.Hour))
	case d >= time.Hour:
		return strings.TrimSuffix(d.Round(time.Minute).String(), "0s")
	}
	return d.String()
}
