package api

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"qms/internal/qms"
	"qms/internal/store"
	"qms/internal/supplier"
)

// Certificates and test reports, their verification records, the expiring
// list, and the configuration the certificate rules use: thresholds,
// accreditation bodies, product categories and certificate requirements.

// CertificateStatus is a certificate's derived status today, on two axes.
type CertificateStatus struct {
	Validity     supplier.Finding  `json:"validity" doc:"valid, expiring, expired, suspended or withdrawn, explained."`
	Verification *supplier.Finding `json:"verification,omitempty" doc:"verified, never_verified or verification_stale, explained; absent for supplier users."`
	DaysLeft     *int              `json:"days_left,omitempty" doc:"Days from today to the expiry date, negative once expired."`
}

// Certificate is a certificate or test report as the API shows it.
type Certificate struct {
	ID                   int64              `json:"id"`
	SupplierID           int64              `json:"supplier_id"`
	SupplierName         string             `json:"supplier_name,omitempty"`
	Kind                 string             `json:"kind" enum:"management_system,social_audit,product_test"`
	Standard             string             `json:"standard" doc:"Code and edition as printed, e.g. ISO 9001:2015."`
	Number               string             `json:"number"`
	CertificationBody    string             `json:"certification_body"`
	AccreditationBody    string             `json:"accreditation_body" doc:"As printed; empty when none is shown."`
	Scope                string             `json:"scope"`
	SiteIDs              []int64            `json:"site_ids" doc:"The sites it covers."`
	HolderName           string             `json:"holder_name"`
	HolderAddress        string             `json:"holder_address"`
	IssueDate            string             `json:"issue_date" format:"date"`
	ExpiryDate           string             `json:"expiry_date,omitempty" format:"date"`
	OriginalDate         string             `json:"original_date,omitempty" format:"date"`
	LastSurveillanceDate string             `json:"last_surveillance_date,omitempty" format:"date"`
	DocumentRef          string             `json:"document_ref,omitempty" doc:"The stored scan; absent: no scan yet."`
	Review               string             `json:"review" enum:"submitted,accepted,rejected" doc:"Only accepted certificates count as evidence."`
	ReviewNote           string             `json:"review_note,omitempty"`
	ReviewedBy           string             `json:"reviewed_by,omitempty"`
	ReviewedAt           *time.Time         `json:"reviewed_at,omitempty"`
	Status               CertificateStatus  `json:"status"`
	RedFlags             []supplier.Finding `json:"red_flags,omitempty" doc:"Warning signs of a fake, unaccredited, misleading or lapsing certificate, most severe first, each explained. Internal users only."`
	Verifications        []Verification     `json:"verifications,omitempty"`
	Scans                []File             `json:"scans,omitempty" doc:"The scanned documents (PDF or images), in upload order; on a single certificate only. Upload one with POST /files, owner_type=certificate and owner_id=<id>: internal staff who record certificates, or the supplier's user while the certificate awaits review."`
	VoidedAt             *time.Time         `json:"voided_at,omitempty"`
	VoidReason           string             `json:"void_reason,omitempty"`
	CreatedAt            time.Time          `json:"created_at"`
	UpdatedAt            time.Time          `json:"updated_at"`
	Version              int64              `json:"version"`
}

// certificateOut converts a certificate view; flags are set for internal
// users only.
func certificateOut(v *store.CertificateView, flags []supplier.Finding, internal bool) Certificate {
	c := &v.Certificate
	out := Certificate{ID: c.ID, SupplierID: c.SupplierID, SupplierName: v.SupplierName, Kind: string(c.Kind), Standard: c.StandardName(),
		Number: c.Number, CertificationBody: c.CertificationBody, AccreditationBody: c.AccreditationBody, Scope: c.Scope,
		SiteIDs: nonNil(c.SiteIDs), HolderName: c.HolderName, HolderAddress: c.HolderAddress, IssueDate: c.IssueDate.String(),
		ExpiryDate: c.ExpiryDate.String(), OriginalDate: c.OriginalDate.String(), LastSurveillanceDate: c.LastSurveillanceDate.String(),
		DocumentRef: c.DocumentRef, Review: string(c.Review), ReviewNote: c.ReviewNote, ReviewedBy: c.ReviewedBy, ReviewedAt: c.ReviewedAt,
		Status: CertificateStatus{Validity: v.Status.Validity, DaysLeft: v.Status.DaysLeft}, VoidedAt: c.VoidedAt, VoidReason: c.VoidReason,
		CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt, Version: c.Version}
	if internal {
		vf := v.Status.Verification
		out.Status.Verification = &vf
		out.RedFlags = nonNil(flags)
	}
	return out
}

// Verification is one check of a certificate against a registry.
type Verification struct {
	ID            int64      `json:"id"`
	CertificateID int64      `json:"certificate_id"`
	Method        string     `json:"method" enum:"iaf_certsearch,cb_website,cb_email,cnca,ab_register,other"`
	CheckedOn     string     `json:"checked_on" format:"date"`
	CheckedBy     string     `json:"checked_by"`
	Result        string     `json:"result" enum:"verified_valid,not_found,suspended,withdrawn,expired,suspicious"`
	Note          string     `json:"note"`
	EvidenceRef   string     `json:"evidence_ref,omitempty"`
	VoidedAt      *time.Time `json:"voided_at,omitempty"`
	VoidReason    string     `json:"void_reason,omitempty"`
	CreatedAt     time.Time  `json:"created_at"`
}

func verificationOut(v *supplier.Verification) Verification {
	return Verification{ID: v.ID, CertificateID: v.CertificateID, Method: string(v.Method), CheckedOn: v.CheckedOn.String(),
		CheckedBy: v.CheckedBy, Result: string(v.Result), Note: v.Note, EvidenceRef: v.EvidenceRef, VoidedAt: v.VoidedAt,
		VoidReason: v.VoidReason, CreatedAt: v.CreatedAt}
}

// CertificateID is the path parameter of the operations on one certificate.
type CertificateID struct {
	ID int64 `path:"id" minimum:"1" doc:"The id of the certificate."`
}

type certificateOutput struct{ Body Certificate }

type listCertificatesInput struct {
	SupplierID int64  `query:"supplier_id" minimum:"1"`
	Review     string `query:"review" enum:"submitted,accepted,rejected" doc:"e.g. submitted: the certificates awaiting review."`
	PageParams
}

// CertificatePage is one page of certificates, newest first.
type CertificatePage struct {
	Page[Certificate]
	Total int `json:"total"`
}

type listCertificatesOutput struct{ Body CertificatePage }

// CertificateRequest is the body of POST /certificates; the fields of
// PATCH /certificates/{id} are the same, each optional.
type CertificateRequest struct {
	SupplierID           int64   `json:"supplier_id" minimum:"1"`
	Kind                 string  `json:"kind" enum:"management_system,social_audit,product_test"`
	Standard             string  `json:"standard" maxLength:"120" doc:"Code and edition, e.g. ISO 9001:2015; test reports name their test standard."`
	Number               string  `json:"number" maxLength:"100"`
	CertificationBody    string  `json:"certification_body" maxLength:"300"`
	AccreditationBody    string  `json:"accreditation_body,omitempty" maxLength:"300"`
	Scope                string  `json:"scope,omitempty" maxLength:"10000"`
	SiteIDs              []int64 `json:"site_ids,omitempty" maxItems:"200"`
	HolderName           string  `json:"holder_name" maxLength:"300"`
	HolderAddress        string  `json:"holder_address,omitempty" maxLength:"1000"`
	IssueDate            string  `json:"issue_date" format:"date"`
	ExpiryDate           string  `json:"expiry_date,omitempty" format:"date"`
	OriginalDate         string  `json:"original_date,omitempty" format:"date"`
	LastSurveillanceDate string  `json:"last_surveillance_date,omitempty" format:"date"`
}

type createCertificateInput struct{ Body CertificateRequest }
type createCertificateOutput struct {
	Location string `header:"Location"`
	Body     Certificate
}

// UpdateCertificateRequest is the body of PATCH /certificates/{id}.
type UpdateCertificateRequest struct {
	Kind                 *string `json:"kind,omitempty" enum:"management_system,social_audit,product_test"`
	Standard             *string `json:"standard,omitempty" maxLength:"120"`
	Number               *string `json:"number,omitempty" maxLength:"100"`
	CertificationBody    *string `json:"certification_body,omitempty" maxLength:"300"`
	AccreditationBody    *string `json:"accreditation_body,omitempty" maxLength:"300"`
	Scope                *string `json:"scope,omitempty" maxLength:"10000"`
	SiteIDs              []int64 `json:"site_ids,omitempty" maxItems:"200" doc:"Replaces the covered sites."`
	HolderName           *string `json:"holder_name,omitempty" maxLength:"300"`
	HolderAddress        *string `json:"holder_address,omitempty" maxLength:"1000"`
	IssueDate            *string `json:"issue_date,omitempty" format:"date"`
	ExpiryDate           *string `json:"expiry_date,omitempty" doc:"A date, or \"\" to remove it."`
	OriginalDate         *string `json:"original_date,omitempty"`
	LastSurveillanceDate *string `json:"last_surveillance_date,omitempty"`
	Version              int64   `json:"version" minimum:"1"`
	Reason               string  `json:"reason,omitempty" maxLength:"1000"`
}

type updateCertificateInput struct {
	CertificateID
	Body UpdateCertificateRequest
}

// ReviewRequest is the body of POST /certificates/{id}/review.
type ReviewRequest struct {
	Review  string `json:"review" enum:"accepted,rejected"`
	Note    string `json:"note,omitempty" maxLength:"2000" doc:"Required to reject; the supplier sees it."`
	Version int64  `json:"version" minimum:"1"`
}

type reviewInput struct {
	CertificateID
	Body ReviewRequest
}

type voidCertificateInput struct {
	CertificateID
	Body VoidRequest
}

type expiringInput struct {
	Within     int   `query:"within" minimum:"1" maximum:"3660" doc:"Days ahead; default: the configured warning period (90 days unless changed)."`
	SupplierID int64 `query:"supplier_id" minimum:"1"`
	PageParams
}

type expiringOutput struct{ Body CertificatePage }

type verificationsOutput struct{ Body []Verification }
type verificationOutput struct{ Body Verification }

// VerificationRequest is the body of POST /certificates/{id}/verifications.
type VerificationRequest struct {
	Method      string `json:"method" enum:"iaf_certsearch,cb_website,cb_email,cnca,ab_register,other"`
	CheckedOn   string `json:"checked_on" format:"date" doc:"When the check took place; not in the future."`
	Result      string `json:"result" enum:"verified_valid,not_found,suspended,withdrawn,expired,suspicious"`
	Note        string `json:"note,omitempty" maxLength:"2000" doc:"What was checked and found; required for suspicious and other."`
	EvidenceRef string `json:"evidence_ref,omitempty" maxLength:"200"`
}

type addVerificationInput struct {
	CertificateID
	Body VerificationRequest
}

type voidVerificationInput struct {
	RecordID
	Body ReasonBody
}

func (a *API) registerCertificates() {
	tags := []string{"Certificates"}
	op := func(id, method, path, summary, desc string, errs ...int) huma.Operation {
		return huma.Operation{OperationID: id, Method: method, Path: path, Tags: tags, Summary: summary, Description: desc, Errors: errs}
	}
	nf, cf := http.StatusNotFound, http.StatusConflict
	Handle(a, op("list-certificates", "GET", "/certificates", "List certificates",
		"Newest first, not voided. A supplier user's list holds its own certificates only.", nf), a.listCertificates)
	create := op("create-certificate", "POST", "/certificates", "Record a certificate",
		"Admins, quality managers and inspectors record certificates of any supplier (a quality manager's entry is accepted at once); a supplier user submits one for its own supplier, which stays submitted until a quality manager reviews it. 409 for the same number from the same certification body.", nf, cf)
	create.DefaultStatus = http.StatusCreated
	Handle(a, create, a.createCertificate)
	Handle(a, op("list-expiring-certificates", "GET", "/certificates/expiring", "Expiring and expired certificates",
		"Certificates expiring within the period and every expired one, soonest first: expired certificates never drop off."), a.expiring)
	Handle(a, op("get-certificate", "GET", "/certificates/{id}", "Get a certificate",
		"With its derived status and red flags explained, its covered sites and verification records. Supplier users get their own certificates without verifications and red flags.", nf), a.getCertificate)
	Handle(a, op("update-certificate", "PATCH", "/certificates/{id}", "Change a certificate",
		"Send only the fields to change, with the version. A change by anyone but a quality manager sends it back to review.", nf, cf), a.updateCertificate)
	Handle(a, op("review-certificate", "POST", "/certificates/{id}/review", "Accept or reject a certificate",
		"Quality managers and admins; a rejection needs a note.", nf, cf), a.reviewCertificate)
	Handle(a, op("void-certificate", "POST", "/certificates/{id}/void", "Void a certificate", "Quality managers and admins, with a reason.", nf, cf), a.voidCertificate)
	Handle(a, op("list-verifications", "GET", "/certificates/{id}/verifications", "List verification records", "Oldest first. Internal users only.", nf), a.listVerifications)
	addV := op("add-verification", "POST", "/certificates/{id}/verifications", "Record a verification",
		"How and when the certificate was checked, and what was found. Admins, quality managers and inspectors.", nf, cf)
	addV.DefaultStatus = http.StatusCreated
	Handle(a, addV, a.addVerification)
	Handle(a, op("get-verification", "GET", "/verifications/{id}", "Get a verification record", "Internal users only.", nf), a.getVerification)
	Handle(a, op("void-verification", "POST", "/verifications/{id}/void", "Void a verification record", "Quality managers and admins, with a reason.", nf, cf), a.voidVerification)
}

func (a *API) listCertificates(ctx context.Context, in *listCertificatesInput) (*listCertificatesOutput, error) {
	offset, err := in.After()
	if err != nil {
		return nil, err
	}
	page, err := a.ops().ListCertificates(ctx, store.CertificateFilter{SupplierID: in.SupplierID, Review: supplier.Review(in.Review),
		Offset: int(offset), Limit: in.PageLimit()})
	if err != nil {
		return nil, err
	}
	internal := qms.CanViewInternal(Actor(ctx))
	items := make([]Certificate, len(page.Items))
	for i := range page.Items {
		items[i] = certificateOut(&page.Items[i], nil, internal)
		items[i].RedFlags = nil
	}
	return &listCertificatesOutput{Body: CertificatePage{Page: NewPage(items, page.Next), Total: page.Total}}, nil
}

// certificateIn turns a request into a certificate, with a problem for
// each date that is not a date.
func certificateIn(b *CertificateRequest) (supplier.Certificate, error) {
	c := supplier.Certificate{SupplierID: b.SupplierID, Kind: supplier.CertKind(b.Kind), Standard: b.Standard, Number: b.Number,
		CertificationBody: b.CertificationBody, AccreditationBody: b.AccreditationBody, Scope: b.Scope, SiteIDs: b.SiteIDs,
		HolderName: b.HolderName, HolderAddress: b.HolderAddress}
	for _, d := range []struct {
		field, text string
		into        *qms.Date
	}{{"issue_date", b.IssueDate, &c.IssueDate}, {"expiry_date", b.ExpiryDate, &c.ExpiryDate},
		{"original_date", b.OriginalDate, &c.OriginalDate}, {"last_surveillance_date", b.LastSurveillanceDate, &c.LastSurveillanceDate}} {
		v, err := date("body."+d.field, d.text)
		if err != nil {
			return c, err
		}
		*d.into = v
	}
	return c, nil
}

func (a *API) createCertificate(ctx context.Context, in *createCertificateInput) (*createCertificateOutput, error) {
	c, err := certificateIn(&in.Body)
	if err != nil {
		return nil, err
	}
	if err := a.ops().CreateCertificate(ctx, &c); err != nil {
		return nil, certProblem(err)
	}
	d, err := a.ops().Certificate(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	out, err := a.detailOut(ctx, d)
	if err != nil {
		return nil, err
	}
	return &createCertificateOutput{Location: Prefix + "/certificates/" + strconv.FormatInt(c.ID, 10), Body: out}, nil
}

// certProblem names the request's field for a problem with the edition of
// a standard, which the request gives together with the code.
func certProblem(err error) error {
	if f := qms.ErrorFields(err); f["standard_version"] != "" && f["standard"] == "" {
		f["standard"] = f["standard_version"]
		delete(f, "standard_version")
	}
	return err
}

func (a *API) detailOut(ctx context.Context, d *store.CertificateDetail) (Certificate, error) {
	internal := qms.CanViewInternal(Actor(ctx))
	out := certificateOut(&d.CertificateView, d.Flags, internal)
	if internal {
		out.Verifications = []Verification{}
		for i := range d.Verifications {
			out.Verifications = append(out.Verifications, verificationOut(&d.Verifications[i]))
		}
	}
	scans, err := a.ops().Scans(ctx, d.Certificate.ID)
	if err != nil {
		return out, err
	}
	for i := range scans {
		out.Scans = append(out.Scans, fileOut(&scans[i]))
	}
	return out, nil
}

func (a *API) getCertificate(ctx context.Context, in *CertificateID) (*certificateOutput, error) {
	d, err := a.ops().Certificate(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	out, err := a.detailOut(ctx, d)
	if err != nil {
		return nil, err
	}
	return &certificateOutput{Body: out}, nil
}

func (a *API) updateCertificate(ctx context.Context, in *updateCertificateInput) (*certificateOutput, error) {
	b := in.Body
	if err := checkReason("body.reason", b.Reason); err != nil {
		return nil, err
	}
	cur, err := a.ops().Certificate(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	if b.Kind == nil && b.Standard == nil && b.Number == nil && b.CertificationBody == nil && b.AccreditationBody == nil && b.Scope == nil &&
		b.SiteIDs == nil && b.HolderName == nil && b.HolderAddress == nil && b.IssueDate == nil && b.ExpiryDate == nil &&
		b.OriginalDate == nil && b.LastSurveillanceDate == nil {
		return nil, Invalid("body", "names nothing to change")
	}
	c := cur.Certificate
	c.Standard, c.StandardVersion = c.StandardName(), ""
	if b.Kind != nil {
		c.Kind = supplier.CertKind(*b.Kind)
	}
	set(&c.Standard, b.Standard)
	set(&c.Number, b.Number)
	set(&c.CertificationBody, b.CertificationBody)
	set(&c.AccreditationBody, b.AccreditationBody)
	set(&c.Scope, b.Scope)
	set(&c.HolderName, b.HolderName)
	set(&c.HolderAddress, b.HolderAddress)
	if b.SiteIDs != nil {
		c.SiteIDs = b.SiteIDs
	}
	for _, d := range []struct {
		field string
		text  *string
		into  *qms.Date
	}{{"issue_date", b.IssueDate, &c.IssueDate}, {"expiry_date", b.ExpiryDate, &c.ExpiryDate},
		{"original_date", b.OriginalDate, &c.OriginalDate}, {"last_surveillance_date", b.LastSurveillanceDate, &c.LastSurveillanceDate}} {
		if d.text == nil {
			continue
		}
		v, err := date("body."+d.field, *d.text)
		if err != nil {
			return nil, err
		}
		*d.into = v
	}
	if err := a.ops().UpdateCertificate(ctx, &c, b.Version, b.Reason); err != nil {
		return nil, certProblem(err)
	}
	return a.getCertificate(ctx, &CertificateID{ID: in.ID})
}

func (a *API) reviewCertificate(ctx context.Context, in *reviewInput) (*certificateOutput, error) {
	if err := checkReason("body.note", in.Body.Note); err != nil {
		return nil, err
	}
	if _, err := a.ops().ReviewCertificate(ctx, in.ID, supplier.Review(in.Body.Review), in.Body.Note, in.Body.Version); err != nil {
		return nil, err
	}
	return a.getCertificate(ctx, &CertificateID{ID: in.ID})
}

func (a *API) voidCertificate(ctx context.Context, in *voidCertificateInput) (*certificateOutput, error) {
	if err := checkReason("body.reason", in.Body.Reason); err != nil {
		return nil, err
	}
	if _, err := a.ops().VoidCertificate(ctx, in.ID, in.Body.Reason, in.Body.Version); err != nil {
		return nil, err
	}
	return a.getCertificate(ctx, &CertificateID{ID: in.ID})
}

func (a *API) expiring(ctx context.Context, in *expiringInput) (*expiringOutput, error) {
	offset, err := in.After()
	if err != nil {
		return nil, err
	}
	page, err := a.ops().Expiring(ctx, store.ExpiringFilter{Within: in.Within, SupplierID: in.SupplierID, Offset: int(offset), Limit: in.PageLimit()})
	if err != nil {
		return nil, err
	}
	internal := qms.CanViewInternal(Actor(ctx))
	items := make([]Certificate, len(page.Items))
	for i := range page.Items {
		items[i] = certificateOut(&page.Items[i], nil, internal)
		items[i].RedFlags = nil
	}
	return &expiringOutput{Body: CertificatePage{Page: NewPage(items, page.Next), Total: page.Total}}, nil
}

func (a *API) listVerifications(ctx context.Context, in *CertificateID) (*verificationsOutput, error) {
	vs, err := a.ops().Verifications(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	out := []Verification{}
	for i := range vs {
		out = append(out, verificationOut(&vs[i]))
	}
	return &verificationsOutput{Body: out}, nil
}

type addVerificationOutput struct {
	Location string `header:"Location"`
	Body     Verification
}

func (a *API) addVerification(ctx context.Context, in *addVerificationInput) (*addVerificationOutput, error) {
	b := in.Body
	if err := checkReason("body.note", b.Note); err != nil {
		return nil, err
	}
	on, err := date("body.checked_on", b.CheckedOn)
	if err != nil {
		return nil, err
	}
	v := &supplier.Verification{CertificateID: in.ID, Method: supplier.Method(b.Method), CheckedOn: on, Result: supplier.Result(b.Result),
		Note: b.Note, EvidenceRef: b.EvidenceRef}
	if err := a.ops().AddVerification(ctx, v); err != nil {
		return nil, err
	}
	return &addVerificationOutput{Location: Prefix + "/verifications/" + strconv.FormatInt(v.ID, 10), Body: verificationOut(v)}, nil
}

func (a *API) getVerification(ctx context.Context, in *RecordID) (*verificationOutput, error) {
	v, err := a.ops().Verification(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	return &verificationOutput{Body: verificationOut(v)}, nil
}

func (a *API) voidVerification(ctx context.Context, in *voidVerificationInput) (*verificationOutput, error) {
	if err := checkReason("body.reason", in.Body.Reason); err != nil {
		return nil, err
	}
	v, err := a.ops().VoidVerification(ctx, in.ID, in.Body.Reason)
	if err != nil {
		return nil, err
	}
	return &verificationOutput{Body: verificationOut(v)}, nil
}

// ---- Configuration ----

// Settings are the thresholds of the certificate rules.
type Settings struct {
	ExpiryWarningDays        int   `json:"expiry_warning_days" minimum:"1" maximum:"730" doc:"A certificate expiring within this many days is expiring (default 90)."`
	MaxValidityYears         int   `json:"max_validity_years" minimum:"1" maximum:"10" doc:"A longer validity is a red flag (default 3)."`
	SurveillanceMonths       int   `json:"surveillance_months" minimum:"1" maximum:"36" doc:"Surveillance is overdue after this many months (default 12)."`
	VerificationMaxAgeMonths int   `json:"verification_max_age_months" minimum:"1" maximum:"60" doc:"A verification older than this is out of date (default 12)."`
	Version                  int64 `json:"version" minimum:"1"`
}

type settingsOutput struct{ Body Settings }

// SettingsRequest is the body of PUT /supplier-settings.
type SettingsRequest struct {
	Settings
	Reason string `json:"reason,omitempty" maxLength:"1000"`
}

type updateSettingsInput struct{ Body SettingsRequest }

type bodiesOutput struct{ Body []supplier.AccreditationBody }
type bodyOutput struct{ Body supplier.AccreditationBody }

// AccreditationBodyRequest is the body of POST /accreditation-bodies and
// PUT /accreditation-bodies/{id}.
type AccreditationBodyRequest struct {
	Code       string   `json:"code" maxLength:"50" doc:"The acronym printed on certificates, e.g. UKAS."`
	Name       string   `json:"name" maxLength:"300"`
	Country    string   `json:"country,omitempty" maxLength:"2"`
	Recognised bool     `json:"recognised" doc:"An IAF MLA (GACI) signatory: its certificates do not raise the accreditation red flag."`
	Aliases    []string `json:"aliases,omitempty" maxItems:"20"`
	Note       string   `json:"note,omitempty" maxLength:"2000"`
	Version    int64    `json:"version,omitempty" minimum:"1" doc:"Required to change an existing body."`
	Reason     string   `json:"reason,omitempty" maxLength:"1000"`
}

type createBodyInput struct{ Body AccreditationBodyRequest }
type updateBodyInput struct {
	RecordID
	Body AccreditationBodyRequest
}

type categoriesOutput struct{ Body []supplier.Category }
type categoryOutput struct{ Body supplier.Category }

// CategoryRequest is the body of POST /product-categories and
// PUT /product-categories/{id} (which cannot change the code).
type CategoryRequest struct {
	Code     string   `json:"code,omitempty" maxLength:"64" doc:"Letters, digits, - and _; fixed once created."`
	Name     string   `json:"name" maxLength:"300"`
	Keywords []string `json:"keywords,omitempty" maxItems:"100" doc:"Words a certificate's scope uses for the category, in any language."`
	Version  int64    `json:"version,omitempty" minimum:"1" doc:"Required to change an existing category."`
	Reason   string   `json:"reason,omitempty" maxLength:"1000"`
}

type createCategoryInput struct{ Body CategoryRequest }
type updateCategoryInput struct {
	RecordID
	Body CategoryRequest
}

type requirementsOutput struct{ Body []supplier.Requirement }
type requirementOutput struct{ Body supplier.Requirement }

// RequirementRequest is the body of POST /requirements.
type RequirementRequest struct {
	Standard string `json:"standard" maxLength:"100" doc:"e.g. ISO 13485 (any current edition) or a test standard."`
	Category string `json:"category,omitempty" maxLength:"64" doc:"Absent: every category."`
	Market   string `json:"market,omitempty" maxLength:"16" doc:"Absent: every market."`
	Note     string `json:"note,omitempty" maxLength:"2000"`
}

type createRequirementInput struct{ Body RequirementRequest }
type voidRequirementInput struct {
	RecordID
	Body VoidRequest
}

func (a *API) registerSupplierSettings() {
	tags := []string{"Supplier settings"}
	op := func(id, method, path, summary, desc string, errs ...int) huma.Operation {
		return huma.Operation{OperationID: id, Method: method, Path: path, Tags: tags, Summary: summary, Description: desc, Errors: errs}
	}
	nf, cf := http.StatusNotFound, http.StatusConflict
	created := func(o huma.Operation) huma.Operation { o.DefaultStatus = http.StatusCreated; return o }
	Handle(a, op("get-supplier-settings", "GET", "/supplier-settings", "Get the certificate rules", "Internal users."), a.getSettings)
	Handle(a, op("update-supplier-settings", "PUT", "/supplier-settings", "Change the certificate rules", "Admins only.", cf), a.updateSettings)
	Handle(a, op("list-accreditation-bodies", "GET", "/accreditation-bodies", "List accreditation bodies", "Recognised and not. Internal users."), a.listBodies)
	Handle(a, created(op("create-accreditation-body", "POST", "/accreditation-bodies", "Add an accreditation body", "Admins only.", cf)), a.createBody)
	Handle(a, op("update-accreditation-body", "PUT", "/accreditation-bodies/{id}", "Change an accreditation body", "Admins only.", nf, cf), a.updateBody)
	Handle(a, op("list-product-categories", "GET", "/product-categories", "List product categories", "Voided ones too. Internal users."), a.listCategories)
	Handle(a, created(op("create-product-category", "POST", "/product-categories", "Add a product category", "Admins only.", cf)), a.createCategory)
	Handle(a, op("update-product-category", "PUT", "/product-categories/{id}", "Change a product category", "Name and keywords; admins only.", nf, cf), a.updateCategory)
	Handle(a, op("list-requirements", "GET", "/requirements", "List certificate requirements", "Which certificates are required for which category or market; ended ones too. Internal users."), a.listRequirements)
	Handle(a, created(op("create-requirement", "POST", "/requirements", "Add a certificate requirement", "Admins only.", cf)), a.createRequirement)
	Handle(a, op("void-requirement", "POST", "/requirements/{id}/void", "End a certificate requirement", "Admins only, with a reason.", nf, cf), a.voidRequirement)
}

func settingsOut(s *supplier.Settings) Settings {
	return Settings{ExpiryWarningDays: s.ExpiryWarningDays, MaxValidityYears: s.MaxValidityYears, SurveillanceMonths: s.SurveillanceMonths,
		VerificationMaxAgeMonths: s.VerificationMaxAgeMonths, Version: s.Version}
}

func (a *API) getSettings(ctx context.Context, _ *struct{}) (*settingsOutput, error) {
	s, err := a.ops().Settings(ctx)
	if err != nil {
		return nil, err
	}
	return &settingsOutput{Body: settingsOut(s)}, nil
}

func (a *API) updateSettings(ctx context.Context, in *updateSettingsInput) (*settingsOutput, error) {
	b := in.Body
	if err := checkReason("body.reason", b.Reason); err != nil {
		return nil, err
	}
	s := &supplier.Settings{ExpiryWarningDays: b.ExpiryWarningDays, MaxValidityYears: b.MaxValidityYears, SurveillanceMonths: b.SurveillanceMonths,
		VerificationMaxAgeMonths: b.VerificationMaxAgeMonths}
	if err := a.ops().UpdateSettings(ctx, s, b.Version, b.Reason); err != nil {
		return nil, err
	}
	return &settingsOutput{Body: settingsOut(s)}, nil
}

func (a *API) listBodies(ctx context.Context, _ *struct{}) (*bodiesOutput, error) {
	bs, err := a.ops().AccreditationBodies(ctx)
	return &bodiesOutput{Body: bs}, err
}

func bodyIn(b *AccreditationBodyRequest) *supplier.AccreditationBody {
	return &supplier.AccreditationBody{Code: b.Code, Name: b.Name, Country: b.Country, Recognised: b.Recognised, Aliases: nonNil(b.Aliases), Note: b.Note}
}

func (a *API) createBody(ctx context.Context, in *createBodyInput) (*bodyOutput, error) {
	ab := bodyIn(&in.Body)
	if err := a.ops().CreateAccreditationBody(ctx, ab); err != nil {
		return nil, err
	}
	return &bodyOutput{Body: *ab}, nil
}

func (a *API) updateBody(ctx context.Context, in *updateBodyInput) (*bodyOutput, error) {
	if err := checkReason("body.reason", in.Body.Reason); err != nil {
		return nil, err
	}
	ab := bodyIn(&in.Body)
	ab.ID = in.ID
	if err := a.ops().UpdateAccreditationBody(ctx, ab, in.Body.Version, in.Body.Reason); err != nil {
		return nil, err
	}
	return &bodyOutput{Body: *ab}, nil
}

func (a *API) listCategories(ctx context.Context, _ *struct{}) (*categoriesOutput, error) {
	cs, err := a.ops().Categories(ctx)
	return &categoriesOutput{Body: cs}, err
}

func (a *API) createCategory(ctx context.Context, in *createCategoryInput) (*categoryOutput, error) {
	c := &supplier.Category{Code: in.Body.Code, Name: in.Body.Name, Keywords: nonNil(in.Body.Keywords)}
	if err := a.ops().CreateCategory(ctx, c); err != nil {
		return nil, err
	}
	return &categoryOutput{Body: *c}, nil
}

func (a *API) updateCategory(ctx context.Context, in *updateCategoryInput) (*categoryOutput, error) {
	if err := checkReason("body.reason", in.Body.Reason); err != nil {
		return nil, err
	}
	c := &supplier.Category{ID: in.ID, Name: in.Body.Name, Keywords: nonNil(in.Body.Keywords)}
	if err := a.ops().UpdateCategory(ctx, c, in.Body.Version, in.Body.Reason); err != nil {
		return nil, err
	}
	return &categoryOutput{Body: *c}, nil
}

func (a *API) listRequirements(ctx context.Context, _ *struct{}) (*requirementsOutput, error) {
	rs, err := a.ops().Requirements(ctx)
	return &requirementsOutput{Body: rs}, err
}

func (a *API) createRequirement(ctx context.Context, in *createRequirementInput) (*requirementOutput, error) {
	r := &supplier.Requirement{Standard: in.Body.Standard, Category: in.Body.Category, Market: in.Body.Market, Note: in.Body.Note}
	if err := a.ops().CreateRequirement(ctx, r); err != nil {
		return nil, err
	}
	return &requirementOutput{Body: *r}, nil
}

func (a *API) voidRequirement(ctx context.Context, in *voidRequirementInput) (*requirementOutput, error) {
	if err := checkReason("body.reason", in.Body.Reason); err != nil {
		return nil, err
	}
	r, err := a.ops().VoidRequirement(ctx, in.ID, in.Body.Reason, in.Body.Version)
	if err != nil {
		return nil, err
	}
	return &requirementOutput{Body: *r}, nil
}
