// Package commerce is Mercato's shared vocabulary: money and currencies,
// typed identifiers, error codes, clocks, addresses, pagination cursors and
// the domain-event envelope.
//
// It performs no I/O and imports no other Mercato package, so every domain
// package, adapter and host application can depend on it freely.
package commerce
