// Package assertion is the JWT-bearer authorization grant of RFC 7523
// section 2.1 (Authlib's AssertionSession): a client that holds a private
// key signs a short-lived JWT assertion and exchanges it for an access
// token, with no user and no redirect. It also reads Google-style
// service-account JSON files.
//
// [NewSession] returns an [oauthkit.Session] that fetches its token by
// itself on first use and again before it expires, each time with a
// freshly signed assertion (new iat, exp and jti):
//
//	sa, err := assertion.ParseServiceAccount(jsonFile)
//	cfg, err := sa.Config("https://www.googleapis.com/auth/analytics.readonly")
//	s, err := assertion.NewSession(cfg)
//	resp, err := s.Get(ctx, "https://analyticsreporting.googleapis.com/...")
//
// [JWTBearer] is the grant alone, for an [oauthkit.Config] built by hand.
//
// Private keys are redacted wherever a Config or ServiceAccount is
// printed or logged.
package assertion
