// Package xoauth2 adapts oauthkit to [golang.org/x/oauth2] and back, for
// libraries that take an [oauth2.TokenSource] (Google's API clients, for
// instance) and for tokens that come from one.
//
// [TokenSource] turns an [oauthkit.Session] into an oauth2.TokenSource
// whose tokens are renewed by the session; [FromTokenSource] turns an
// oauth2.TokenSource into a [Source] of oauthkit tokens and authorized
// HTTP clients; [ToOAuth2] and [FromOAuth2] convert single tokens.
//
// It is a package of its own so that importing oauthkit does not import
// golang.org/x/oauth2.
package xoauth2
