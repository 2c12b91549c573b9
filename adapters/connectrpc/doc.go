// Package connectrpc serves Mercato's services to one another over
// Connect (connectrpc.com/connect), so that each can run in its own
// process: the order service reaches carts, stock and payments, the cart
// service reaches pricing, the search indexer the catalog and the stock,
// the notification service customers and orders, and the gateway verifies
// customer tokens, all across the network.
//
// # Servers and clients
//
// For each service there is a server constructor that returns the path
// to mount and its handler, in the shape of Connect's generated code, and
// a client whose methods have exactly the signatures of the in-process
// service's, so a client satisfies the same consumer-owned ports
// (order.Carts, cart.Pricer, search.StockSource, notify.CustomerLookup...):
//
//	mux := http.NewServeMux()
//	mux.Handle(connectrpc.NewInventoryServer(stock, nil))   // in the inventory service
//
//	stock, err := connectrpc.NewInventoryClient(httpClient, "http://inventory:3006", nil) // in the order service
//
// The handlers are plain net/http handlers that speak the Connect, gRPC
// and gRPC-Web protocols; the messages are the domain types themselves,
// encoded with encoding/json through Connect's codec hook, so no schema
// duplicates them. A server reads at most ServerOptions.MaxRequestBytes
// of a request. The service given to a server constructor must not be
// nil.
//
// # Deadlines
//
// A call's context deadline travels with the call (Connect's timeout
// header) and becomes the handler's context deadline, so the work a
// caller gave up on stops on the server too. A call whose deadline
// passes is Unavailable and wraps the context's error.
//
// # Errors
//
// A service's commerce.Error reaches the caller with its exact code
// (errors.Is(err, commerce.ErrOutOfStock) and commerce.Code hold on the
// client's side), and, when the error is the caller's to act on, with its
// message and details (numbers in details read back as float64, as
// encoding/json decodes them). The domain errors callers test beyond the
// code (cart.ErrChanged, notify.ErrNoOrderDirectory, and an
// *inventory.OutOfStockError with its shortages) travel by name and are
// wrapped again. Internal and Unavailable errors, and any error whose
// chain holds a network, database or file failure, reach the caller with
// a fixed message of their code: the cause goes to the server's log. A
// result returned with an error (a declined Authorize returns the failed
// payment) travels too. Connect's own code is the nearest twin
// (OutOfStock and PaymentDeclined are FailedPrecondition, Conflict is
// Aborted) for callers that read only that.
//
// # Idempotency and retries
//
// Every write carries its idempotency key in its input, as in process,
// and in the Idempotency-Key header too; a server refuses a request
// whose header and input disagree. A client retries a call, with
// exponential backoff and within the call's deadline, only when the call
// is idempotent and the attempt failed Unavailable (the server could not
// be reached, a proxy answered 503, or the service said it could not
// serve); any other error returns at once. Each client's documentation
// says which of its calls are idempotent and why: reads are; Reserve,
// Deduct, Release and Restock are by reservation ID, MarkConverted by
// order, Authorize and Refund by their idempotency keys (without a key
// they run once), Capture, Cancel and Reconcile by payment.
package connectrpc
