package file_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/oauthkit/oauthkit"
	"github.com/oauthkit/oauthkit/oauthtest"
	"github.com/oauthkit/oauthkit/store/file"
)

// A session whose token lives in a file that other processes share: a
// client-credentials token is fetched once and written with mode 0600.
func ExampleNew() {
	srv := oauthtest.NewServer()
	defer srv.Close()
	client := srv.RegisterClient(oauthtest.Client{})
	dir, err := os.MkdirTemp("", "example")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)

	store, err := file.New(filepath.Join(dir, "token.json"), file.Options{})
	if err != nil {
		panic(err)
	}
	s, err := oauthkit.NewSession(oauthkit.Config{
		ClientID: client.ID, ClientSecret: client.Secret, TokenURL: srv.TokenURL(),
		Grant: oauthkit.ClientCredentials(), Store: store,
	})
	if err != nil {
		panic(err)
	}
	if _, err := s.ValidToken(context.Background()); err != nil {
		panic(err)
	}
	fi, err := os.Stat(store.Path())
	if err != nil {
		panic(err)
	}
	fmt.Println(fi.Mode().Perm())
	// Output:
	// -rw-------
}
