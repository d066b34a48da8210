// Package auth signs people and programs in: argon2id passwords, sessions
// kept in the database, API tokens, login throttling, and the HTTP
// middleware that puts the authenticated actor into the request context.
package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Argon2id parameters (OWASP: m=19 MiB, t=2, p=1 at the least).
const (
	argonMemory  = 19 * 1024
	argonTime    = 2
	argonThreads = 1
	argonKeyLen  = 32
)

// hashSlots bounds concurrent hashing so that a burst of sign-ins cannot
// exhaust memory (each hash holds argonMemory KiB).
var hashSlots = make(chan struct{}, 4)

// HashPassword returns the PHC string of an argon2id hash of pw.
func HashPassword(pw string) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argonKey(pw, salt, argonMemory, argonTime, argonThreads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

func argonKey(pw string, salt []byte, m, t uint32, p uint8, keyLen uint32) []byte {
	hashSlots <- struct{}{}
	defer func() { <-hashSlots }()
	return argon2.IDKey([]byte(pw), salt, t, m, p, keyLen)
}

// dummyHash is verified against when the account does not exist, so that
// the answer takes as long either way.
var dummyHash, _ = HashPassword("not a real password, only for timing")

// VerifyPassword reports whether pw matches the PHC string hash. An empty or
// malformed hash never matches.
func VerifyPassword(hash, pw string) bool {
	if hash == "" {
		hash = dummyHash
		pw += "\x00never"
	}
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil || m > 1<<20 || t > 10 || p == 0 {
		return false
	}
	b64 := base64.RawStdEncoding
	salt, err1 := b64.DecodeString(parts[4])
	want, err2 := b64.DecodeString(parts[5])
	if errors.Join(err1, err2) != nil || len(want) == 0 {
		return false
	}
	got := argonKey(pw, salt, m, t, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// NewSecret returns a random token with the given prefix: 32 random bytes,
// hex-encoded.
func NewSecret(prefix string) string {
	b := make([]byte, 32)
	rand.Read(b)
	return prefix + hex.EncodeToString(b)
}

// HashSecret returns the hex SHA-256 of a token, which is what the database
// stores. Tokens are long and random, so a fast hash suffices.
func HashSecret(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// NewPassword returns a random password for "generated and printed once".
func NewPassword() string {
	b := make([]byte, 15)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
