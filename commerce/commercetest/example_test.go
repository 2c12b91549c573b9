package commercetest_test

import (
	"context"
	"fmt"
	"time"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/commerce/commercetest"
)

// shipped is an event of the example's own.
type shipped struct{ Parcel string }

func (shipped) EventName() string { return "parcel.shipped" }

// A store under test publishes to the Recorder; the test reads back what
// was published.
func ExampleRecorder() {
	rec := commercetest.NewRecorder()
	env := commerce.NewEnvelope("parcel_1", time.Unix(0, 0).UTC(), shipped{Parcel: "parcel_1"})
	if err := rec.Publish(context.Background(), env); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(rec.Names())
	fmt.Println(len(rec.Named("parcel.shipped")))
	// Output:
	// [parcel.shipped]
	// 1
}
