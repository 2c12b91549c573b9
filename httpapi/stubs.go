package httpapi

// Route groups: each registers its routes with a.add.

func (a *API) productRoutes()        {}
func (a *API) searchRoutes()         {}
func (a *API) cartRoutes()           {}
func (a *API) checkoutRoutes()       {}
func (a *API) orderRoutes()          {}
func (a *API) adminCatalogRoutes()   {}
func (a *API) adminInventoryRoutes() {}
func (a *API) adminOrderRoutes()     {}
func (a *API) adminPaymentRoutes()   {}
func (a *API) webhookRoutes()        {}
