// Package demo loads the demo data set of `qms serve --demo`: users for every
// role with a known password, and records of every kind that exists so far,
// with Chinese and Vietnamese names. It loads only into a database without
// users, so restarting with --demo changes nothing.
package demo

import (
	"context"
	"fmt"
	"io"

	"qms/internal/account"
	"qms/internal/qms"
	"qms/internal/store"
)

// Password is the password of every demo user. It is printed at start and
// written in the README; demo databases are not for real data.
const Password = "qms-demo-2026"

// Users are the demo accounts, one or more per role.
var Users = []account.NewUser{
	{Email: "admin@demo.qms", Name: "Anna Schmidt", Role: qms.RoleAdmin},
	{Email: "qm@demo.qms", Name: "王芳 (Wang Fang)", Role: qms.RoleQualityManager},
	{Email: "inspector@demo.qms", Name: "Nguyễn Văn Minh", Role: qms.RoleInspector},
	{Email: "inspector2@demo.qms", Name: "李强 (Li Qiang)", Role: qms.RoleInspector},
	{Email: "buyer@demo.qms", Name: "Jürgen Müller", Role: qms.RoleViewer},
	{Email: "auditor@demo.qms", Name: "Trần Thị Lan", Role: qms.RoleAuditor},
	{Email: "supplier@demo.qms", Name: "陈静 (Chen Jing), 深圳精密五金有限公司", Role: qms.RoleSupplier}, // of PortalSupplier
}

// Load fills a database that has no users yet with the demo data set and
// prints how to sign in. It does nothing to a database that has users.
func Load(ctx context.Context, st *store.Store, out io.Writer) error {
	n, err := st.CountUsers(ctx)
	if err != nil {
		return err
	}
	if n > 0 {
		fmt.Fprintln(out, "demo: the database already has users; nothing loaded")
		return nil
	}
	ctx = qms.WithActor(ctx, qms.Actor{Name: "demo loader", Role: qms.RoleAdmin, Via: "system"})
	portal, err := loadSuppliers(ctx, st) // before the users: the supplier user belongs to one
	if err != nil {
		return fmt.Errorf("demo suppliers: %w", err)
	}
	accounts := &account.Service{Store: st}
	var supplierUser *qms.User
	for _, u := range Users {
		u.Password = Password
		if u.Role == qms.RoleSupplier {
			u.SupplierID = &portal
		}
		created, _, err := accounts.CreateUser(ctx, u)
		if err != nil {
			return fmt.Errorf("demo user %s: %w", u.Email, err)
		}
		if created.Role == qms.RoleSupplier {
			supplierUser = created
		}
	}
	if err := loadSubmissions(ctx, st, supplierUser); err != nil {
		return fmt.Errorf("demo certificate submission: %w", err)
	}
	fmt.Fprintf(out, "demo: loaded. Sign in as admin@demo.qms (or qm@, inspector@, buyer@, auditor@, supplier@demo.qms) with the password %s\n", Password)
	return nil
}
