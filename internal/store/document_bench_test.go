package store_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"qms/internal/document"
	"qms/internal/store"
	"qms/internal/store/storetest"
	"qms/internal/supplier"
)

// Document search benchmark data: QMS_BENCH_DOCUMENTS documents (5,000 by
// default) of 10 revisions each (9 superseded, the 10th effective), each
// revision about 2 KB of Markdown drawn from a vocabulary of quality
// terms, with the terms search reads; written straight into the tables in
// one transaction (not audited).
var benchVocabulary = strings.Fields(`quality supplier inspection audit calibration gauge sample lot carton label packaging drop test torque
	tolerance drawing revision approval record training competence customer complaint nonconformity corrective preventive action root cause
	containment disposition rework scrap concession release shipment container loading factory production line operator work instruction
	procedure form template checklist measurement traceability batch serial warehouse storage handling preservation moisture humidity
	temperature cleanliness contamination ESD kiểm tra chất lượng nhà cung cấp 检验 质量 供应商 program review objective risk opportunity`)

func fillDocuments(tb testing.TB, s *store.Store, docs int) {
	tb.Helper()
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(7, 11))
	now := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC).Format("2006-01-02 15:04:05.000000")
	tx, err := s.DB().BeginTx(ctx, nil)
	if err != nil {
		tb.Fatal(err)
	}
	exec := func(q string, args ...any) {
		if _, err := tx.ExecContext(ctx, q, args...); err != nil {
			tb.Fatalf("%v: %.200s", err, q)
		}
	}
	exec(`INSERT INTO users (id, email, name, role, created_at, updated_at) VALUES (9000, 'bench@example.com', 'Bench Owner', 'quality_manager', ?, ?)`, now, now)
	exec(`INSERT INTO signatures (id, record_type, entity_type, entity_id, meaning, signer_id, signer_name, signer_role, method, content_hash, signed_at)
		VALUES (1, 'document_approval', 'document_revision', 1, 'approved', 9000, 'Bench Owner', 'quality_manager', 'password', ?, ?)`, strings.Repeat("0", 64), now)
	types := []string{"procedure", "work_instruction", "form", "record_template", "external", "policy", "quality_manual"}
	text := func(n int) string {
		var b strings.Builder
		for b.Len() < n {
			if rng.IntN(12) == 0 {
				b.WriteString("\n\n## ")
			}
			b.WriteString(benchVocabulary[rng.IntN(len(benchVocabulary))])
			b.WriteByte(' ')
		}
		return b.String()
	}
	revID := 0
	for d := 1; d <= docs; d++ {
		number := fmt.Sprintf("SOP-%04d", d)
		title := "Procedure " + benchVocabulary[rng.IntN(len(benchVocabulary))] + " " + benchVocabulary[rng.IntN(len(benchVocabulary))]
		exec(`INSERT INTO documents (id, number, number_key, title, type, owner_id, owner_name, effective_revision_id, effective_revision, next_review_on,
			created_at, updated_at) VALUES (?, ?, ?, ?, ?, 9000, 'Bench Owner', ?, 10, '2027-01-01', ?, ?)`,
			d, number, number, title, types[d%len(types)], revID+10, now, now)
		body := text(2000)
		for r := 1; r <= 10; r++ {
			revID++
			status := "superseded"
			if r == 10 {
				status = "effective"
			}
			body = body[200:] + text(200)
			exec(`INSERT INTO document_revisions (id, document_id, revision, status, change_description, body, author_id, author_name, signature_id,
				effective_on, created_at, updated_at) VALUES (?, ?, ?, ?, 'change', ?, 9000, 'Bench Owner', 1, '2026-01-01', ?, ?)`,
				revID, d, r, status, body, now, now)
		}
		for _, term := range document.Terms(supplier.Fold(number + "\n" + title + "\n" + body)) {
			exec(`INSERT INTO document_terms (term, document_id) VALUES (?, ?)`, term, d)
		}
	}
	if err := tx.Commit(); err != nil {
		tb.Fatal(err)
	}
	if _, err := s.DB().ExecContext(ctx, "ANALYZE"); err != nil {
		tb.Fatal(err)
	}
}

// benchQueries are the searches: a word in many documents, a rare word,
// a document number, a phrase with diacritics, a word in no document, and
// a title word.
var benchQueries = []string{"calibration", "ESD", "SOP-4217", "kiem tra", "zebra crossing", "Procedure torque", "质量", "root cause"}

// BenchmarkDocumentSearch measures document search (number, title and
// the text in force) over QMS_BENCH_DOCUMENTS documents of 10 revisions on
// SQLite, reporting the p95 of one search, beside the baseline of listing
// the first page by number without a search term, measured in the same
// run on the same data.
func BenchmarkDocumentSearch(b *testing.B) {
	s := storetest.Open(b, store.SQLite)
	docs := benchEnv("QMS_BENCH_DOCUMENTS", 5000)
	start := time.Now()
	fillDocuments(b, s, docs)
	b.Logf("%d documents x 10 revisions written in %s", docs, time.Since(start).Round(time.Millisecond))
	ctx := context.Background()
	run := func(b *testing.B, q func(i int) string) {
		var took []time.Duration
		for i := 0; b.Loop(); i++ {
			t0 := time.Now()
			err := s.View(ctx, func(tx *store.Tx) error {
				_, _, err := tx.ListDocuments(store.DocumentFilter{Q: q(i), Limit: 50})
				return err
			})
			took = append(took, time.Since(t0))
			if err != nil {
				b.Fatal(err)
			}
		}
		slices.Sort(took)
		p95 := took[min(len(took)-1, len(took)*95/100)]
		b.ReportMetric(float64(p95.Microseconds())/1000, "p95-ms")
	}
	b.Run("baseline-list", func(b *testing.B) { run(b, func(int) string { return "" }) })
	b.Run("search", func(b *testing.B) { run(b, func(i int) string { return benchQueries[i%len(benchQueries)] }) })
	if benchEnv("QMS_BENCH_EACH_QUERY", 0) > 0 {
		for _, q := range benchQueries {
			b.Run("search/"+strings.ReplaceAll(q, " ", "_"), func(b *testing.B) { run(b, func(int) string { return q }) })
		}
	}
}
