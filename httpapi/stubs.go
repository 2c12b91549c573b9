package httpapi

// Route groups: each registers its routes with a.add.

func (a *API) productRoutes()        {}
func (a *API) searchRoutes()         {}
func (a *API) adminCatalogRoutes()   {}
func (a *API) adminInventoryRoutes() {}
