package oidc

import (
	"fmt"
	"slices"
	"strings"
)

// IssuerValidator decides which issuer values are acceptable when a
// provider's issuer is not one fixed string, as with multi-tenant
// providers. It replaces the exact comparison of discovery and of the iss
// claim; it never switches a check off. Implementations must be safe for
// concurrent use.
type IssuerValidator interface {
	// ValidateDiscoveredIssuer checks the issuer named by the metadata
	// document fetched for expected (called only when they differ).
	ValidateDiscoveredIssuer(expected, discovered string) error
	// ValidateTokenIssuer checks the iss of a token whose other claims
	// claims decodes.
	ValidateTokenIssuer(iss string, claims ClaimSet) error
}

// ClaimSet is a set of verified claims, such as an [*IDToken] or a
// [*UserInfo].
type ClaimSet interface {
	// Claims decodes the claims into v, as json.Unmarshal does.
	Claims(v any) error
}

// TenantPlaceholder is the placeholder of a tenant id in the issuer
// template of [TenantIssuer].
const TenantPlaceholder = "{tenantid}"

// TenantIssuer returns the validator for a multi-tenant provider whose
// discovery document names a template issuer, such as Microsoft Entra ID's
// "https://login.microsoftonline.com/{tenantid}/v2.0" for the "common" and
// "organizations" endpoints. The document is accepted when its issuer is
// exactly template; each token must then carry a "tid" claim, and its iss
// must be template with the placeholder replaced by that tid. When tenants
// are given, tid must be one of them: without this list any tenant's
// users are accepted, which is what a multi-tenant application wants and
// nothing else does.
func TenantIssuer(template string, tenants ...string) IssuerValidator {
	return tenantIssuer{template: template, tenants: slices.Clone(tenants)}
}

type tenantIssuer struct {
	template string
	tenants  []string
}

func (t tenantIssuer) ValidateDiscoveredIssuer(expected, discovered string) error {
	if !strings.Contains(t.template, TenantPlaceholder) {
		return fmt.Errorf("template %q has no %s", t.template, TenantPlaceholder)
	}
	if discovered != t.template {
		return fmt.Errorf("not the tenant template %q", t.template)
	}
	return nil
}

func (t tenantIssuer) ValidateTokenIssuer(iss string, claims ClaimSet) error {
	if !strings.Contains(t.template, TenantPlaceholder) {
		return fmt.Errorf("template %q has no %s", t.template, TenantPlaceholder)
	}
	var c struct {
		TID string `json:"tid"`
	}
	if err := claims.Claims(&c); err != nil {
		return err
	}
	if !validTenant(c.TID) {
		return fmt.Errorf("tid %q is missing or not a tenant id", c.TID)
	}
	if len(t.tenants) > 0 && !slices.Contains(t.tenants, c.TID) {
		return fmt.Errorf("tenant %q is not allowed", c.TID)
	}
	if want := strings.ReplaceAll(t.template, TenantPlaceholder, c.TID); iss != want {
		return fmt.Errorf("want %q for tenant %q", want, c.TID)
	}
	return nil
}

// validTenant accepts a non-empty path segment of letters, digits, '-',
// '.' and '_', so that a tid cannot reshape the issuer URL.
func validTenant(s string) bool {
	if s == "" || len(s) > 128 {
		return false
	}
	for _, r := range s {
		ok := r == '-' || r == '.' || r == '_' || (r >= '0' && r <= '9') || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z')
		if !ok {
			return false
		}
	}
	return s != "." && s != ".."
}
