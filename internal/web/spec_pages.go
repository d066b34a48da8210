package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"qms/internal/blob"
	"qms/internal/esign"
	"qms/internal/inspection"
	"qms/internal/qms"
	"qms/internal/sampling"
)

// blankRows is how many empty characteristic rows the editor offers.
const blankRows = 3

// charRow is one row of the characteristic editor, as typed.
type charRow struct {
	Index                                        int
	No, Kind, Name                               string
	Critical                                     bool
	Nominal, Plus, Minus, Min, Max, Unit, Method string
	Criterion, Golden                            string
	TestType, TestProcedure, TestLevel, TestSize string
	TestAc, TestRe                               string
	Photos                                       []int64
	Error                                        string
}

func charRowOf(i int, c inspection.Characteristic) charRow {
	r := charRow{Index: i, No: strconv.Itoa(c.No), Kind: string(c.Kind), Name: c.Name, Critical: c.Critical, Nominal: numText(c.Nominal),
		Plus: numText(c.Tolerance.Plus), Minus: numText(c.Tolerance.Minus), Min: numText(c.Tolerance.Min), Max: numText(c.Tolerance.Max),
		Unit: c.Unit, Method: c.Method, Criterion: c.Criterion, Golden: c.GoldenSampleRef, Photos: c.ReferencePhotos}
	if t := c.Test; t != nil {
		r.TestType, r.TestProcedure, r.TestAc, r.TestRe = t.Type, t.Procedure, strconv.Itoa(t.Ac), strconv.Itoa(t.Re)
		if t.Level != 0 {
			r.TestLevel = t.Level.String()
		}
		if t.SampleSize != 0 {
			r.TestSize = strconv.Itoa(t.SampleSize)
		}
	}
	return r
}

// blank reports whether nothing was typed into the row.
func (r charRow) blank() bool {
	return r.Name == "" && r.Nominal == "" && r.Plus == "" && r.Minus == "" && r.Min == "" && r.Max == "" && r.Unit == "" &&
		r.Criterion == "" && r.TestType == "" && r.Method == ""
}

// postedChars reads the rows of the editor: every row not blank and not
// marked for removal, with its row number.
func postedChars(r *http.Request) ([]charRow, []inspection.Characteristic, qms.Problems) {
	f := r.PostForm
	n, _ := strconv.Atoi(f.Get("rows"))
	n = min(max(n, 0), inspection.MaxCharacteristics+blankRows)
	p := qms.Problems{}
	var rows []charRow
	var chars []inspection.Characteristic
	for i := range n {
		g := func(k string) string { return strings.TrimSpace(f.Get(fmt.Sprintf("c.%d.%s", i, k))) }
		row := charRow{Index: len(rows), No: g("no"), Kind: g("kind"), Name: g("name"), Critical: g("critical") != "", Nominal: g("nominal"),
			Plus: g("plus"), Minus: g("minus"), Min: g("min"), Max: g("max"), Unit: g("unit"), Method: g("method"), Criterion: g("criterion"),
			Golden: g("golden"), TestType: g("test_type"), TestProcedure: g("test_procedure"), TestLevel: g("test_level"), TestSize: g("test_size"),
			TestAc: g("test_ac"), TestRe: g("test_re")}
		for _, s := range f[fmt.Sprintf("c.%d.photo", i)] {
			if id, err := strconv.ParseInt(s, 10, 64); err == nil {
				row.Photos = append(row.Photos, id)
			}
		}
		if g("remove") != "" || row.blank() {
			continue
		}
		field := fmt.Sprintf("characteristics.%d", len(chars))
		c := inspection.Characteristic{Kind: inspection.CharKind(row.Kind), Name: row.Name, Critical: row.Critical, Unit: row.Unit, Method: row.Method,
			Criterion: row.Criterion, GoldenSampleRef: row.Golden, ReferencePhotos: row.Photos}
		if row.No != "" {
			if c.No, _ = strconv.Atoi(row.No); c.No <= 0 {
				p.Add(field+".no", "must be a positive balloon number")
			}
		}
		if c.Kind == inspection.CharDimensional {
			c.Nominal = formFloat(p, row.Nominal, field+".nominal")
			c.Tolerance = inspection.Tolerance{Plus: formFloat(p, row.Plus, field+".tolerance.plus"), Minus: formFloat(p, row.Minus, field+".tolerance.minus"),
				Min: formFloat(p, row.Min, field+".tolerance.min"), Max: formFloat(p, row.Max, field+".tolerance.max")}
		}
		if c.Kind == inspection.CharTest {
			t := &inspection.TestSpec{Type: row.TestType, Procedure: row.TestProcedure}
			if row.TestLevel != "" {
				lv, err := sampling.ParseLevel(row.TestLevel)
				if err != nil {
					p.Add(field+".test.level", "must be S-1, S-2, S-3, S-4, I, II or III")
				}
				t.Level = lv
			}
			t.SampleSize, _ = strconv.Atoi(row.TestSize)
			t.Ac, _ = strconv.Atoi(row.TestAc)
			t.Re, _ = strconv.Atoi(row.TestRe)
			if row.TestRe == "" {
				t.Re = t.Ac + 1
			}
			c.Test = t
		}
		rows = append(rows, row)
		chars = append(chars, c)
	}
	return rows, chars, p
}

// rowErrors puts the field errors of characteristics on their rows.
func rowErrors(rows []charRow, fields map[string]string) map[string]string {
	rest := map[string]string{}
	for k, msg := range fields {
		var i int
		var sub string
		if n, _ := fmt.Sscanf(k, "characteristics.%d.%s", &i, &sub); n == 2 && i >= 0 && i < len(rows) {
			if rows[i].Error != "" {
				rows[i].Error += "; "
			}
			rows[i].Error += strings.ReplaceAll(sub, "_", " ") + ": " + msg
			continue
		}
		rest[k] = msg
	}
	return rest
}

type specPage struct {
	layout
	Spec       *inspection.Spec
	Product    *inspection.Product
	Editable   bool // a draft the actor may change
	CanRelease bool
	CanEdit    bool
	Rows       []charRow
	RowCount   int
	Kinds      []inspection.CharKind
	Levels     []sampling.Level
	TestTypes  []string
	Header     specHeader
	Version    int64
	Errors     map[string]string
	Problem    string
	// Signatures are the revision's electronic signatures (its release).
	Signatures []esign.Check
	// AttributeChars are the saved attribute characteristics of a draft
	// the actor may edit: the ones reference photos are uploaded to.
	AttributeChars []inspection.Characteristic
}

// specHeader is the spec's own fields as typed.
type specHeader struct {
	Title, DrawingRef, GoldenSampleRef, Notes string
}

func (*specPage) template() string { return "spec" }

func (u *UI) specPageOf(r *http.Request, a qms.Actor, id int64) (*specPage, error) {
	ctx := r.Context()
	s, err := u.insp().Spec(ctx, id)
	if err != nil {
		return nil, err
	}
	prod, err := u.insp().Product(ctx, s.ProductID)
	if err != nil {
		return nil, err
	}
	p := &specPage{layout: layout{Title: fmt.Sprintf("%s spec revision %d", prod.SKU, s.Revision)}, Spec: s, Product: prod,
		Editable:   s.Status == inspection.SpecDraft && s.VoidedAt == nil && qms.CanEditQualityRecords(a),
		CanRelease: s.Status == inspection.SpecDraft && s.VoidedAt == nil && qms.CanApprove(a), CanEdit: qms.CanEditQualityRecords(a),
		Kinds: inspection.CharKinds, Levels: inspLevels, TestTypes: inspection.TestTypes, Version: s.Version,
		Header: specHeader{Title: s.Title, DrawingRef: s.DrawingRef, GoldenSampleRef: s.GoldenSampleRef, Notes: s.Notes}}
	for i, c := range s.Characteristics {
		p.Rows = append(p.Rows, charRowOf(i, c))
		if c.Kind == inspection.CharAttribute && p.Editable {
			p.AttributeChars = append(p.AttributeChars, c)
		}
	}
	if p.Signatures, err = u.insp().SpecSignatures(ctx, id); err != nil {
		return nil, err
	}
	return p, nil
}

// withBlanks adds the empty rows of the editor and numbers the rows.
func (p *specPage) withBlanks() {
	next := 1
	for _, r := range p.Rows {
		if n, _ := strconv.Atoi(r.No); n >= next {
			next = n + 1
		}
	}
	for i := range blankRows {
		p.Rows = append(p.Rows, charRow{No: strconv.Itoa(next + i), Kind: string(inspection.CharDimensional)})
	}
	for i := range p.Rows {
		p.Rows[i].Index = i
	}
	p.RowCount = len(p.Rows)
}

// specShow is a spec revision: its characteristics, and for a draft the
// editor; a quality manager releases it here.
func (u *UI) specShow(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	p, err := u.specPageOf(r, a, id)
	if err != nil {
		return err
	}
	if p.Editable {
		p.withBlanks()
	}
	u.render(w, r, http.StatusOK, p)
	return nil
}

// specDraft starts the next draft revision of a product (a copy of the
// released one) and opens it.
func (u *UI) specDraft(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	s, err := u.insp().DraftNextRevision(r.Context(), id)
	if err != nil {
		return u.actionFailed(w, r, productPath(id), err)
	}
	u.redirect(w, r, specPath(s.ID), "success", fmt.Sprintf("Draft revision %d started: change its characteristics, then have it released.", s.Revision))
	return nil
}

// specSave saves a draft revision's header and characteristics.
func (u *UI) specSave(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	p, err := u.specPageOf(r, a, id)
	if err != nil {
		return err
	}
	rows, chars, problems := postedChars(r)
	f := r.PostForm
	p.Header = specHeader{Title: f.Get("title"), DrawingRef: f.Get("drawing_ref"), GoldenSampleRef: f.Get("golden_sample_ref"), Notes: f.Get("notes")}
	s := &inspection.Spec{ID: id, Title: p.Header.Title, DrawingRef: p.Header.DrawingRef, GoldenSampleRef: p.Header.GoldenSampleRef,
		Notes: p.Header.Notes, Characteristics: chars}
	err = problems.Err()
	if err == nil {
		err = u.insp().UpdateSpec(r.Context(), s, postedVersion(r), strings.TrimSpace(f.Get("reason")))
	}
	if err != nil {
		fields, msg, code, ok := formError(err)
		if !ok {
			return err
		}
		p.Rows, p.Version, p.Problem = rows, postedVersion(r), msg
		p.Errors = rowErrors(p.Rows, fields)
		if p.Editable {
			p.withBlanks()
		}
		u.render(w, r, code, p)
		return nil
	}
	u.redirect(w, r, specPath(id), "success", fmt.Sprintf("Draft saved: %d characteristics.", len(s.Characteristics)))
	return nil
}

// specRelease releases a draft (a quality manager), superseding the
// released revision.
func (u *UI) specRelease(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	s, err := u.insp().ReleaseSpec(r.Context(), id, postedVersion(r), inspection.Release{Reason: r.PostForm.Get("reason")}, r.PostForm.Get("password"))
	if err != nil {
		return u.actionFailed(w, r, specPath(id), err)
	}
	u.redirect(w, r, specPath(id), "success", fmt.Sprintf("Revision %d is released and signed: inspections are planned against it from now on.", s.Revision))
	return nil
}

// specPhoto adds a reference photo to an attribute characteristic of a
// draft.
func (u *UI) specPhoto(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	no, _ := strconv.Atoi(r.PostForm.Get("char"))
	f, ok, err := u.formFile(r, "file", []blob.Type{blob.JPEG, blob.PNG})
	if err == nil && !ok {
		err = &qms.Error{Kind: qms.KindInvalid, Message: "Choose a photo first", Fields: map[string]string{"file": "is required"}}
	}
	if err == nil {
		_, err = u.insp().AddReferencePhoto(r.Context(), id, no, postedVersion(r), f)
	}
	if err != nil {
		return u.actionFailed(w, r, specPath(id)+"#ref-photos", err)
	}
	u.redirect(w, r, specPath(id)+"#ref-photos", "success", fmt.Sprintf("Reference photo added to characteristic %d.", no))
	return nil
}

// specVoid voids a draft revision with a reason.
func (u *UI) specVoid(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := u.insp().VoidSpec(r.Context(), id, r.PostForm.Get("reason"), postedVersion(r)); err != nil {
		return u.actionFailed(w, r, specPath(id), err)
	}
	u.redirect(w, r, specPath(id), "success", "The draft is voided.")
	return nil
}
