package oauthtest

import (
	"html"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// formPostScriptHash is the CSP hash of formPostScript.
const formPostScriptHash = "'sha256-ePniVEkSivX/c7XWBGafqh8tSpiRrKiqYeqbG7N1TOE='"

// formPostScript submits the page's form once it is loaded.
const formPostScript = `document.forms[0].submit()`

// writeFormPost answers with an HTML page that makes the user agent POST
// params to redirectURI (OAuth 2.0 Form Post Response Mode §2): a form of
// hidden fields, submitted by a script, with a button for user agents
// without scripts.
//
// https://openid.net/specs/oauth-v2-form-post-response-mode-1_0.html
func writeFormPost(w http.ResponseWriter, redirectURI string, params url.Values) {
	var b strings.Builder
	b.WriteString("<!DOCTYPE html>\n<title>Submit this form</title>\n<form method=\"post\" action=\"")
	b.WriteString(html.EscapeString(redirectURI))
	b.WriteString("\">\n")
	for _, k := range slices.Sorted(maps.Keys(params)) {
		for _, v := range params[k] {
			b.WriteString(`<input type="hidden" name="` + html.EscapeString(k) + `" value="` + html.EscapeString(v) + "\">\n")
		}
	}
	b.WriteString("<noscript><button>Continue</button></noscript>\n</form>\n<script>" + formPostScript + "</script>\n")
	noStore(w)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; script-src "+formPostScriptHash)
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte(b.String()))
}
