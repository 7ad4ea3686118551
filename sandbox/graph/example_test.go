package graph_test

import (
	"fmt"
	"net/http/httptest"

	"github.com/secamo/orchestrator/sandbox/graph"
)

// Start the emulator with the demo tenant, inject a fault and read the state back. A client
// points its Graph URL at ts.URL + graph.BasePath and sends "Bearer demo-token".
func Example() {
	srv := graph.New(graph.Options{Token: "demo-token", PageSize: 100})
	if err := srv.SeedDemo(); err != nil {
		panic(err)
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()

	srv.ThrottleBatchItems(2, "2.128")
	srv.DenyGroup(graph.DemoGroupSales)

	u, _ := srv.User("jan.peeters@contoso.example")
	fmt.Println(u.DisplayName, u.AccountEnabled, len(srv.MemberOf(u.ID)), len(srv.Licenses(u.ID)))
	// Output: Jan Peeters true 7 3
}
