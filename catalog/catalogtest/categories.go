package catalogtest

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/catalog"
	"github.com/mercatohq/mercato/commerce"
)

// testMoveCategory: a category moves with its subtree; paths below it
// follow, its products are found under the new ancestors and no longer
// under the old, and category.moved lists what moved. Cycles are
// refused.
func testMoveCategory(t *testing.T, f *fixture) {
	if refusesCategoryEdits(t, f) {
		return
	}
	elec := f.category("Electronics", "")
	audio := f.category("Audio", elec.ID)
	headphones := f.category("Headphones", audio.ID)
	home := f.category("Home", "")
	f.product(categorized(input("cans", "CANS-1"), headphones.ID))

	moved, err := f.svc.MoveCategory(f.ctx, audio.ID, home.ID)
	require.NoError(t, err)
	assert.Equal(t, home.ID, moved.ParentID)
	assert.Equal(t, []commerce.CategoryID{home.ID, audio.ID}, moved.Path)
	got, err := f.svc.GetCategory(f.ctx, headphones.ID)
	require.NoError(t, err)
	assert.Equal(t, []commerce.CategoryID{home.ID, audio.ID, headphones.ID}, got.Path, "the subtree follows")
	assert.Equal(t, audio.ID, got.ParentID)
	assert.Equal(t, []string{"cans"}, f.listAll(catalog.ProductFilter{CategoryID: home.ID}, 10))
	assert.Empty(t, f.listAll(catalog.ProductFilter{CategoryID: elec.ID}, 10))

	ev := payload[catalog.CategoryMoved](t, f.eventFor("category.moved", audio.ID.String()))
	assert.Equal(t, elec.ID, ev.PreviousParentID)
	assert.Equal(t, home.ID, ev.ParentID)
	require.Len(t, ev.Categories, 2)
	assert.Equal(t, audio.ID, ev.Categories[0].ID)
	assert.Equal(t, got, ev.Categories[1])

	// Under itself or its own subtree: a cycle.
	_, err = f.svc.MoveCategory(f.ctx, audio.ID, headphones.ID)
	requireCode(t, commerce.CodeFailedPrecondition, err)
	_, err = f.svc.MoveCategory(f.ctx, audio.ID, audio.ID)
	requireCode(t, commerce.CodeFailedPrecondition, err)
	_, err = f.svc.MoveCategory(f.ctx, audio.ID, commerce.NewID[commerce.CategoryID]())
	requireCode(t, commerce.CodeFailedPrecondition, err)
	_, err = f.svc.MoveCategory(f.ctx, commerce.NewID[commerce.CategoryID](), home.ID)
	requireCode(t, commerce.CodeNotFound, err)
	_, err = f.svc.MoveCategory(f.ctx, "cat_bad", home.ID)
	requireCode(t, commerce.CodeInvalidArgument, err)

	// Where it is: unchanged. To the root: a root.
	same, err := f.svc.MoveCategory(f.ctx, audio.ID, home.ID)
	require.NoError(t, err)
	assert.Equal(t, moved, same)
	root, err := f.svc.MoveCategory(f.ctx, audio.ID, "")
	require.NoError(t, err)
	assert.Equal(t, []commerce.CategoryID{audio.ID}, root.Path)
	assert.True(t, root.ParentID.IsZero())
}

// testConcurrentMoves: two categories moved under each other at once
// cannot make a cycle: one move wins, the other is refused, and every
// path still names its ancestors from a root.
func testConcurrentMoves(t *testing.T, f *fixture) {
	if refusesCategoryEdits(t, f) {
		return
	}
	for round := range 5 {
		a := f.category(fmt.Sprintf("A%d", round), "")
		b := f.category(fmt.Sprintf("B%d", round), "")
		start := make(chan struct{})
		errs := make(chan error, 2)
		for _, mv := range [][2]commerce.CategoryID{{a.ID, b.ID}, {b.ID, a.ID}} {
			go func() {
				<-start
				_, err := f.svc.MoveCategory(f.ctx, mv[0], mv[1])
				errs <- err
			}()
		}
		close(start)
		won := 0
		for range 2 {
			if err := <-errs; err == nil {
				won++
			} else {
				assert.Equal(t, commerce.CodeFailedPrecondition, commerce.Code(err), "error: %v", err)
			}
		}
		assert.Equal(t, 1, won, "round %d: exactly one move wins", round)
		ga, err := f.svc.GetCategory(f.ctx, a.ID)
		require.NoError(t, err)
		gb, err := f.svc.GetCategory(f.ctx, b.ID)
		require.NoError(t, err)
		if len(ga.Path) == 2 {
			assert.Equal(t, []commerce.CategoryID{b.ID, a.ID}, ga.Path)
			assert.Equal(t, []commerce.CategoryID{b.ID}, gb.Path)
		} else {
			assert.Equal(t, []commerce.CategoryID{a.ID, b.ID}, gb.Path)
			assert.Equal(t, []commerce.CategoryID{a.ID}, ga.Path)
		}
	}
}

// testDeleteCategory: a category holding products or subcategories is
// not deleted, and says why; an empty one is, with category.deleted.
func testDeleteCategory(t *testing.T, f *fixture) {
	if refusesCategoryEdits(t, f) {
		return
	}
	elec := f.category("Electronics", "")
	audio := f.category("Audio", elec.ID)
	p := f.product(categorized(input("cans", "CANS-1"), audio.ID))

	err := f.svc.DeleteCategory(f.ctx, elec.ID)
	requireCode(t, commerce.CodeFailedPrecondition, err)
	assert.Contains(t, err.Error(), "1 subcategories")
	err = f.svc.DeleteCategory(f.ctx, audio.ID)
	requireCode(t, commerce.CodeFailedPrecondition, err)
	assert.Contains(t, err.Error(), "holds 1 products")
	_, err = f.svc.GetCategory(f.ctx, audio.ID)
	require.NoError(t, err, "nothing deleted")

	require.NoError(t, f.svc.DeleteProduct(f.ctx, p.ID))
	require.NoError(t, f.svc.DeleteCategory(f.ctx, audio.ID))
	_, err = f.svc.GetCategory(f.ctx, audio.ID)
	requireCode(t, commerce.CodeNotFound, err)
	ev := payload[catalog.CategoryDeleted](t, f.eventFor("category.deleted", audio.ID.String()))
	assert.Equal(t, "audio", ev.Handle)
	require.NoError(t, f.svc.DeleteCategory(f.ctx, elec.ID))
	requireCode(t, commerce.CodeNotFound, f.svc.DeleteCategory(f.ctx, elec.ID))

	// A product cannot name a deleted category.
	_, err = f.svc.CreateProduct(f.ctx, categorized(input("late", "LATE-1"), elec.ID))
	requireCode(t, commerce.CodeFailedPrecondition, err)
}

func categorized(in catalog.ProductInput, ids ...commerce.CategoryID) catalog.ProductInput {
	in.CategoryIDs = ids
	return in
}

// refusesCategoryEdits reports whether the store lacks the optional
// catalog.CategoryEditor capability, and if so checks what the service
// promises then: moving or deleting a category is FailedPrecondition and
// leaves the tree and its products as they were.
func refusesCategoryEdits(t *testing.T, f *fixture) bool {
	if _, ok := f.store.(catalog.CategoryEditor); ok {
		return false
	}
	elec := f.category("Electronics", "")
	audio := f.category("Audio", elec.ID)
	home := f.category("Home", "")
	f.product(categorized(input("cans", "CANS-1"), audio.ID))

	_, err := f.svc.MoveCategory(f.ctx, audio.ID, home.ID)
	assert.Equal(t, commerce.CodeFailedPrecondition, commerce.Code(err), "a store that cannot move categories says so")
	assert.Equal(t, commerce.CodeFailedPrecondition, commerce.Code(f.svc.DeleteCategory(f.ctx, home.ID)),
		"a store that cannot delete categories says so")
	got, err := f.svc.GetCategory(f.ctx, audio.ID)
	require.NoError(t, err)
	assert.Equal(t, []commerce.CategoryID{elec.ID, audio.ID}, got.Path, "nothing moved")
	_, err = f.svc.GetCategory(f.ctx, home.ID)
	require.NoError(t, err, "nothing was deleted")
	assert.Equal(t, []string{"cans"}, f.listAll(catalog.ProductFilter{CategoryID: elec.ID}, 10))
	return true
}
