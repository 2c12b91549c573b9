// Package notifytest holds the conformance suites of the notify ports:
// RunChannel for a Channel against its real peer (Mailpit, or a local
// server that records what a provider's library sends), and RunStore for
// the dedupe and delivery-log Store.
package notifytest
