package api

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"qms/internal/qms"
	"qms/internal/store"
	"qms/internal/supplier"
	"qms/internal/supplierops"
)

// Suppliers, sites, overrides, the approved supplier list, certificate
// requirements and the supplier settings. Every operation goes through
// package supplierops: a supplier user sees only its own supplier, and
// every record of another supplier answers 404.

// Supplier is a supplier (a legal entity) as the API shows it.
type Supplier struct {
	ID              int64              `json:"id"`
	Name            string             `json:"name" doc:"As on the business licence, in any script."`
	NameLatin       string             `json:"name_latin" doc:"In Latin letters; required when name is not."`
	Kind            string             `json:"kind" enum:"manufacturer,trading_company"`
	Country         string             `json:"country" doc:"ISO 3166-1 alpha-2 code."`
	Address         string             `json:"address"`
	Contacts        []supplier.Contact `json:"contacts"`
	Categories      []string           `json:"categories" doc:"Product category codes."`
	Notes           string             `json:"notes,omitempty" doc:"Internal notes; never shown to supplier users."`
	Status          string             `json:"status" enum:"prospect,under_qualification,approved,conditionally_approved,probation,disqualified"`
	StatusLabel     string             `json:"status_label" doc:"The status in words."`
	StatusReason    string             `json:"status_reason,omitempty"`
	StatusChangedAt *time.Time         `json:"status_changed_at,omitempty"`
	StatusChangedBy string             `json:"status_changed_by,omitempty"`
	OnApprovedList  bool               `json:"on_approved_list" doc:"Approved, conditionally approved or on probation."`
	VoidedAt        *time.Time         `json:"voided_at,omitempty"`
	VoidReason      string             `json:"void_reason,omitempty"`
	CreatedAt       time.Time          `json:"created_at"`
	UpdatedAt       time.Time          `json:"updated_at"`
	Version         int64              `json:"version" doc:"Send it back with changes; a stale version gets 409."`
}

func supplierOut(s *supplier.Supplier) Supplier {
	return Supplier{ID: s.ID, Name: s.Name, NameLatin: s.NameLatin, Kind: string(s.Kind), Country: s.Country, Address: s.Address,
		Contacts: nonNil(s.Contacts), Categories: nonNil(s.Categories), Notes: s.Notes, Status: string(s.Status), StatusLabel: s.Status.Label(),
		StatusReason: s.StatusReason, StatusChangedAt: s.StatusChangedAt, StatusChangedBy: s.StatusChangedBy,
		OnApprovedList: s.Status.OnApprovedList(), VoidedAt: s.VoidedAt, VoidReason: s.VoidReason, CreatedAt: s.CreatedAt,
		UpdatedAt: s.UpdatedAt, Version: s.Version}
}

// Site is a factory site of a supplier.
type Site struct {
	ID           int64              `json:"id"`
	SupplierID   int64              `json:"supplier_id"`
	Name         string             `json:"name" doc:"In the local script."`
	NameLatin    string             `json:"name_latin"`
	Address      string             `json:"address" doc:"In the local script."`
	AddressLatin string             `json:"address_latin" doc:"In Latin letters, as certificates often print it."`
	Country      string             `json:"country"`
	Categories   []string           `json:"categories" doc:"Product categories made here."`
	Capacity     string             `json:"capacity"`
	Contacts     []supplier.Contact `json:"contacts"`
	Notes        string             `json:"notes,omitempty" doc:"Internal notes; never shown to supplier users."`
	VoidedAt     *time.Time         `json:"voided_at,omitempty"`
	VoidReason   string             `json:"void_reason,omitempty"`
	CreatedAt    time.Time          `json:"created_at"`
	UpdatedAt    time.Time          `json:"updated_at"`
	Version      int64              `json:"version"`
}

func siteOut(s *supplier.Site) Site {
	return Site{ID: s.ID, SupplierID: s.SupplierID, Name: s.Name, NameLatin: s.NameLatin, Address: s.Address, AddressLatin: s.AddressLatin,
		Country: s.Country, Categories: nonNil(s.Categories), Capacity: s.Capacity, Contacts: nonNil(s.Contacts), Notes: s.Notes,
		VoidedAt: s.VoidedAt, VoidReason: s.VoidReason, CreatedAt: s.CreatedAt, UpdatedAt: s.UpdatedAt, Version: s.Version}
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// Override is a quality manager's waiver of a certificate requirement.
type Override struct {
	ID         int64      `json:"id"`
	SupplierID int64      `json:"supplier_id"`
	SiteID     int64      `json:"site_id,omitempty" doc:"Absent: every site of the supplier."`
	Standard   string     `json:"standard" doc:"The required standard it waives."`
	Reason     string     `json:"reason"`
	Until      string     `json:"until" format:"date" doc:"The last day it holds."`
	Active     bool       `json:"active" doc:"In force today."`
	CreatedBy  string     `json:"created_by"`
	CreatedAt  time.Time  `json:"created_at"`
	VoidedAt   *time.Time `json:"voided_at,omitempty" doc:"Ended early."`
	VoidReason string     `json:"void_reason,omitempty"`
}

func overrideOut(o *supplier.Override) Override {
	return Override{ID: o.ID, SupplierID: o.SupplierID, SiteID: o.SiteID, Standard: o.Standard, Reason: o.Reason, Until: o.Until.String(),
		Active: o.Active(qms.DateOf(time.Now().UTC())), CreatedBy: o.CreatedBy, CreatedAt: o.CreatedAt, VoidedAt: o.VoidedAt, VoidReason: o.VoidReason}
}

// GateCheck is the state of one certificate requirement for a supplier or
// one of its sites.
type GateCheck struct {
	Standard      string `json:"standard"`
	Category      string `json:"category,omitempty" doc:"The category the requirement is for; absent: every category."`
	Market        string `json:"market,omitempty"`
	SiteID        int64  `json:"site_id,omitempty"`
	SiteName      string `json:"site_name,omitempty"`
	Code          string `json:"code" enum:"met,expiring,missing,awaiting_review,expired,suspended,withdrawn"`
	Message       string `json:"message" doc:"What the state means, in plain words."`
	Blocking      bool   `json:"blocking" doc:"Not met and not waived: approval is blocked."`
	CertificateID int64  `json:"certificate_id,omitempty" doc:"The certificate that meets it, or the best one that does not."`
	OverrideID    int64  `json:"override_id,omitempty" doc:"The override that waives it."`
}

// Qualification is the answer of the approval gate: what is required, what
// is missing or expired, and what an override waives.
type Qualification struct {
	Allowed bool        `json:"allowed" doc:"Every applicable requirement is met or waived: approval may proceed."`
	Checks  []GateCheck `json:"checks"`
}

func qualificationOut(g supplier.GateResult) Qualification {
	q := Qualification{Allowed: g.Allowed, Checks: []GateCheck{}}
	for _, c := range g.Checks {
		gc := GateCheck{Standard: c.Requirement.Standard, Category: c.Requirement.Category, Market: c.Requirement.Market, SiteID: c.SiteID,
			SiteName: c.SiteName, Code: c.Code, Message: c.Message, Blocking: c.Blocking, CertificateID: c.CertificateID}
		if c.Override != nil {
			gc.OverrideID = c.Override.ID
		}
		q.Checks = append(q.Checks, gc)
	}
	return q
}

// SupplierDetail is a supplier with its sites, certificates and
// qualification.
type SupplierDetail struct {
	Supplier
	Sites         []Site        `json:"sites"`
	Certificates  []Certificate `json:"certificates" doc:"Not voided; expired and rejected ones included, each with its status and red flags."`
	Qualification Qualification `json:"qualification"`
}

// SupplierID is the path parameter of the operations on one supplier.
type SupplierID struct {
	ID int64 `path:"id" minimum:"1" doc:"The id of the supplier."`
}

// RecordID is the path parameter of the operations on one site, override,
// requirement, category or accreditation body.
type RecordID struct {
	ID int64 `path:"id" minimum:"1" doc:"The id of the record."`
}

type supplierOutput struct{ Body Supplier }
type supplierDetailOutput struct{ Body SupplierDetail }

type listSuppliersInput struct {
	Q             string `query:"q" maxLength:"300" doc:"Part of the local or Latin name, ignoring case and Vietnamese diacritics."`
	Status        string `query:"status" enum:"prospect,under_qualification,approved,conditionally_approved,probation,disqualified"`
	Country       string `query:"country" pattern:"^[A-Za-z]{2}$" doc:"ISO 3166-1 alpha-2 code."`
	Category      string `query:"category" maxLength:"64" doc:"Suppliers that make the category, themselves or at a site."`
	Sort          string `query:"sort" enum:"name,-name,country,status,updated,-updated" default:"name"`
	IncludeVoided bool   `query:"include_voided"`
	PageParams
}

// SupplierPage is one page of suppliers, with the number of matches in all.
type SupplierPage struct {
	Page[Supplier]
	Total int `json:"total" doc:"Suppliers matching the filter, on all pages."`
}

type listSuppliersOutput struct{ Body SupplierPage }

// SupplierRequest is the body of POST /suppliers.
type SupplierRequest struct {
	Name       string             `json:"name" maxLength:"300"`
	NameLatin  string             `json:"name_latin,omitempty" maxLength:"300"`
	Kind       string             `json:"kind" enum:"manufacturer,trading_company"`
	Country    string             `json:"country" maxLength:"2"`
	Address    string             `json:"address,omitempty" maxLength:"1000"`
	Contacts   []supplier.Contact `json:"contacts,omitempty" maxItems:"20"`
	Categories []string           `json:"categories,omitempty" maxItems:"50"`
	Notes      string             `json:"notes,omitempty" maxLength:"10000"`
}

type createSupplierInput struct{ Body SupplierRequest }
type createSupplierOutput struct {
	Location string `header:"Location"`
	Body     Supplier
}

// UpdateSupplierRequest is the body of PATCH /suppliers/{id}: the fields
// to change (absent: unchanged) and the version the change is based on.
type UpdateSupplierRequest struct {
	Name       *string            `json:"name,omitempty" maxLength:"300"`
	NameLatin  *string            `json:"name_latin,omitempty" maxLength:"300"`
	Kind       *string            `json:"kind,omitempty" enum:"manufacturer,trading_company"`
	Country    *string            `json:"country,omitempty" maxLength:"2"`
	Address    *string            `json:"address,omitempty" maxLength:"1000"`
	Contacts   []supplier.Contact `json:"contacts,omitempty" maxItems:"20" doc:"Replaces every contact."`
	Categories []string           `json:"categories,omitempty" maxItems:"50" doc:"Replaces every category."`
	Notes      *string            `json:"notes,omitempty" maxLength:"10000"`
	Version    int64              `json:"version" minimum:"1"`
	Reason     string             `json:"reason,omitempty" maxLength:"1000"`
}

type updateSupplierInput struct {
	SupplierID
	Body UpdateSupplierRequest
}

// StatusRequest is the body of POST /suppliers/{id}/status.
type StatusRequest struct {
	Status  string `json:"status" enum:"prospect,under_qualification,approved,conditionally_approved,probation,disqualified"`
	Reason  string `json:"reason" minLength:"1" maxLength:"2000" doc:"Why; kept in the history."`
	Version int64  `json:"version" minimum:"1"`
	// Password signs an approval in ISO 13485 mode.
	Password string `json:"password,omitempty" maxLength:"1000" doc:"ISO 13485 mode: to approve or conditionally approve, the approver's own password, entered again, as the approval is signed electronically. A wrong one is 422 and counts toward the sign-in limit. Ignored otherwise."`
}

type statusInput struct {
	SupplierID
	Body StatusRequest
}

// VoidRequest is the body of the void operations.
type VoidRequest struct {
	Reason  string `json:"reason" minLength:"1" maxLength:"2000" doc:"Why the record is voided."`
	Version int64  `json:"version,omitempty" minimum:"1" doc:"The version of the record; required where the record has one."`
}

type voidSupplierInput struct {
	SupplierID
	Body VoidRequest
}

type qualificationInput struct {
	SupplierID
	SiteID   int64    `query:"site_id" minimum:"1" doc:"Check one site only."`
	Category []string `query:"category" maxItems:"50" doc:"Check for these categories instead of those the supplier makes."`
	Market   []string `query:"market" maxItems:"50" doc:"Destination markets; requirements for a market apply only when it is listed."`
}

type qualificationOutput struct{ Body Qualification }

// StatusChange is one change of a supplier's status.
type StatusChange struct {
	Seq    int64     `json:"seq" doc:"The audit event."`
	Time   time.Time `json:"time"`
	Actor  string    `json:"actor"`
	Action string    `json:"action" enum:"create,status,void"`
	From   string    `json:"from,omitempty"`
	To     string    `json:"to,omitempty"`
	Reason string    `json:"reason,omitempty"`
}

type historyOutput struct{ Body []StatusChange }

type overridesOutput struct{ Body []Override }

// OverrideRequest is the body of POST /suppliers/{id}/overrides.
type OverrideRequest struct {
	Standard string `json:"standard" maxLength:"100" doc:"The required standard to waive, e.g. ISO 13485."`
	SiteID   int64  `json:"site_id,omitempty" minimum:"1" doc:"One site only; absent: the whole supplier."`
	Reason   string `json:"reason" maxLength:"2000"`
	Until    string `json:"until" format:"date" doc:"The last day it holds, at most a year ahead."`
}

type createOverrideInput struct {
	SupplierID
	Body OverrideRequest
}

type overrideOutput struct{ Body Override }

// ReasonBody is the body of operations that need only a reason.
type ReasonBody struct {
	Reason string `json:"reason" minLength:"1" maxLength:"2000"`
}

type voidOverrideInput struct {
	RecordID
	Body ReasonBody
}

type listSitesInput struct {
	SupplierID int64 `query:"supplier_id" required:"true" minimum:"1" doc:"The supplier whose sites to list."`
}

type sitesOutput struct{ Body []Site }
type siteOutput struct{ Body Site }

// SiteRequest is the body of POST /sites.
type SiteRequest struct {
	SupplierID   int64              `json:"supplier_id" minimum:"1"`
	Name         string             `json:"name" maxLength:"300"`
	NameLatin    string             `json:"name_latin,omitempty" maxLength:"300"`
	Address      string             `json:"address,omitempty" maxLength:"1000"`
	AddressLatin string             `json:"address_latin,omitempty" maxLength:"1000"`
	Country      string             `json:"country" maxLength:"2"`
	Categories   []string           `json:"categories,omitempty" maxItems:"50"`
	Capacity     string             `json:"capacity,omitempty" maxLength:"1000"`
	Contacts     []supplier.Contact `json:"contacts,omitempty" maxItems:"20"`
	Notes        string             `json:"notes,omitempty" maxLength:"10000"`
}

type createSiteInput struct{ Body SiteRequest }
type createSiteOutput struct {
	Location string `header:"Location"`
	Body     Site
}

// UpdateSiteRequest is the body of PATCH /sites/{id}.
type UpdateSiteRequest struct {
	Name         *string            `json:"name,omitempty" maxLength:"300"`
	NameLatin    *string            `json:"name_latin,omitempty" maxLength:"300"`
	Address      *string            `json:"address,omitempty" maxLength:"1000"`
	AddressLatin *string            `json:"address_latin,omitempty" maxLength:"1000"`
	Country      *string            `json:"country,omitempty" maxLength:"2"`
	Categories   []string           `json:"categories,omitempty" maxItems:"50"`
	Capacity     *string            `json:"capacity,omitempty" maxLength:"1000"`
	Contacts     []supplier.Contact `json:"contacts,omitempty" maxItems:"20"`
	Notes        *string            `json:"notes,omitempty" maxLength:"10000"`
	Version      int64              `json:"version" minimum:"1"`
	Reason       string             `json:"reason,omitempty" maxLength:"1000"`
}

type updateSiteInput struct {
	RecordID
	Body UpdateSiteRequest
}

type voidSiteInput struct {
	RecordID
	Body VoidRequest
}

// ApprovedSupplier is an entry of the approved supplier list.
type ApprovedSupplier struct {
	Supplier     Supplier      `json:"supplier"`
	Sites        []Site        `json:"sites" doc:"Active sites (those making the category, when the list is for one)."`
	Certificates []Certificate `json:"certificates" doc:"Accepted and submitted certificates; expired ones included."`
}

type approvedInput struct {
	Category string `query:"category" maxLength:"64" doc:"The product category; absent: every category."`
	PageParams
}

type approvedOutput struct{ Body Page[ApprovedSupplier] }

func (a *API) ops() *supplierops.Service { return &supplierops.Service{Store: a.store, Auth: a.auth} }

func (a *API) registerSuppliers() {
	tags := []string{"Suppliers"}
	op := func(id, method, path, summary, desc string, errs ...int) huma.Operation {
		return huma.Operation{OperationID: id, Method: method, Path: path, Tags: tags, Summary: summary, Description: desc, Errors: errs}
	}
	nf, cf := http.StatusNotFound, http.StatusConflict
	Handle(a, op("list-suppliers", "GET", "/suppliers", "List suppliers",
		"Filtered, sorted and paged. A supplier user's list holds its own supplier only."), a.listSuppliers)
	create := op("create-supplier", "POST", "/suppliers", "Create a supplier", "A new supplier is a prospect. Admins, quality managers and inspectors.")
	create.DefaultStatus = http.StatusCreated
	Handle(a, create, a.createSupplier)
	Handle(a, op("get-supplier", "GET", "/suppliers/{id}", "Get a supplier",
		"With its sites, its certificates (status and red flags explained) and its qualification. A supplier user gets its own supplier without the buyer's red flags and notes; any other supplier is 404.", nf), a.getSupplier)
	Handle(a, op("update-supplier", "PATCH", "/suppliers/{id}", "Change a supplier",
		"Send only the fields to change, with the version you read. Not the status: see POST /suppliers/{id}/status.", nf, cf), a.updateSupplier)
	Handle(a, op("change-supplier-status", "POST", "/suppliers/{id}/status", "Change a supplier's status",
		"Quality managers and admins, with a reason. Moves outside the lifecycle get 409; so does approving while a required certificate is missing or expired and not waived by an override.", nf, cf), a.changeStatus)
	Handle(a, op("void-supplier", "POST", "/suppliers/{id}/void", "Void a supplier", "Quality managers and admins, with a reason.", nf, cf), a.voidSupplier)
	Handle(a, op("get-supplier-qualification", "GET", "/suppliers/{id}/qualification", "Check the approval gate",
		"What is required of the supplier (or one site), what is met, missing or expired, and what an override waives.", nf), a.qualification)
	Handle(a, op("list-supplier-history", "GET", "/suppliers/{id}/history", "Status history",
		"The supplier's creation and status changes, newest first, from the audit trail. Internal users only.", nf), a.supplierHistory)
	Handle(a, op("list-overrides", "GET", "/suppliers/{id}/overrides", "List overrides", "Newest first, ended ones too. Internal users only.", nf), a.listOverrides)
	createO := op("create-override", "POST", "/suppliers/{id}/overrides", "Record an override",
		"Quality managers and admins: let the supplier pass the approval gate without a required certificate until an end date.", nf, cf)
	createO.DefaultStatus = http.StatusCreated
	Handle(a, createO, a.createOverride)
	Handle(a, op("void-override", "POST", "/overrides/{id}/void", "End an override early", "Quality managers and admins, with a reason.", nf, cf), a.voidOverride)
	a.registerScorecards()

	sitesTags := []string{"Sites"}
	sop := func(id, method, path, summary, desc string, errs ...int) huma.Operation {
		o := op(id, method, path, summary, desc, errs...)
		o.Tags = sitesTags
		return o
	}
	Handle(a, sop("list-sites", "GET", "/sites", "List a supplier's sites", "Voided ones too, for internal users.", nf), a.listSites)
	createS := sop("create-site", "POST", "/sites", "Add a site", "Admins, quality managers and inspectors.", nf, cf)
	createS.DefaultStatus = http.StatusCreated
	Handle(a, createS, a.createSite)
	Handle(a, sop("get-site", "GET", "/sites/{id}", "Get a site", "A site of another supplier is 404 for a supplier user.", nf), a.getSite)
	Handle(a, sop("update-site", "PATCH", "/sites/{id}", "Change a site", "Send only the fields to change, with the version.", nf, cf), a.updateSite)
	Handle(a, sop("void-site", "POST", "/sites/{id}/void", "Void a site", "Quality managers and admins, with a reason.", nf, cf), a.voidSite)

	Handle(a, op("list-approved-suppliers", "GET", "/approved-suppliers", "The approved supplier list",
		"Suppliers approved, conditionally approved or on probation, for a category or all, with sites and certificates. Internal users only."), a.approvedSuppliers)
	a.registerSupplierSettings()
}

func (a *API) listSuppliers(ctx context.Context, in *listSuppliersInput) (*listSuppliersOutput, error) {
	offset, err := in.After()
	if err != nil {
		return nil, err
	}
	f := store.SupplierFilter{Query: strings.TrimSpace(in.Q), Country: in.Country, Category: in.Category, Sort: in.Sort,
		IncludeVoided: in.IncludeVoided, Offset: int(offset), Limit: in.PageLimit()}
	if in.Status != "" {
		f.Statuses = []supplier.Status{supplier.Status(in.Status)}
	}
	page, err := a.ops().ListSuppliers(ctx, f)
	if err != nil {
		return nil, err
	}
	items := make([]Supplier, len(page.Items))
	for i := range page.Items {
		items[i] = supplierOut(&page.Items[i])
	}
	return &listSuppliersOutput{Body: SupplierPage{Page: NewPage(items, page.Next), Total: page.Total}}, nil
}

func (a *API) createSupplier(ctx context.Context, in *createSupplierInput) (*createSupplierOutput, error) {
	b := in.Body
	s := &supplier.Supplier{Name: b.Name, NameLatin: b.NameLatin, Kind: supplier.Kind(b.Kind), Country: b.Country, Address: b.Address,
		Contacts: b.Contacts, Categories: b.Categories, Notes: b.Notes}
	if err := a.ops().CreateSupplier(ctx, s); err != nil {
		return nil, err
	}
	return &createSupplierOutput{Location: Prefix + "/suppliers/" + strconv.FormatInt(s.ID, 10), Body: supplierOut(s)}, nil
}

func (a *API) getSupplier(ctx context.Context, in *SupplierID) (*supplierDetailOutput, error) {
	d, err := a.ops().SupplierDetail(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	out := SupplierDetail{Supplier: supplierOut(&d.Supplier), Sites: []Site{}, Certificates: []Certificate{}, Qualification: qualificationOut(d.Gate)}
	for i := range d.Sites {
		out.Sites = append(out.Sites, siteOut(&d.Sites[i]))
	}
	internal := qms.CanViewInternal(Actor(ctx))
	for i := range d.Certificates {
		c := certificateOut(&d.Certificates[i], nil, internal)
		c.RedFlags = nonNil(d.Flags[c.ID])
		out.Certificates = append(out.Certificates, c)
	}
	return &supplierDetailOutput{Body: out}, nil
}

func (a *API) updateSupplier(ctx context.Context, in *updateSupplierInput) (*supplierOutput, error) {
	b := in.Body
	if err := checkReason("body.reason", b.Reason); err != nil {
		return nil, err
	}
	cur, err := a.ops().Supplier(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	if b.Name == nil && b.NameLatin == nil && b.Kind == nil && b.Country == nil && b.Address == nil && b.Contacts == nil &&
		b.Categories == nil && b.Notes == nil {
		return nil, Invalid("body", "names nothing to change")
	}
	s := *cur
	set(&s.Name, b.Name)
	set(&s.NameLatin, b.NameLatin)
	set(&s.Country, b.Country)
	set(&s.Address, b.Address)
	set(&s.Notes, b.Notes)
	if b.Kind != nil {
		s.Kind = supplier.Kind(*b.Kind)
	}
	if b.Contacts != nil {
		s.Contacts = b.Contacts
	}
	if b.Categories != nil {
		s.Categories = b.Categories
	}
	if err := a.ops().UpdateSupplier(ctx, &s, b.Version, b.Reason); err != nil {
		return nil, err
	}
	return &supplierOutput{Body: supplierOut(&s)}, nil
}

func set(dst *string, v *string) {
	if v != nil {
		*dst = *v
	}
}

func (a *API) changeStatus(ctx context.Context, in *statusInput) (*supplierOutput, error) {
	s, err := a.ops().SetStatusSigned(ctx, in.ID, supplier.Status(in.Body.Status), in.Body.Reason, in.Body.Version, in.Body.Password)
	if err != nil {
		return nil, err
	}
	return &supplierOutput{Body: supplierOut(s)}, nil
}

func (a *API) voidSupplier(ctx context.Context, in *voidSupplierInput) (*supplierOutput, error) {
	s, err := a.ops().VoidSupplier(ctx, in.ID, in.Body.Reason, in.Body.Version)
	if err != nil {
		return nil, err
	}
	return &supplierOutput{Body: supplierOut(s)}, nil
}

func (a *API) qualification(ctx context.Context, in *qualificationInput) (*qualificationOutput, error) {
	g, err := a.ops().Gate(ctx, in.ID, in.SiteID, in.Category, in.Market)
	if err != nil {
		return nil, err
	}
	return &qualificationOutput{Body: qualificationOut(g)}, nil
}

func (a *API) supplierHistory(ctx context.Context, in *SupplierID) (*historyOutput, error) {
	hist, err := a.ops().StatusHistory(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	out := []StatusChange{}
	for _, h := range hist {
		out = append(out, StatusChange{Seq: h.Seq, Time: h.Time, Actor: h.ActorName, Action: h.Action, From: string(h.From), To: string(h.To), Reason: h.Reason})
	}
	return &historyOutput{Body: out}, nil
}

func (a *API) listOverrides(ctx context.Context, in *SupplierID) (*overridesOutput, error) {
	os, err := a.ops().Overrides(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	out := []Override{}
	for i := range os {
		out = append(out, overrideOut(&os[i]))
	}
	return &overridesOutput{Body: out}, nil
}

// date parses a date of a request body; location names the field.
func date(location, s string) (qms.Date, error) {
	d, err := qms.ParseDate(s)
	if err != nil {
		return d, Invalid(location, "must be a date such as 2027-03-31")
	}
	return d, nil
}

func (a *API) createOverride(ctx context.Context, in *createOverrideInput) (*overrideOutput, error) {
	b := in.Body
	if err := checkReason("body.reason", b.Reason); err != nil {
		return nil, err
	}
	until, err := date("body.until", b.Until)
	if err != nil {
		return nil, err
	}
	o := &supplier.Override{SupplierID: in.ID, SiteID: b.SiteID, Standard: b.Standard, Reason: b.Reason, Until: until}
	if err := a.ops().CreateOverride(ctx, o); err != nil {
		return nil, err
	}
	return &overrideOutput{Body: overrideOut(o)}, nil
}

func (a *API) voidOverride(ctx context.Context, in *voidOverrideInput) (*overrideOutput, error) {
	if err := checkReason("body.reason", in.Body.Reason); err != nil {
		return nil, err
	}
	o, err := a.ops().VoidOverride(ctx, in.ID, in.Body.Reason)
	if err != nil {
		return nil, err
	}
	return &overrideOutput{Body: overrideOut(o)}, nil
}

func (a *API) listSites(ctx context.Context, in *listSitesInput) (*sitesOutput, error) {
	sites, err := a.ops().Sites(ctx, in.SupplierID)
	if err != nil {
		return nil, err
	}
	out := []Site{}
	for i := range sites {
		out = append(out, siteOut(&sites[i]))
	}
	return &sitesOutput{Body: out}, nil
}

func (a *API) createSite(ctx context.Context, in *createSiteInput) (*createSiteOutput, error) {
	b := in.Body
	s := &supplier.Site{SupplierID: b.SupplierID, Name: b.Name, NameLatin: b.NameLatin, Address: b.Address, AddressLatin: b.AddressLatin,
		Country: b.Country, Categories: b.Categories, Capacity: b.Capacity, Contacts: b.Contacts, Notes: b.Notes}
	if err := a.ops().CreateSite(ctx, s); err != nil {
		return nil, err
	}
	return &createSiteOutput{Location: Prefix + "/sites/" + strconv.FormatInt(s.ID, 10), Body: siteOut(s)}, nil
}

func (a *API) getSite(ctx context.Context, in *RecordID) (*siteOutput, error) {
	s, err := a.ops().Site(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	return &siteOutput{Body: siteOut(s)}, nil
}

func (a *API) updateSite(ctx context.Context, in *updateSiteInput) (*siteOutput, error) {
	b := in.Body
	if err := checkReason("body.reason", b.Reason); err != nil {
		return nil, err
	}
	cur, err := a.ops().Site(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	if b.Name == nil && b.NameLatin == nil && b.Address == nil && b.AddressLatin == nil && b.Country == nil && b.Categories == nil &&
		b.Capacity == nil && b.Contacts == nil && b.Notes == nil {
		return nil, Invalid("body", "names nothing to change")
	}
	s := *cur
	set(&s.Name, b.Name)
	set(&s.NameLatin, b.NameLatin)
	set(&s.Address, b.Address)
	set(&s.AddressLatin, b.AddressLatin)
	set(&s.Country, b.Country)
	set(&s.Capacity, b.Capacity)
	set(&s.Notes, b.Notes)
	if b.Categories != nil {
		s.Categories = b.Categories
	}
	if b.Contacts != nil {
		s.Contacts = b.Contacts
	}
	if err := a.ops().UpdateSite(ctx, &s, b.Version, b.Reason); err != nil {
		return nil, err
	}
	return &siteOutput{Body: siteOut(&s)}, nil
}

func (a *API) voidSite(ctx context.Context, in *voidSiteInput) (*siteOutput, error) {
	s, err := a.ops().VoidSite(ctx, in.ID, in.Body.Reason, in.Body.Version)
	if err != nil {
		return nil, err
	}
	return &siteOutput{Body: siteOut(s)}, nil
}

func (a *API) approvedSuppliers(ctx context.Context, in *approvedInput) (*approvedOutput, error) {
	offset, err := in.After()
	if err != nil {
		return nil, err
	}
	entries, next, err := a.ops().ApprovedList(ctx, in.Category, int(offset), in.PageLimit())
	if err != nil {
		return nil, err
	}
	items := []ApprovedSupplier{}
	for _, e := range entries {
		as := ApprovedSupplier{Supplier: supplierOut(&e.Supplier), Sites: []Site{}, Certificates: []Certificate{}}
		for i := range e.Sites {
			as.Sites = append(as.Sites, siteOut(&e.Sites[i]))
		}
		for i := range e.Certificates {
			as.Certificates = append(as.Certificates, certificateOut(&e.Certificates[i], nil, true))
		}
		items = append(items, as)
	}
	return &approvedOutput{Body: NewPage(items, next)}, nil
}
