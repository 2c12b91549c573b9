// Package recommendtest holds the conformance suites of the recommend
// ports: RunLog for an activity log (recommend.Log) and RunStore for a
// serving store (recommend.Store). Every adapter runs them from a few
// lines of _test.go.
package recommendtest
