package memory_test

import (
	"context"
	"fmt"
	"time"

	"github.com/oauthkit/oauthkit"
	"github.com/oauthkit/oauthkit/oauthtest"
	"github.com/oauthkit/oauthkit/store/memory"
)

// Two sessions share one store: when the token is due, one of them
// refreshes it and the other adopts the new token.
func ExampleStore() {
	srv := oauthtest.NewUnstartedServer()
	srv.RotateRefreshTokens, srv.DetectRefreshTokenReuse = true, true
	now := time.Now()
	srv.Now = func() time.Time { return now }
	srv.Start()
	defer srv.Close()
	client := srv.RegisterClient(oauthtest.Client{})

	store := memory.New(nil)
	newSession := func() *oauthkit.Session {
		s, err := oauthkit.NewSession(oauthkit.Config{
			ClientID: client.ID, ClientSecret: client.Secret, TokenURL: srv.TokenURL(),
			Store: store, Now: func() time.Time { return now },
		})
		if err != nil {
			panic(err)
		}
		return s
	}
	a, b := newSession(), newSession()
	ctx := context.Background()
	user := oauthtest.DefaultUser()
	if _, err := a.FetchToken(ctx, oauthkit.Password(user.Username, user.Password)); err != nil { // saved to the store
		panic(err)
	}

	now = now.Add(2 * time.Hour) // the token has expired
	ta, errA := a.ValidToken(ctx)
	tb, errB := b.ValidToken(ctx)
	fmt.Println(errA, errB, ta.AccessToken == tb.AccessToken)
	fmt.Println("token requests:", srv.RequestCount(oauthtest.TokenEndpoint))
	// Output:
	// <nil> <nil> true
	// token requests: 2
}
