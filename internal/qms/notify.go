package qms

// CanManageWebhooks: add, change and remove the webhook endpoints that
// receive events, see their delivery logs and the e-mail outbox.
// Administrators only: an endpoint receives data about every record.
func CanManageWebhooks(a Actor) bool { return a.Role == RoleAdmin }
