package web

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"qms/internal/blob"
	"qms/internal/document"
	"qms/internal/documentops"
	"qms/internal/esign"
	"qms/internal/qms"
	"qms/internal/report"
)

// documentPDF serves the Markdown text of a revision (the one in force, or
// ?rev=N) as a PDF. A revision not in force says so on every page: a
// badge, a watermark and a footer (SUPERSEDED, OBSOLETE, DRAFT ...).
func (u *UI) documentPDF(w http.ResponseWriter, r *http.Request, _ qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	rev, _ := strconv.Atoi(r.URL.Query().Get("rev"))
	v, err := u.docs().Document(r.Context(), id, rev)
	if err != nil {
		return err
	}
	if v.Shown == nil || v.Shown.Body == "" {
		return qms.Errorf(qms.KindNotFound, "This revision holds a file, not text: open its file instead.")
	}
	fonts := u.fonts
	if fonts == nil {
		if fonts, err = report.LoadFonts("", u.log); err != nil {
			return err
		}
	}
	var buf bytes.Buffer
	if err := writeRevisionPDF(&buf, fonts, v, time.Now().UTC()); err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "application/pdf")
	h.Set("Content-Disposition", blob.ContentDisposition("inline", fmt.Sprintf("%s-rev%d.pdf", v.Document.Number, v.Shown.Revision)))
	h.Set("Cache-Control", "private, no-store")
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	_, err = w.Write(buf.Bytes())
	return err
}

// writeRevisionPDF lays out the shown revision of v: the heading block,
// the text (headings, paragraphs and list items of its Markdown) and the
// approval signatures.
func writeRevisionPDF(w io.Writer, fonts *report.Fonts, v *documentops.DocumentView, now time.Time) error {
	d, rev := v.Document, v.Shown
	opt := report.Options{Fonts: fonts, Title: d.Title, Number: fmt.Sprintf("%s rev. %d", d.Number, rev.Revision), Subtitle: d.Type.Label(),
		Generated: now, Author: d.OwnerName, Subject: rev.ChangeDescription, Status: report.Badge{Text: strings.ToUpper(rev.Status.Label()), Tone: report.Info},
		Footer: "Controlled copy: revision " + strconv.Itoa(rev.Revision) + " in force"}
	switch {
	case rev.Status == document.StatusEffective:
		opt.Status.Tone = report.Pass
	case rev.Status.Withdrawn():
		opt.Status.Tone = report.Fail
		opt.Watermark = strings.ToUpper(rev.Status.Label())
		opt.Footer = strings.ToUpper(rev.Status.Label()) + " – not for use"
	default:
		opt.Watermark = strings.ToUpper(rev.Status.Label())
		opt.Footer = strings.ToUpper(rev.Status.Label()) + " – not in force"
	}
	p := report.New(opt)
	fields := []report.Field{{Label: "Owner", Value: d.OwnerName}, {Label: "Change", Value: rev.ChangeDescription},
		{Label: "Author", Value: rev.AuthorName}}
	if !rev.EffectiveOn.IsZero() {
		fields = append(fields, report.Field{Label: "Effective from", Value: rev.EffectiveOn.String()})
	}
	p.KeyValues(fields, 2)
	var para []string
	flush := func() {
		if len(para) > 0 {
			p.Paragraph(strings.Join(para, " "))
			para = nil
		}
	}
	code := false
	for _, line := range strings.Split(rev.Body, "\n") {
		t := strings.TrimSpace(line)
		if strings.HasPrefix(t, "```") {
			flush()
			code = !code
			continue
		}
		if code {
			p.Note(line)
			continue
		}
		t = strings.NewReplacer("**", "", "`", "").Replace(t)
		switch {
		case t == "":
			flush()
		case strings.HasPrefix(t, "# "):
			flush()
			p.Heading(strings.TrimSpace(t[2:]))
		case strings.HasPrefix(t, "#"):
			flush()
			p.Subheading(strings.TrimSpace(strings.TrimLeft(t, "#")))
		case strings.HasPrefix(t, "- ") || strings.HasPrefix(t, "* ") || strings.HasPrefix(t, "+ "):
			flush()
			p.Paragraph("•  " + strings.TrimSpace(t[2:]))
		default:
			para = append(para, t)
		}
	}
	flush()
	var sigs []report.Signature
	for _, c := range v.Signatures {
		s := c.Signature
		if s.RecordType != esign.DocumentApproval {
			continue
		}
		sigs = append(sigs, report.Signature{Role: s.SignerRole.Label(), Name: s.SignerName, Date: s.SignedAt.UTC().Format("2006-01-02 15:04 UTC"),
			Meaning: "Signed electronically: " + strings.ToLower(s.Meaning.Label()) + " (" + c.Status + ")"})
	}
	if len(sigs) > 0 {
		p.Subheading("Approval")
		p.Signatures(sigs)
	}
	return p.Write(w)
}
