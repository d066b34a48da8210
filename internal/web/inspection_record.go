package web

import (
	"encoding/json"
	"fmt"
	"net/http"

	"qms/internal/inspection"
	"qms/internal/inspectionops"
	"qms/internal/qms"
)

// The recording page: quick on a tablet, and working through a dropped
// connection. The page is rendered whole by the server (no layout jumps);
// static/inspection.js records each entry through the JSON API with a key
// it generates, keeps entries and photos made offline in the browser
// (IndexedDB) and sends them when the connection returns. The store's
// entries are idempotent on the key, so a resend never duplicates.

// recClass is a defect class's plan for the running tally.
type recClass struct {
	Class inspection.DefectClass `json:"class"`
	Label string                 `json:"label"`
	N     int                    `json:"n"`
	Ac    int                    `json:"ac"`
	Re    int                    `json:"re"`
}

// recTest is an on-site test's plan.
type recTest struct {
	No   int    `json:"no"`
	Name string `json:"name"`
	N    int    `json:"n"`
	Ac   int    `json:"ac"`
	Re   int    `json:"re"`
	// Units are the unit numbers 1..N, for the page.
	Units []int `json:"-"`
}

// recDim is a dimensional characteristic with its limits, for highlighting
// readings out of tolerance as they are typed.
type recDim struct {
	No       int      `json:"no"`
	Name     string   `json:"name"`
	Unit     string   `json:"unit"`
	Lo       *float64 `json:"lo"`
	Hi       *float64 `json:"hi"`
	Req      string   `json:"req"`
	Critical bool     `json:"critical,omitempty"`
}

// recCheck is an attribute, packing or marking requirement, or a
// container checklist item.
type recCheck struct {
	No      int                `json:"no,omitempty"`
	Item    string             `json:"item,omitempty"`
	Name    string             `json:"name"`
	Req     string             `json:"req"`
	Section inspection.Section `json:"section"`
	// Photos are the spec's reference photos of an attribute check.
	Photos []int64 `json:"photos,omitempty"`
}

// recCode is a defect code of the library.
type recCode struct {
	Code  string                 `json:"code"`
	Desc  string                 `json:"desc"`
	Class inspection.DefectClass `json:"class"`
}

// recConfig is what the recording script starts from.
type recConfig struct {
	ID         int64               `json:"id"`
	Kind       inspection.Kind     `json:"kind"`
	Recordable bool                `json:"recordable"`
	API        string              `json:"api"`
	Page       string              `json:"page"`
	Units      int                 `json:"units"`
	Counting   inspection.Counting `json:"counting"`
	Classes    []recClass          `json:"classes"`
	Tests      []recTest           `json:"tests"`
	Dims       []recDim            `json:"dims"`
	Checks     []recCheck          `json:"checks"`
	Library    []recCode           `json:"library"`
	Entries    []inspection.Entry  `json:"entries"`
	Thumbs     map[int64]bool      `json:"thumbs"`
}

type recordPage struct {
	layout
	V          *inspectionops.View
	Config     string
	Units      []int // sample unit numbers shown as a grid
	Grid       bool
	MeasRows   []int // units with a measurement row at first
	Dims       []recDim
	Checks     []recCheck
	Container  []recCheck
	Tests      []recTest
	Sections   []inspection.Section
	Library    []recCode
	Classes    []inspection.DefectClass
	Recordable bool
	FAI        []inspection.FAIRow
	FAIPieces  []int
	Key        string
	CanEdit    bool
}

func (*recordPage) template() string { return "inspection_record" }

// gridMax is the largest sample shown as a grid of unit buttons; larger
// ones are stepped through.
const gridMax = 315

// inspectionRecord is the recording page of an inspection.
func (u *UI) inspectionRecord(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	v, err := u.insp().InspectionView(r.Context(), id)
	if err != nil {
		return err
	}
	in := v.Inspection
	p := &recordPage{V: v, Recordable: in.Status.Recordable() && qms.CanEditQualityRecords(a), Sections: inspection.SectionsFor(in.Kind),
		Classes: inspection.Classes, Key: newKey(), CanEdit: qms.CanEditQualityRecords(a)}
	p.Title = fmt.Sprintf("Record · %s %d · %s", in.Kind.Label(), in.ID, v.Product.SKU)
	cfg := recConfig{ID: id, Kind: in.Kind, Recordable: p.Recordable, API: "/api/v1/inspections/" + fmt.Sprint(id), Page: inspectionPath(id),
		Classes: []recClass{}, Tests: []recTest{}, Dims: []recDim{}, Checks: []recCheck{}, Library: []recCode{}, Entries: v.Entries, Thumbs: map[int64]bool{}}
	if cfg.Entries == nil {
		cfg.Entries = []inspection.Entry{}
	}
	if s := in.Sampling; s != nil {
		cfg.Units, cfg.Counting = s.UnitsToDraw, s.Counting
		for _, c := range s.Classes {
			cfg.Classes = append(cfg.Classes, recClass{Class: c.Class, Label: c.Class.Label(), N: c.SampleSize, Ac: c.Ac, Re: c.Re})
		}
		for _, t := range s.Tests {
			rt := recTest{No: t.No, Name: t.Name, N: t.SampleSize, Ac: t.Ac, Re: t.Re}
			for n := 1; n <= t.SampleSize; n++ {
				rt.Units = append(rt.Units, n)
			}
			cfg.Tests = append(cfg.Tests, rt)
		}
	}
	sections := map[inspection.Section]bool{}
	for _, s := range p.Sections {
		sections[s] = true
	}
	for _, c := range v.Spec.Characteristics {
		switch c.Kind {
		case inspection.CharDimensional:
			lo, hi := c.Limits()
			cfg.Dims = append(cfg.Dims, recDim{No: c.No, Name: c.Name, Unit: c.Unit, Lo: lo, Hi: hi, Req: c.Requirement(), Critical: c.Critical})
		case inspection.CharAttribute, inspection.CharPacking, inspection.CharMarking:
			sec := inspection.SecProductConformity
			if c.Kind == inspection.CharPacking {
				sec = inspection.SecPacking
			} else if c.Kind == inspection.CharMarking {
				sec = inspection.SecMarking
			}
			if sections[sec] {
				cfg.Checks = append(cfg.Checks, recCheck{No: c.No, Name: c.Name, Req: c.Requirement(), Section: sec, Photos: c.ReferencePhotos})
			}
		}
	}
	if in.Kind == inspection.KindContainerLoading {
		for _, item := range inspection.ContainerItems {
			p.Container = append(p.Container, recCheck{Item: item, Name: containerItemLabel(item), Section: inspection.SecContainer})
		}
	}
	for _, d := range v.Library {
		cfg.Library = append(cfg.Library, recCode{Code: d.Code, Desc: d.Description, Class: d.Class})
	}
	for _, f := range v.Photos {
		cfg.Thumbs[f.ID] = f.ThumbSHA256 != ""
	}
	p.Dims, p.Checks, p.Tests, p.Library = cfg.Dims, cfg.Checks, cfg.Tests, cfg.Library
	if !in.Kind.Sampled() {
		p.Dims, p.Tests = nil, nil
	}
	p.Grid = cfg.Units > 0 && cfg.Units <= gridMax
	for n := 1; n <= cfg.Units && p.Grid; n++ {
		p.Units = append(p.Units, n)
	}
	measured := map[int]bool{}
	for _, e := range inspection.LiveEntries(v.Entries) {
		if e.Measurement != nil {
			measured[e.Measurement.Unit] = true
		}
	}
	for n := 1; n <= cfg.Units; n++ {
		if n <= min(cfg.Units, 5) || measured[n] {
			p.MeasRows = append(p.MeasRows, n)
		}
	}
	if in.Kind == inspection.KindFirstArticle {
		p.FAI = v.Result.FAI
		for n := 1; n <= in.FAIPieces; n++ {
			p.FAIPieces = append(p.FAIPieces, n)
		}
	}
	b, err := json.Marshal(cfg)
	if err != nil {
		return err
	}
	p.Config = string(b)
	u.render(w, r, http.StatusOK, p)
	return nil
}

// containerItemLabel names a container checklist item for people.
func containerItemLabel(item string) string {
	switch item {
	case "walls":
		return "Walls"
	case "doors_and_seals":
		return "Doors and seals"
	case "floor":
		return "Floor"
	case "roof":
		return "Roof"
	case "odour":
		return "Odour"
	case "moisture":
		return "Moisture"
	case "pests":
		return "Pests"
	}
	return item
}
