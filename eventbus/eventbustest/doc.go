// Package eventbustest is the conformance suite for eventbus.Backend.
//
// Every backend in Mercato runs it from a few lines of test code, and a
// third-party backend can too:
//
//	func TestConformance(t *testing.T) {
//		eventbustest.Run(t, eventbustest.Config{
//			NewBackend: func(t testing.TB) eventbus.Backend { return mybus.New(...) },
//			Ordered:    true,
//			Durable:    true,
//		})
//	}
//
// The suite drives the backend through an eventbus.Bus, so it checks the
// contract users rely on: round trips, consumer groups, redelivery, poison,
// ordering per aggregate, draining on Close and concurrent publishers.
package eventbustest
