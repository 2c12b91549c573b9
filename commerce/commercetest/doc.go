// Package commercetest holds test helpers over the commerce contracts
// alone, so that a domain conformance suite or a third-party store's tests
// need nothing but the domain packages.
//
// A Recorder is a commerce.EventPublisher that keeps what it is given: a
// suite hands it to the store under test as the store's event publisher
// and asserts on the events committed, waiting for them (Await) when the
// store delivers through an outbox.
package commercetest
