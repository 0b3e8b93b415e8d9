// Package interop holds oauthkit's interoperability tests against a real,
// OpenID Certified authorization server: the npm package oidc-provider, run on
// Node.js from provider/server.mjs and bound to 127.0.0.1.
//
// The tests are behind the build tag "interop", so that go test ./... stays
// hermetic. To run them:
//
//	cd interop/provider && npm ci
//	go test -race -tags interop ./interop/
//
// See README.md for the flows covered.
package interop
