// Package notify tells people and other systems what happened: modules
// publish events, and notify delivers them as in-app notifications, e-mails
// over SMTP and signed webhook posts.
//
// # Publishing
//
// A module calls Publish inside the write transaction of the change the
// event is about:
//
//	err := st.Update(ctx, func(tx *store.Tx) error {
//		// ... change the certificate ...
//		_, err := notify.Publish(tx, notify.Event{
//			Type:       "certificate.expiring",
//			Key:        "certificate:42:expiry:30d", // sent once, however often published
//			Subject:    "ISO 9001 certificate of 宁波华美 expires in 30 days",
//			EntityType: "certificate", EntityID: 42, Link: "/certificates/42",
//			Roles:      []qms.Role{qms.RoleQualityManager},
//			Data:       map[string]any{"certificate_id": 42, "expires_on": "2027-01-31"},
//		})
//		return err
//	})
//
// Publish stores the event, the recipients' in-app notifications and one
// durable job per e-mail and per webhook delivery in that transaction, so
// they exist if and only if the change commits. With a Key, an event that
// was already published (by this instance, another one, or before a
// restart) is not published again: on PostgreSQL a concurrent publisher of
// the same key waits for the first transaction and then finds the key
// taken. The jobs (KindEmail, KindWebhook) run on the job runner of any
// instance; Channels.Register installs their handlers.
//
// Delivery is at least once: a job whose instance dies after sending but
// before recording it is run again. E-mails carry a Message-ID and webhook
// posts an X-QMS-Delivery id that stay the same across attempts, so
// receivers can drop repeats.
//
// # E-mail
//
// Plain-text UTF-8 messages (quoted-printable) with RFC 2047 encoded
// subjects and names, sent over SMTP with STARTTLS, implicit TLS, or (for a
// local relay) no TLS, with PLAIN authentication when a user is set. While
// no SMTP host is configured, e-mails are recorded as skipped, not failed.
// Permanent SMTP errors (5xx) fail at once; others are retried.
//
// # Webhooks
//
// Administrators register endpoints (an http or https URL, the event types
// to send, active or not); each gets a secret, shown once. Every delivery
// is a POST of a JSON body:
//
//	{"id": 17, "type": "certificate.expiring", "created_at": "2026-11-27T08:00:00Z",
//	 "subject": "...", "body": "...", "entity": {"type": "certificate", "id": 42},
//	 "link": "/certificates/42", "actor": {"id": 0, "name": "system"}, "data": {...}}
//
// with the headers
//
//	Content-Type:    application/json
//	X-QMS-Event:     certificate.expiring
//	X-QMS-Delivery:  the delivery id (the same on every retry of this delivery)
//	X-QMS-Timestamp: Unix seconds of this attempt
//	X-QMS-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>" keyed with the secret>
//
// A 2xx answer within 10 seconds is success; any other answer, a redirect
// or a network error is retried with the job runner's back-off, up to
// WebhookAttempts attempts, and every attempt is written to the delivery
// log (status, attempts, response code, error, duration). A receiver
// verifies a delivery by recomputing the signature over the raw body,
// comparing in constant time, and refusing old timestamps (replays):
//
//	func verify(r *http.Request, secret string) ([]byte, error) {
//		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
//		if err != nil {
//			return nil, err
//		}
//		ts := r.Header.Get("X-QMS-Timestamp")
//		sec, err := strconv.ParseInt(ts, 10, 64)
//		if err != nil || time.Since(time.Unix(sec, 0)).Abs() > 5*time.Minute {
//			return nil, errors.New("missing or stale timestamp")
//		}
//		mac := hmac.New(sha256.New, []byte(secret))
//		mac.Write([]byte(ts + "."))
//		mac.Write(body)
//		want := "sha256=" + hex.EncodeToString(mac.Sum(nil))
//		if !hmac.Equal([]byte(want), []byte(r.Header.Get("X-QMS-Signature"))) {
//			return nil, errors.New("bad signature")
//		}
//		return body, nil
//	}
//
// VerifySignature does the same for Go receivers that can import this
// package.
//
// Outgoing requests go only to http and https URLs without credentials,
// and never to link-local, metadata, multicast or unspecified addresses
// (169.254.0.0/16, fe80::/10, fd00:ec2::254, 100.100.100.200, 0.0.0.0 ...)
// nor, unless QMS_WEBHOOK_ALLOW_LOOPBACK is set, to loopback addresses.
// The address is checked after name resolution, when connecting, so a DNS
// name cannot point a delivery at a refused address. Redirects are not
// followed and no proxy is used.
//
// # Reading and managing
//
// Service holds the operations the web UI and the API share: a user's own
// notifications (list, unread count, mark read) and, for administrators
// (qms.CanManageWebhooks), the webhook endpoints, their delivery logs and
// the e-mail outbox.
//
// A daily job (KindCleanup) removes notifications read more than a year
// ago and deliveries finished more than 90 days ago. Events are kept, so
// that their keys keep stopping repeats.
//
// This package does not handle HTTP requests from users; it imports store,
// jobs, config and qms.
package notify
