package qms

import "context"

// Actor is who makes a request or a change: a signed-in user, or the system
// itself (jobs, migrations, the CLI acting as an operator).
type Actor struct {
	UserID     int64 // 0 for the system
	Name       string
	Email      string
	Role       Role
	SupplierID *int64
	Via        string // "session", "token", "cli" or "system"
}

// System is the actor for changes made by qms itself or by an operator at the
// command line without a user account.
var System = Actor{Name: "system", Role: RoleAdmin, Via: "system"}

// ActorOf returns the actor of a user who authenticated by via.
func ActorOf(u *User, via string) Actor {
	return Actor{UserID: u.ID, Name: u.Name, Email: u.Email, Role: u.Role, SupplierID: u.SupplierID, Via: via}
}

type ctxKey int

const (
	actorKey ctxKey = iota
	requestIDKey
)

// WithActor returns a context that carries a.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey, a)
}

// ActorFrom returns the actor in ctx and whether there is one.
func ActorFrom(ctx context.Context) (Actor, bool) {
	a, ok := ctx.Value(actorKey).(Actor)
	return a, ok
}

// WithRequestID returns a context that carries the id of the request.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey, id)
}

// RequestID returns the request id in ctx, or "".
func RequestID(ctx context.Context) string {
	s, _ := ctx.Value(requestIDKey).(string)
	return s
}
