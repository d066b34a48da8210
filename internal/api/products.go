package api

import (
	"context"
	"net/http"
	"reflect"
	"strconv"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"qms/internal/esign"
	"qms/internal/inspection"
	"qms/internal/inspectionops"
	"qms/internal/sampling"
	"qms/internal/store"
)

// Products, spec revisions, the defect library and inspection plans: the
// buyer's product catalogue, for internal users. Every operation goes
// through package inspectionops. Records are shown in the domain's own
// JSON shape (package inspection).

func (a *API) inspections() *inspectionops.Service {
	return &inspectionops.Service{Store: a.store, Auth: a.auth}
}

// ProductIDParam is the path parameter of the operations on one product.
type ProductIDParam struct {
	ID int64 `path:"id" minimum:"1" doc:"The id of the product."`
}

type productOutput struct{ Body inspection.Product }

type listProductsInput struct {
	Q             string `query:"q" maxLength:"300" doc:"Part of the SKU, name or customer, ignoring case and diacritics."`
	Category      string `query:"category" maxLength:"64" doc:"A product category code."`
	IncludeVoided bool   `query:"include_voided"`
	PageParams
}

// ProductPage is one page of products by SKU, with the number of matches.
type ProductPage struct {
	Page[inspection.Product]
	Total int `json:"total" doc:"Products matching the filter, on all pages."`
}

type listProductsOutput struct{ Body ProductPage }

// ProductRequest is the body of POST /products.
type ProductRequest struct {
	SKU         string `json:"sku" maxLength:"64" doc:"Unique, ignoring case; no spaces."`
	Name        string `json:"name" maxLength:"300"`
	Category    string `json:"category" maxLength:"64" doc:"A product category code: it decides the defect library and the certificates required."`
	Customer    string `json:"customer,omitempty" maxLength:"300"`
	Market      string `json:"market,omitempty" maxLength:"16" doc:"Destination market, e.g. EU or US."`
	Description string `json:"description,omitempty" maxLength:"10000"`
}

type createProductInput struct{ Body ProductRequest }

type createProductOutput struct {
	Location string `header:"Location"`
	Body     inspection.Product
}

// UpdateProductRequest is the body of PATCH /products/{id}: the fields to
// change and the version the change is based on.
type UpdateProductRequest struct {
	SKU         *string `json:"sku,omitempty" maxLength:"64"`
	Name        *string `json:"name,omitempty" maxLength:"300"`
	Category    *string `json:"category,omitempty" maxLength:"64"`
	Customer    *string `json:"customer,omitempty" maxLength:"300"`
	Market      *string `json:"market,omitempty" maxLength:"16"`
	Description *string `json:"description,omitempty" maxLength:"10000"`
	Version     int64   `json:"version" minimum:"1"`
	Reason      string  `json:"reason,omitempty" maxLength:"1000"`
}

type updateProductInput struct {
	ProductIDParam
	Body UpdateProductRequest
}

type voidProductInput struct {
	ProductIDParam
	Body VoidRequest
}

// ---- Specs ----

// SpecIDParam is the path parameter of the operations on one spec revision.
type SpecIDParam struct {
	ID int64 `path:"id" minimum:"1" doc:"The id of the spec revision."`
}

type specOutput struct{ Body inspection.Spec }
type specsOutput struct{ Body []inspection.Spec }

// SpecRequest is the content of a draft spec revision.
type SpecRequest struct {
	Title           string                      `json:"title,omitempty" maxLength:"300"`
	DrawingRef      string                      `json:"drawing_ref,omitempty" maxLength:"300" doc:"Drawing number and revision."`
	GoldenSampleRef string                      `json:"golden_sample_ref,omitempty" maxLength:"300"`
	Notes           string                      `json:"notes,omitempty" maxLength:"10000"`
	Characteristics []inspection.Characteristic `json:"characteristics" maxItems:"1000" doc:"Numbered by balloon number (no); all 0 numbers them 1, 2, 3 in order. Kinds: dimensional (nominal, tolerance as plus/minus or min/max, unit, method, critical), attribute, packing and marking (criterion), test (test: type, level or fixed sample_size, ac, re)."`
}

type createSpecInput struct {
	ProductIDParam
	Body SpecRequest
}

type createSpecOutput struct {
	Location string `header:"Location"`
	Body     inspection.Spec
}

// UpdateSpecRequest replaces the content of a draft revision.
type UpdateSpecRequest struct {
	SpecRequest
	Version int64  `json:"version" minimum:"1"`
	Reason  string `json:"reason,omitempty" maxLength:"1000"`
}

type updateSpecInput struct {
	SpecIDParam
	Body UpdateSpecRequest
}

// ReleaseRequest is the body of POST /specs/{id}/release.
type ReleaseRequest struct {
	Reason   string `json:"reason,omitempty" maxLength:"1000" doc:"Why it is released, for the record."`
	Version  int64  `json:"version" minimum:"1"`
	Password string `json:"password" maxLength:"1000" doc:"The releasing quality manager's own password, entered again: the release is signed electronically. A wrong one is 422 and counts toward the sign-in limit."`
}

// signaturesOutput is a record's electronic signatures, each checked
// against the record's current content.
type signaturesOutput struct{ Body []esign.Check }

type releaseSpecInput struct {
	SpecIDParam
	Body ReleaseRequest
}

type voidSpecInput struct {
	SpecIDParam
	Body VoidRequest
}

// ---- Defect library ----

type listDefectCodesInput struct {
	Category      string `query:"category" required:"true" maxLength:"64" doc:"The product category."`
	IncludeVoided bool   `query:"include_voided"`
}

type defectCodesOutput struct{ Body []inspection.DefectCode }
type defectCodeOutput struct{ Body inspection.DefectCode }

// DefectCodeRequest is the body of POST /defect-codes.
type DefectCodeRequest struct {
	Category    string `json:"category" maxLength:"64"`
	Code        string `json:"code" maxLength:"32" doc:"Letters, digits, - _ and .; stored upper case."`
	Description string `json:"description" maxLength:"2000"`
	Class       string `json:"class" enum:"critical,major,minor" doc:"The default class; an inspector may record another."`
}

type createDefectCodeInput struct{ Body DefectCodeRequest }

type createDefectCodeOutput struct {
	Location string `header:"Location"`
	Body     inspection.DefectCode
}

// UpdateDefectCodeRequest is the body of PATCH /defect-codes/{id}.
type UpdateDefectCodeRequest struct {
	Description *string `json:"description,omitempty" maxLength:"2000"`
	Class       *string `json:"class,omitempty" enum:"critical,major,minor"`
	Version     int64   `json:"version" minimum:"1"`
	Reason      string  `json:"reason,omitempty" maxLength:"1000"`
}

type updateDefectCodeInput struct {
	RecordID
	Body UpdateDefectCodeRequest
}

type voidDefectCodeInput struct {
	RecordID
	Body VoidRequest
}

// ---- Plans ----

// PlanIDParam is the path parameter of the operations on one inspection plan.
type PlanIDParam struct {
	ID int64 `path:"id" minimum:"1" doc:"The id of the inspection plan."`
}

type planOutput struct{ Body inspection.Plan }
type plansOutput struct{ Body []inspection.Plan }

// PlanRequest is the content of an inspection plan.
type PlanRequest struct {
	Stages          []inspection.StageRule `json:"stages" maxItems:"10" doc:"The inspection kinds required: pre_production, in_process (at_produced_percent), pre_shipment (100 % produced, min_packed_percent), container_loading, incoming."`
	Standard        sampling.Standard      `json:"standard" doc:"iso2859-1 or z1.4."`
	Level           sampling.Level         `json:"level" doc:"I, II, III or S-1 to S-4."`
	Classes         []ClassAQLRequest      `json:"classes" maxItems:"3" doc:"The AQL per defect class, or zero_tolerance (usual for critical)."`
	Counting        string                 `json:"counting,omitempty" enum:"defectives,defects" doc:"Count defective units by their most serious defect (default), or every defect."`
	ReducedApproved bool                   `json:"reduced_approved,omitempty" doc:"Reduced inspection may be used when the switching rules allow it."`
	Inspectors      inspection.Inspectors  `json:"inspectors"`
	Notes           string                 `json:"notes,omitempty" maxLength:"10000"`
}

// CreatePlanRequest is the body of POST /plans.
type CreatePlanRequest struct {
	ProductID  int64  `json:"product_id" minimum:"1"`
	SupplierID *int64 `json:"supplier_id,omitempty" minimum:"1" doc:"For one supplier's production of the product; it then takes precedence over the product's plan."`
	PlanRequest
}

type createPlanInput struct{ Body CreatePlanRequest }

type createPlanOutput struct {
	Location string `header:"Location"`
	Body     inspection.Plan
}

// UpdatePlanRequest replaces the content of a plan.
type UpdatePlanRequest struct {
	PlanRequest
	Version int64  `json:"version" minimum:"1"`
	Reason  string `json:"reason,omitempty" maxLength:"1000"`
}

type updatePlanInput struct {
	PlanIDParam
	Body UpdatePlanRequest
}

type voidPlanInput struct {
	PlanIDParam
	Body VoidRequest
}

// ClassAQLRequest is the AQL of one defect class in a plan.
type ClassAQLRequest struct {
	Class         string   `json:"class" enum:"critical,major,minor"`
	AQL           AQLValue `json:"aql,omitempty" doc:"Absent with zero_tolerance."`
	ZeroTolerance bool     `json:"zero_tolerance,omitempty" doc:"The buyer's zero tolerance: Ac 0, Re 1 on every unit drawn."`
}

func (p PlanRequest) plan() (inspection.Plan, error) {
	pl := inspection.Plan{Stages: p.Stages, Standard: p.Standard, Level: p.Level, Classes: []inspection.ClassAQL{},
		Counting: inspection.Counting(p.Counting), ReducedApproved: p.ReducedApproved, Inspectors: p.Inspectors, Notes: p.Notes}
	for i, c := range p.Classes {
		x := inspection.ClassAQL{Class: inspection.DefectClass(c.Class), ZeroTolerance: c.ZeroTolerance}
		if c.AQL != "" {
			v, err := c.AQL.parse()
			if err != nil {
				return pl, Invalid("body.classes["+strconv.Itoa(i)+"].aql", err.Error())
			}
			x.AQL = v
		}
		pl.Classes = append(pl.Classes, x)
	}
	return pl, nil
}

func (a *API) registerProducts() {
	// An AQL is a number or a string in JSON (sampling.AQL's own
	// encoding), documented and validated as such.
	a.huma.OpenAPI().Components.Schemas.RegisterTypeAlias(reflect.TypeFor[sampling.AQL](), reflect.TypeFor[AQLValue]())
	a.huma.OpenAPI().Tags = append(a.huma.OpenAPI().Tags,
		&huma.Tag{Name: "Products", Description: "Products and their spec revisions (draft, released by a quality manager, superseded), the defect library per product category and inspection plans. Internal users only."})
	tags := []string{"Products"}
	op := func(id, method, path, summary, desc string, errs ...int) huma.Operation {
		return huma.Operation{OperationID: id, Method: method, Path: path, Tags: tags, Summary: summary, Description: desc, Errors: errs}
	}
	created := func(o huma.Operation) huma.Operation { o.DefaultStatus = http.StatusCreated; return o }
	nf, cf := http.StatusNotFound, http.StatusConflict
	Handle(a, op("list-products", "GET", "/products", "List products", "By SKU, filtered and paged."), a.listProducts)
	Handle(a, created(op("create-product", "POST", "/products", "Create a product", "Admins, quality managers and inspectors. A taken SKU gets 409.", cf)), a.createProduct)
	Handle(a, op("get-product", "GET", "/products/{id}", "Get a product", "", nf), a.getProduct)
	Handle(a, op("update-product", "PATCH", "/products/{id}", "Change a product", "Send only the fields to change, with the version you read.", nf, cf), a.updateProduct)
	Handle(a, op("void-product", "POST", "/products/{id}/void", "Void a product", "Quality managers and admins, with a reason.", nf, cf), a.voidProduct)

	Handle(a, op("list-specs", "GET", "/products/{id}/specs", "List a product's spec revisions", "Newest first, with their characteristics.", nf), a.listSpecs)
	Handle(a, created(op("create-spec", "POST", "/products/{id}/specs", "Start a draft spec revision",
		"The next revision number, as a draft with the given content. A product has at most one open draft (409).", nf, cf)), a.createSpec)
	Handle(a, created(op("draft-next-spec", "POST", "/products/{id}/specs/next", "Draft the next revision as a copy",
		"A copy of the released revision (or the latest one) as a new draft.", nf, cf)), a.draftNextSpec)
	Handle(a, op("get-spec", "GET", "/specs/{id}", "Get a spec revision", "", nf), a.getSpec)
	Handle(a, op("update-spec", "PUT", "/specs/{id}", "Change a draft spec revision",
		"Replaces the content of a draft. Released and superseded revisions never change (409): draft a new revision.", nf, cf), a.updateSpec)
	Handle(a, op("release-spec", "POST", "/specs/{id}/release", "Release a spec revision",
		"Quality managers and admins, with an electronic signature (meaning approved, over the revision's content and the reason): the password entered again "+
			"(a wrong one is 422 and counts toward the sign-in limit; too many are 429). The product's released revision, if any, is superseded. Only a released revision can be inspected against.", nf, cf), a.releaseSpec)
	Handle(a, op("list-spec-signatures", "GET", "/specs/{id}/signatures", "A spec revision's electronic signatures",
		"Its release signature: signer, meaning, time and whether it still matches the revision's content.", nf), a.specSignatures)
	Handle(a, op("void-spec", "POST", "/specs/{id}/void", "Void a draft spec revision", "With a reason.", nf, cf), a.voidSpec)

	Handle(a, op("list-defect-codes", "GET", "/defect-codes", "The defect library of a category", "By code."), a.listDefectCodes)
	Handle(a, created(op("create-defect-code", "POST", "/defect-codes", "Add a defect code", "Quality managers and admins.", cf)), a.createDefectCode)
	Handle(a, op("update-defect-code", "PATCH", "/defect-codes/{id}", "Change a defect code",
		"Its description and default class; defects already recorded keep their class.", nf, cf), a.updateDefectCode)
	Handle(a, op("void-defect-code", "POST", "/defect-codes/{id}/void", "Withdraw a defect code", "With a reason.", nf, cf), a.voidDefectCode)

	Handle(a, op("list-plans", "GET", "/products/{id}/plans", "A product's inspection plans", "Its own plan and those per supplier.", nf), a.listPlans)
	Handle(a, created(op("create-plan", "POST", "/plans", "Create an inspection plan",
		"Quality managers and admins. One plan in use per product, and per supplier x product (409).", cf)), a.createPlan)
	Handle(a, op("get-plan", "GET", "/plans/{id}", "Get an inspection plan", "", nf), a.getPlan)
	Handle(a, op("update-plan", "PUT", "/plans/{id}", "Change an inspection plan",
		"Replaces its content; inspections already planned keep their sampling snapshot.", nf, cf), a.updatePlan)
	Handle(a, op("void-plan", "POST", "/plans/{id}/void", "Void an inspection plan", "With a reason.", nf, cf), a.voidPlan)
}

func (a *API) listProducts(ctx context.Context, in *listProductsInput) (*listProductsOutput, error) {
	offset, err := in.After()
	if err != nil {
		return nil, err
	}
	page, err := a.inspections().ListProducts(ctx, store.ProductFilter{Query: strings.TrimSpace(in.Q), Category: in.Category,
		IncludeVoided: in.IncludeVoided, Offset: int(offset), Limit: in.PageLimit()})
	if err != nil {
		return nil, err
	}
	return &listProductsOutput{Body: ProductPage{Page: NewPage(page.Items, page.Next), Total: page.Total}}, nil
}

func (a *API) createProduct(ctx context.Context, in *createProductInput) (*createProductOutput, error) {
	b := in.Body
	p := &inspection.Product{SKU: b.SKU, Name: b.Name, Category: b.Category, Customer: b.Customer, Market: b.Market, Description: b.Description}
	if err := a.inspections().CreateProduct(ctx, p); err != nil {
		return nil, err
	}
	return &createProductOutput{Location: Prefix + "/products/" + strconv.FormatInt(p.ID, 10), Body: *p}, nil
}

func (a *API) getProduct(ctx context.Context, in *ProductIDParam) (*productOutput, error) {
	p, err := a.inspections().Product(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	return &productOutput{Body: *p}, nil
}

func (a *API) updateProduct(ctx context.Context, in *updateProductInput) (*productOutput, error) {
	b := in.Body
	if err := checkReason("body.reason", b.Reason); err != nil {
		return nil, err
	}
	cur, err := a.inspections().Product(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	if b.SKU == nil && b.Name == nil && b.Category == nil && b.Customer == nil && b.Market == nil && b.Description == nil {
		return nil, Invalid("body", "names nothing to change")
	}
	p := *cur
	set(&p.SKU, b.SKU)
	set(&p.Name, b.Name)
	set(&p.Category, b.Category)
	set(&p.Customer, b.Customer)
	set(&p.Market, b.Market)
	set(&p.Description, b.Description)
	if err := a.inspections().UpdateProduct(ctx, &p, b.Version, b.Reason); err != nil {
		return nil, err
	}
	return &productOutput{Body: p}, nil
}

func (a *API) voidProduct(ctx context.Context, in *voidProductInput) (*productOutput, error) {
	if err := checkReason("body.reason", in.Body.Reason); err != nil {
		return nil, err
	}
	p, err := a.inspections().VoidProduct(ctx, in.ID, in.Body.Reason, in.Body.Version)
	if err != nil {
		return nil, err
	}
	return &productOutput{Body: *p}, nil
}

func (a *API) listSpecs(ctx context.Context, in *ProductIDParam) (*specsOutput, error) {
	specs, err := a.inspections().Specs(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	return &specsOutput{Body: nonNil(specs)}, nil
}

func (r SpecRequest) spec(productID int64) *inspection.Spec {
	return &inspection.Spec{ProductID: productID, Title: r.Title, DrawingRef: r.DrawingRef, GoldenSampleRef: r.GoldenSampleRef, Notes: r.Notes,
		Characteristics: r.Characteristics}
}

func specLocation(id int64) string { return Prefix + "/specs/" + strconv.FormatInt(id, 10) }

func (a *API) createSpec(ctx context.Context, in *createSpecInput) (*createSpecOutput, error) {
	s := in.Body.spec(in.ID)
	if err := a.inspections().CreateSpec(ctx, s); err != nil {
		return nil, err
	}
	return &createSpecOutput{Location: specLocation(s.ID), Body: *s}, nil
}

func (a *API) draftNextSpec(ctx context.Context, in *ProductIDParam) (*createSpecOutput, error) {
	s, err := a.inspections().DraftNextRevision(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	return &createSpecOutput{Location: specLocation(s.ID), Body: *s}, nil
}

func (a *API) getSpec(ctx context.Context, in *SpecIDParam) (*specOutput, error) {
	s, err := a.inspections().Spec(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	return &specOutput{Body: *s}, nil
}

func (a *API) updateSpec(ctx context.Context, in *updateSpecInput) (*specOutput, error) {
	if err := checkReason("body.reason", in.Body.Reason); err != nil {
		return nil, err
	}
	s := in.Body.spec(0)
	s.ID = in.ID
	if err := a.inspections().UpdateSpec(ctx, s, in.Body.Version, in.Body.Reason); err != nil {
		return nil, err
	}
	return &specOutput{Body: *s}, nil
}

func (a *API) releaseSpec(ctx context.Context, in *releaseSpecInput) (*specOutput, error) {
	if err := checkReason("body.reason", in.Body.Reason); err != nil {
		return nil, err
	}
	s, err := a.inspections().ReleaseSpec(ctx, in.ID, in.Body.Version, inspection.Release{Reason: in.Body.Reason}, in.Body.Password)
	if err != nil {
		return nil, err
	}
	return &specOutput{Body: *s}, nil
}

func (a *API) specSignatures(ctx context.Context, in *SpecIDParam) (*signaturesOutput, error) {
	sigs, err := a.inspections().SpecSignatures(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	return &signaturesOutput{Body: sigs}, nil
}

func (a *API) voidSpec(ctx context.Context, in *voidSpecInput) (*specOutput, error) {
	if err := checkReason("body.reason", in.Body.Reason); err != nil {
		return nil, err
	}
	if err := a.inspections().VoidSpec(ctx, in.ID, in.Body.Reason, in.Body.Version); err != nil {
		return nil, err
	}
	s, err := a.inspections().Spec(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	return &specOutput{Body: *s}, nil
}

func (a *API) listDefectCodes(ctx context.Context, in *listDefectCodesInput) (*defectCodesOutput, error) {
	codes, err := a.inspections().DefectCodes(ctx, in.Category, in.IncludeVoided)
	if err != nil {
		return nil, err
	}
	return &defectCodesOutput{Body: nonNil(codes)}, nil
}

func (a *API) createDefectCode(ctx context.Context, in *createDefectCodeInput) (*createDefectCodeOutput, error) {
	b := in.Body
	d := &inspection.DefectCode{Category: b.Category, Code: b.Code, Description: b.Description, Class: inspection.DefectClass(b.Class)}
	if err := a.inspections().CreateDefectCode(ctx, d); err != nil {
		return nil, err
	}
	return &createDefectCodeOutput{Location: Prefix + "/defect-codes/" + strconv.FormatInt(d.ID, 10), Body: *d}, nil
}

func (a *API) updateDefectCode(ctx context.Context, in *updateDefectCodeInput) (*defectCodeOutput, error) {
	b := in.Body
	if err := checkReason("body.reason", b.Reason); err != nil {
		return nil, err
	}
	cur, err := a.inspections().DefectCode(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	if b.Description == nil && b.Class == nil {
		return nil, Invalid("body", "names nothing to change")
	}
	d := *cur
	set(&d.Description, b.Description)
	if b.Class != nil {
		d.Class = inspection.DefectClass(*b.Class)
	}
	if err := a.inspections().UpdateDefectCode(ctx, &d, b.Version, b.Reason); err != nil {
		return nil, err
	}
	return &defectCodeOutput{Body: d}, nil
}

func (a *API) voidDefectCode(ctx context.Context, in *voidDefectCodeInput) (*defectCodeOutput, error) {
	if err := checkReason("body.reason", in.Body.Reason); err != nil {
		return nil, err
	}
	if err := a.inspections().VoidDefectCode(ctx, in.ID, in.Body.Reason, in.Body.Version); err != nil {
		return nil, err
	}
	d, err := a.inspections().DefectCode(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	return &defectCodeOutput{Body: *d}, nil
}

func (a *API) listPlans(ctx context.Context, in *ProductIDParam) (*plansOutput, error) {
	plans, err := a.inspections().Plans(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	return &plansOutput{Body: nonNil(plans)}, nil
}

func (a *API) createPlan(ctx context.Context, in *createPlanInput) (*createPlanOutput, error) {
	p, err := in.Body.plan()
	if err != nil {
		return nil, err
	}
	p.ProductID, p.SupplierID = in.Body.ProductID, in.Body.SupplierID
	if err := a.inspections().CreatePlan(ctx, &p); err != nil {
		return nil, err
	}
	return &createPlanOutput{Location: Prefix + "/plans/" + strconv.FormatInt(p.ID, 10), Body: p}, nil
}

func (a *API) getPlan(ctx context.Context, in *PlanIDParam) (*planOutput, error) {
	p, err := a.inspections().Plan(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	return &planOutput{Body: *p}, nil
}

func (a *API) updatePlan(ctx context.Context, in *updatePlanInput) (*planOutput, error) {
	if err := checkReason("body.reason", in.Body.Reason); err != nil {
		return nil, err
	}
	p, err := in.Body.plan()
	if err != nil {
		return nil, err
	}
	p.ID = in.ID
	if err := a.inspections().UpdatePlan(ctx, &p, in.Body.Version, in.Body.Reason); err != nil {
		return nil, err
	}
	return &planOutput{Body: p}, nil
}

func (a *API) voidPlan(ctx context.Context, in *voidPlanInput) (*planOutput, error) {
	if err := checkReason("body.reason", in.Body.Reason); err != nil {
		return nil, err
	}
	if err := a.inspections().VoidPlan(ctx, in.ID, in.Body.Reason, in.Body.Version); err != nil {
		return nil, err
	}
	p, err := a.inspections().Plan(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	return &planOutput{Body: *p}, nil
}
