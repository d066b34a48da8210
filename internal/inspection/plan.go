package inspection

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"qms/internal/qms"
	"qms/internal/sampling"
)

// Kind is what sort of inspection is done, and when.
type Kind string

const (
	KindIncoming         Kind = "incoming"          // IQC: a lot received at the buyer's or a contract manufacturer's warehouse
	KindPreProduction    Kind = "pre_production"    // PPI: materials, components and first pieces before mass production
	KindInProcess        Kind = "in_process"        // DUPRO: during production, at a planned percentage produced
	KindPreShipment      Kind = "pre_shipment"      // PSI / final random inspection: 100 % produced, at least 80 % packed
	KindContainerLoading Kind = "container_loading" // CLC: container condition, carton count, loading
	KindFirstArticle     Kind = "first_article"     // FAI: every characteristic of the released spec on the first articles
)

// Kinds lists the inspection kinds in the order of a product's life.
var Kinds = []Kind{KindFirstArticle, KindPreProduction, KindInProcess, KindPreShipment, KindContainerLoading, KindIncoming}

// Valid reports whether k is one of Kinds.
func (k Kind) Valid() bool { return slices.Contains(Kinds, k) }

// Label is the kind's name for people.
func (k Kind) Label() string {
	switch k {
	case KindIncoming:
		return "Incoming inspection (IQC)"
	case KindPreProduction:
		return "Pre-production inspection"
	case KindInProcess:
		return "During production inspection"
	case KindPreShipment:
		return "Pre-shipment inspection"
	case KindContainerLoading:
		return "Container loading check"
	case KindFirstArticle:
		return "First article inspection"
	}
	return string(k)
}

// Sampled reports whether inspections of this kind draw an AQL sample and
// are judged per defect class.
func (k Kind) Sampled() bool {
	return k == KindIncoming || k == KindPreProduction || k == KindInProcess || k == KindPreShipment
}

// FeedsSwitching reports whether the results of original inspections of
// this kind advance the switching streams: lot acceptance inspections of a
// continuing series of lots (incoming and pre-shipment). Inspections of
// partial production (pre-production, in-process) use the severity in force
// but do not move it, so that one lot is not counted twice.
func (k Kind) FeedsSwitching() bool { return k == KindIncoming || k == KindPreShipment }

// StageRule says that an inspection kind is required by a plan, and when.
type StageRule struct {
	Kind Kind `json:"kind"`
	// AtProducedPercent is the share of the lot produced when the
	// inspection is due: x % for in-process (typically 20), 100 for
	// pre-shipment.
	AtProducedPercent int `json:"at_produced_percent,omitempty"`
	// MinPackedPercent is the share of the lot packed that a pre-shipment
	// inspection needs (80 by default).
	MinPackedPercent int `json:"min_packed_percent,omitempty"`
}

// DefaultStage returns the usual rule of a kind: in-process at 20 %
// produced, pre-shipment at 100 % produced and 80 % packed.
func DefaultStage(k Kind) StageRule {
	switch k {
	case KindInProcess:
		return StageRule{Kind: k, AtProducedPercent: 20}
	case KindPreShipment:
		return StageRule{Kind: k, AtProducedPercent: 100, MinPackedPercent: 80}
	}
	return StageRule{Kind: k}
}

// ClassAQL is the AQL of one defect class in a plan, or the buyer's zero
// tolerance (usual for critical defects). A class left out of a plan is
// not judged.
type ClassAQL struct {
	Class         DefectClass  `json:"class"`
	AQL           sampling.AQL `json:"aql"`
	ZeroTolerance bool         `json:"zero_tolerance,omitempty"`
}

// Counting is how nonconformities are counted against Ac/Re.
type Counting string

const (
	// CountDefectives counts each nonconforming unit once, in the class of
	// its most serious defect (AQL as percent nonconforming).
	CountDefectives Counting = "defectives"
	// CountDefects counts every defect in its class (AQL as
	// nonconformities per 100 units).
	CountDefects Counting = "defects"
)

// Valid reports whether c is a counting convention.
func (c Counting) Valid() bool { return c == CountDefectives || c == CountDefects }

// Inspectors says who may inspect under a plan: internal staff (all, or
// the listed users), third-party agencies (any, or the listed ones), or
// both.
type Inspectors struct {
	Internal   bool     `json:"internal"`
	UserIDs    []int64  `json:"user_ids,omitempty"` // empty: any internal inspector
	ThirdParty bool     `json:"third_party"`
	Agencies   []string `json:"agencies,omitempty"` // empty: any agency
}

// Plan is the inspection plan of a product, or of one supplier's
// production of it (SupplierID set), which then takes precedence.
type Plan struct {
	ID         int64             `json:"id"`
	ProductID  int64             `json:"product_id"`
	SupplierID *int64            `json:"supplier_id,omitempty"`
	Stages     []StageRule       `json:"stages"` // the inspection kinds required
	Standard   sampling.Standard `json:"standard"`
	Level      sampling.Level    `json:"level"`
	Classes    []ClassAQL        `json:"classes"`
	Counting   Counting          `json:"counting"`
	// ReducedApproved is the responsible authority's standing approval of
	// reduced inspection when the switching rules allow it (and production
	// is steady). Without it a stream never goes to reduced.
	ReducedApproved bool       `json:"reduced_approved,omitempty"`
	Inspectors      Inspectors `json:"inspectors"`
	Notes           string     `json:"notes"`

	VoidedAt   *time.Time `json:"voided_at,omitempty"`
	VoidReason string     `json:"void_reason,omitempty"`
	CreatedAt  time.Time  `json:"created_at"`
	UpdatedAt  time.Time  `json:"updated_at"`
	Version    int64      `json:"version"`
}

// MaxAgencies bounds the agencies listed in a plan.
const MaxAgencies = 50

// Validate normalises and checks a plan: classes in the order critical,
// major, minor; stages in kind order with their defaults filled in.
// Returns an invalid error listing every problem.
func (pl *Plan) Validate() error {
	p := qms.Problems{}
	pl.Notes = strings.TrimSpace(pl.Notes)
	if pl.ProductID <= 0 {
		p.Add("product_id", "is required")
	}
	if pl.SupplierID != nil && *pl.SupplierID <= 0 {
		p.Add("supplier_id", "is not a supplier")
	}
	if pl.Standard != sampling.ISO2859 && pl.Standard != sampling.Z14 {
		p.Add("standard", "must be iso2859-1 or z1.4")
	}
	if _, err := sampling.CodeLetterFor(2, pl.Level); err != nil {
		p.Add("level", "must be S-1, S-2, S-3, S-4, I, II or III")
	}
	if pl.Counting == "" {
		pl.Counting = CountDefectives
	}
	if !pl.Counting.Valid() {
		p.Add("counting", "must be defectives (units, by their most serious defect) or defects")
	}
	checkLongText(p, "notes", pl.Notes, MaxLongTextLen)
	pl.Stages = validateStages(p, pl.Stages)
	pl.Classes = validateClasses(p, pl.Classes, pl.Counting)
	pl.Inspectors = validateInspectors(p, pl.Inspectors)
	return p.Err()
}

func validateStages(p qms.Problems, in []StageRule) []StageRule {
	out := []StageRule{}
	for i, s := range in {
		f := "stages." + strconv.Itoa(i)
		if !s.Kind.Valid() || s.Kind == KindFirstArticle {
			p.Add(f+".kind", "must be pre_production, in_process, pre_shipment, container_loading or incoming (first articles are gated, not planned per lot)")
			continue
		}
		if slices.ContainsFunc(out, func(o StageRule) bool { return o.Kind == s.Kind }) {
			p.Add(f+".kind", "is listed twice")
			continue
		}
		d := DefaultStage(s.Kind)
		if s.AtProducedPercent == 0 {
			s.AtProducedPercent = d.AtProducedPercent
		}
		if s.MinPackedPercent == 0 {
			s.MinPackedPercent = d.MinPackedPercent
		}
		if s.AtProducedPercent < 0 || s.AtProducedPercent > 100 {
			p.Add(f+".at_produced_percent", "must be from 0 to 100")
		}
		if s.MinPackedPercent < 0 || s.MinPackedPercent > 100 {
			p.Add(f+".min_packed_percent", "must be from 0 to 100")
		}
		if s.Kind == KindPreShipment && s.AtProducedPercent != 100 {
			p.Add(f+".at_produced_percent", "a pre-shipment inspection is done when the lot is 100 % produced")
		}
		if s.Kind != KindPreShipment && s.MinPackedPercent != 0 {
			p.Add(f+".min_packed_percent", "applies to pre-shipment inspections only")
		}
		out = append(out, s)
	}
	slices.SortFunc(out, func(a, b StageRule) int { return slices.Index(Kinds, a.Kind) - slices.Index(Kinds, b.Kind) })
	return out
}

func validateClasses(p qms.Problems, in []ClassAQL, counting Counting) []ClassAQL {
	if len(in) == 0 {
		p.Add("classes", "give the AQL (or zero tolerance) of at least one defect class")
		return []ClassAQL{}
	}
	out := []ClassAQL{}
	for i, c := range in {
		f := "classes." + strconv.Itoa(i)
		switch {
		case !c.Class.Valid():
			p.Add(f+".class", "must be critical, major or minor")
			continue
		case slices.ContainsFunc(out, func(o ClassAQL) bool { return o.Class == c.Class }):
			p.Add(f+".class", "is given twice")
			continue
		case c.ZeroTolerance && c.AQL != 0:
			p.Add(f+".aql", "a zero-tolerance class has no AQL")
		case !c.ZeroTolerance && c.AQL == 0:
			p.Add(f+".aql", "is required (or zero tolerance); valid values are "+sampling.ValidAQLs())
		case !c.ZeroTolerance && counting == CountDefectives && c.AQL.Value() > 10:
			p.Add(f+".aql", "an AQL above 10 is in nonconformities per 100 units: count defects, not defective units")
		}
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b ClassAQL) int { return b.Class.Rank() - a.Class.Rank() })
	return out
}

func validateInspectors(p qms.Problems, in Inspectors) Inspectors {
	if !in.Internal && !in.ThirdParty {
		p.Add("inspectors", "allow internal inspectors, third-party agencies or both")
	}
	var ids []int64
	for _, id := range in.UserIDs {
		if id <= 0 {
			p.Add("inspectors.user_ids", "must be user ids")
		} else if !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	if len(ids) > 0 && !in.Internal {
		p.Add("inspectors.user_ids", "list users only when internal inspectors are allowed")
	}
	var ags []string
	for _, a := range in.Agencies {
		a = strings.TrimSpace(a)
		qms.CheckText(p, "inspectors.agencies", a, MaxNameLen)
		if a != "" && !slices.ContainsFunc(ags, func(x string) bool { return strings.EqualFold(x, a) }) {
			ags = append(ags, a)
		}
	}
	if len(ags) > MaxAgencies {
		p.Add("inspectors.agencies", "at most "+strconv.Itoa(MaxAgencies)+" agencies")
	}
	if len(ags) > 0 && !in.ThirdParty {
		p.Add("inspectors.agencies", "list agencies only when third-party inspection is allowed")
	}
	in.UserIDs, in.Agencies = ids, ags
	return in
}

// Stage returns the plan's rule for kind k, or the default rule and false
// when the plan does not list k.
func (pl *Plan) Stage(k Kind) (StageRule, bool) {
	for _, s := range pl.Stages {
		if s.Kind == k {
			return s, true
		}
	}
	return DefaultStage(k), false
}

// Class returns the plan's AQL of class c.
func (pl *Plan) Class(c DefectClass) (ClassAQL, bool) {
	for _, x := range pl.Classes {
		if x.Class == c {
			return x, true
		}
	}
	return ClassAQL{}, false
}

// Allows reports whether the inspector may inspect under the plan, and if
// not, why.
func (in Inspectors) Allows(x Inspector) (bool, string) {
	if x.Agency == "" {
		switch {
		case !in.Internal:
			return false, "this plan calls for a third-party agency, not internal inspectors"
		case len(in.UserIDs) > 0 && (x.UserID == nil || !slices.Contains(in.UserIDs, *x.UserID)):
			return false, "this inspector is not one of the users the plan names"
		}
		return true, ""
	}
	switch {
	case !in.ThirdParty:
		return false, "this plan calls for internal inspectors, not a third-party agency"
	case len(in.Agencies) > 0 && !slices.ContainsFunc(in.Agencies, func(a string) bool { return strings.EqualFold(a, x.Agency) }):
		return false, "the agency “" + x.Agency + "” is not one of the agencies the plan names"
	}
	return true, ""
}
