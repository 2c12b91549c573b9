package cart

// Check is a condition a caller sets on the cart a change applies to,
// such as who may change it. The cart service runs it on the cart the
// change reads anyway, before anything else is checked and again on every
// retry of the write, so it costs no read of its own and holds for the
// cart as written. A change whose check fails returns the check's error
// and writes nothing.
type Check func(Cart) error

// runChecks returns the first error of checks on c.
func runChecks(c Cart, checks []Check) error {
	for _, check := range checks {
		if err := check(c); err != nil {
			return err
		}
	}
	return nil
}
