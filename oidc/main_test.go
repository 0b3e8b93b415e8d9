package oidc

import (
	"testing"

	"go.uber.org/goleak"

	"github.com/oauthkit/oauthkit/internal/testhttp"
)

func TestMain(m *testing.M) {
	testhttp.NoIdleDefaultConns()
	goleak.VerifyTestMain(m)
}
