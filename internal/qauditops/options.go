package qauditops

import (
	"context"

	"qms/internal/qaudit"
	"qms/internal/qms"
	"qms/internal/store"
)

// Option is a record to choose in a form: its id and name.
type Option struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// Options are the choices of the audit forms.
type Options struct {
	Templates []qaudit.Template `json:"templates"`
	Processes []Option          `json:"processes"` // the process register
	Suppliers []Option          `json:"suppliers"` // up to 500, by name
	Auditors  []Option          `json:"auditors"`  // enabled users who may audit
	Owners    []Option          `json:"owners"`    // enabled internal users who may own a CAPA
}

// FormOptions returns the choices of the audit forms (internal staff).
func (s *Service) FormOptions(ctx context.Context) (*Options, error) {
	if err := internalOnly(actor(ctx)); err != nil {
		return nil, err
	}
	o := &Options{}
	err := s.Store.View(ctx, func(tx *store.Tx) error {
		var err error
		if o.Templates, err = tx.AuditTemplates(); err != nil {
			return err
		}
		procs, err := tx.Processes()
		if err != nil {
			return err
		}
		for _, p := range procs {
			if p.VoidedAt == nil {
				o.Processes = append(o.Processes, Option{p.ID, p.Name})
			}
		}
		page, err := tx.ListSuppliers(store.SupplierFilter{Limit: store.MaxPageSize})
		if err != nil {
			return err
		}
		for _, sp := range page.Items {
			o.Suppliers = append(o.Suppliers, Option{sp.ID, sp.DisplayName()})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	enabled := false
	users, _, err := s.Store.ListUsers(ctx, store.UserFilter{Limit: store.MaxPageSize, Disabled: &enabled})
	if err != nil {
		return nil, err
	}
	for _, u := range users {
		if qaudit.CanBeAuditor(u.Role) {
			o.Auditors = append(o.Auditors, Option{u.ID, u.Name})
		}
		if u.Role != qms.RoleSupplier {
			o.Owners = append(o.Owners, Option{u.ID, u.Name})
		}
	}
	return o, nil
}
