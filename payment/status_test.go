package payment_test

import (
	"testing"

	"github.com/mercatohq/mercato/payment"
)

func TestPaymentCanTransitionEveryPair(t *testing.T) {
	allowed := map[[2]payment.Status]bool{
		{payment.StatusInitiated, payment.StatusProcessing}:  true,
		{payment.StatusProcessing, payment.StatusAuthorized}: true,
		{payment.StatusProcessing, payment.StatusFailed}:     true,
		{payment.StatusAuthorized, payment.StatusCaptured}:   true,
		{payment.StatusAuthorized, payment.StatusFailed}:     true,
		{payment.StatusAuthorized, payment.StatusCancelled}:  true,
		{payment.StatusCaptured, payment.StatusCompleted}:    true,
		{payment.StatusFailed, payment.StatusRetry}:          true,
		{payment.StatusRetry, payment.StatusProcessing}:      true,
	}
	all := payment.Statuses()
	if len(all) != 8 {
		t.Fatalf("Statuses() = %v, want 8 states", all)
	}
	for _, from := range all {
		for _, to := range all {
			want := allowed[[2]payment.Status{from, to}]
			if got := payment.CanTransition(from, to); got != want {
				t.Errorf("CanTransition(%s, %s) = %v, want %v", from, to, got, want)
			}
		}
	}
	if payment.CanTransition("bogus", payment.StatusProcessing) || payment.CanTransition(payment.StatusInitiated, "bogus") {
		t.Error("unknown statuses must not transition")
	}
}

func TestPaymentStatusValid(t *testing.T) {
	for _, s := range payment.Statuses() {
		if !s.Valid() {
			t.Errorf("%s not valid", s)
		}
	}
	if payment.Status("paid").Valid() {
		t.Error("paid is not a status")
	}
}
