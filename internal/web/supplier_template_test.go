package web

import (
	"encoding/json"
	"time"

	"qms/internal/qms"
	"qms/internal/store"
	"qms/internal/supplier"
	"qms/internal/supplierops"
)

// supplierSamplePages returns data for every supplier page template, full
// and nearly empty, for TestTemplatesRender.
func supplierSamplePages() []page {
	now := time.Date(2026, 11, 27, 9, 30, 0, 0, time.UTC)
	today := qms.DateOf(now)
	days := 30
	past := -12
	sup := supplier.Supplier{ID: 7, Name: "深圳精密五金有限公司 <script>alert(1)</script>", NameLatin: "Shenzhen Precision Hardware Co., Ltd.",
		Kind: supplier.KindManufacturer, Country: "CN", Address: "深圳市宝安区", Categories: []string{"electronics"},
		Contacts: []supplier.Contact{{Name: "陈静", Role: "QA", Email: "qa@example.cn", Phone: "+86 755 1234"}}, Notes: "line 1\nline 2",
		Status: supplier.StatusUnderQualification, StatusReason: "documents requested", StatusChangedAt: &now, StatusChangedBy: "Wang Fang",
		CreatedAt: now, UpdatedAt: now, Version: 3}
	voided := sup
	voided.ID, voided.NameLatin, voided.VoidedAt, voided.VoidReason = 8, "", &now, "duplicate"
	site := supplier.Site{ID: 11, SupplierID: 7, Name: "一厂", NameLatin: "Plant 1", Address: "深圳", AddressLatin: "Shenzhen",
		Country: "CN", Categories: []string{"electronics"}, Capacity: "40,000 pcs/month", Version: 1}
	vsite := site
	vsite.ID, vsite.VoidedAt = 12, &now
	cert := supplier.Certificate{ID: 21, SupplierID: 7, Kind: supplier.KindManagementSystem, Standard: "ISO 9001", StandardVersion: "2015",
		Number: "CN-1", CertificationBody: "SGS", AccreditationBody: "CNAS", Scope: "Manufacture of PCB\nassemblies", SiteIDs: []int64{11},
		HolderName: "Shenzhen Precision", HolderAddress: "Shenzhen", IssueDate: today.AddDate(-1, 0, 0), ExpiryDate: today.AddDate(0, 0, days),
		OriginalDate: today.AddDate(-4, 0, 0), LastSurveillanceDate: today.AddDate(0, -2, 0), Review: supplier.ReviewSubmitted,
		CreatedAt: now, UpdatedAt: now, Version: 2}
	rejected := cert
	rejected.ID, rejected.Review, rejected.ReviewNote, rejected.ReviewedBy, rejected.ReviewedAt = 22, supplier.ReviewRejected, "blurred", "QM", &now
	rejected.ExpiryDate, rejected.VoidedAt = qms.Date{}, &now
	ver := supplier.Verification{ID: 31, CertificateID: 21, Method: supplier.MethodCNCA, CheckedOn: today, CheckedBy: "Li", Result: supplier.ResultSuspended,
		Note: "suspended on cx.cnca.cn"}
	vver := ver
	vver.ID, vver.VoidedAt, vver.VoidReason = 32, &now, "wrong certificate"
	status := supplier.CertStatus{
		Validity:     supplier.Finding{Code: supplier.CodeExpiring, Severity: supplier.SeverityWarning, Message: "Expiring in 30 days."},
		Verification: supplier.Finding{Code: supplier.CodeVerified, Severity: supplier.SeverityOK, Message: "Checked."}, DaysLeft: &days}
	expired := supplier.CertStatus{Validity: supplier.Finding{Code: supplier.CodeExpired, Severity: supplier.SeveritySevere, Message: "Expired."}, DaysLeft: &past}
	flags := []supplier.Finding{{Code: supplier.FlagNumberUsedByOther, Severity: supplier.SeveritySevere, Message: "Also recorded for <b>another</b>."},
		{Code: supplier.FlagABNote, Severity: supplier.SeverityInfo, Message: "Note."}}
	view := store.CertificateView{Certificate: cert, Verifications: []supplier.Verification{ver, vver}, SupplierName: sup.DisplayName(), Status: status}
	rview := store.CertificateView{Certificate: rejected, Verifications: []supplier.Verification{}, SupplierName: sup.DisplayName(), Status: expired}
	override := supplier.Override{ID: 41, SupplierID: 7, Standard: "ISO 13485", Reason: "renewal audit done", Until: today.AddDate(0, 1, 0), CreatedBy: "QM", CreatedAt: now}
	ended := override
	ended.ID, ended.VoidedAt, ended.VoidReason = 42, &now, "certificate arrived"
	checks := []supplier.Check{
		{Requirement: supplier.Requirement{Standard: "ISO 9001"}, SiteID: 11, SiteName: "Plant 1", Code: supplier.CheckMet, Message: "Met."},
		{Requirement: supplier.Requirement{Standard: "ISO 13485"}, Code: supplier.CheckMissing, Message: "Missing.", Blocking: true},
		{Requirement: supplier.Requirement{Standard: "ISO 14001"}, Code: supplier.CheckExpired, Message: "Waived.", Override: &override},
	}
	gate := supplier.GateResult{Allowed: false, Checks: checks}
	after, _ := json.Marshal(sup)
	hist := []supplierops.StatusChange{
		{AuditEvent: qms.AuditEvent{Seq: 2, Time: now, ActorName: "QM", Action: "status", After: after, Reason: "documents requested"},
			From: supplier.StatusProspect, To: supplier.StatusUnderQualification},
		{AuditEvent: qms.AuditEvent{Seq: 1, Time: now, ActorName: "QM", Action: qms.ActionCreate}, To: supplier.StatusProspect},
		{AuditEvent: qms.AuditEvent{Seq: 3, Time: now, ActorName: "QM", Action: qms.ActionVoid}},
	}
	cats := []supplier.Category{{ID: 1, Code: "electronics", Name: "Electronics", Keywords: []string{"PCB", "电子"}, Version: 1},
		{ID: 2, Code: "toys", Name: "Toys", VoidedAt: &now}}
	set := supplier.DefaultSettings()
	set.Version = 1
	detail := &store.SupplierDetail{Supplier: sup, Sites: []supplier.Site{site, vsite}, Certificates: []store.CertificateView{view, rview},
		Flags: map[int64][]supplier.Finding{21: flags}, Overrides: []supplier.Override{override}, Gate: gate}
	certDetail := &store.CertificateDetail{CertificateView: view, Supplier: sup, Sites: []supplier.Site{site}, Flags: flags}
	emptyDetail := &store.CertificateDetail{CertificateView: rview, Supplier: voided}
	form := certFormOf(&cert)
	errs := map[string]string{"name": "is required", "name_latin": "is required", "country": "bad", "contacts.0.email": "bad",
		"issue_date": "bad", "expiry_date": "bad", "standard": "unknown", "site_ids": "bad", "reason": "long", "categories": "unknown"}
	return []page{
		&supplierListPage{layout: layout{Title: "Suppliers"}, Query: supplierQuery{Q: "深圳", Status: "approved", Country: "CN", Category: "electronics", Sort: "-name"},
			Tabs:       []statusTab{{Label: "All", Count: 3, URL: "/suppliers", Current: true}, {Status: supplier.StatusApproved, Label: "Approved", Count: 1, URL: "/suppliers?status=approved"}},
			Categories: cats, Sorts: supplierSorts, Suppliers: []supplier.Supplier{sup, voided}, Total: 2, Page: 2, PrevURL: "/suppliers",
			NextURL: "/suppliers?page=3", CSVURL: "/suppliers.csv", CanCreate: true, CanImport: true, Errors: map[string]string{"q": "bad"}},
		&supplierListPage{layout: layout{Title: "Suppliers"}, Sorts: supplierSorts, CSVURL: "/suppliers.csv"},
		&supplierPage{layout: layout{Title: sup.DisplayName()}, Supplier: sup, Sites: []supplier.Site{site, vsite},
			Certs: []certCard{{CertificateView: view, Flags: flags, SiteNames: []string{"Plant 1"}}, {CertificateView: rview}},
			Gate:  gate, Blocking: gate.Blocking(), Active: []supplier.Override{override}, Past: []supplier.Override{ended}, History: hist,
			Transitions: supplier.Transitions[sup.Status], CanEdit: true, CanApprove: true, Today: today.String(), MaxUntil: today.String()},
		&supplierPage{layout: layout{Title: "x"}, Supplier: voided},
		&supplierPage{layout: layout{Title: "x"}, Supplier: sup, Scorecard: sampleScorecard()},
		&scorecardPage{layout: layout{Title: "Scorecard"}, Crumbs: []siteLink{{"Plant 1", "/suppliers/1"}}, Card: sampleScorecard(), From: "2026-01-01", To: "2026-03-31"},
		&scorecardPage{layout: layout{Title: "Scorecard"}, Errors: map[string]string{"to": "is before from"}},
		&supplierFormPage{layout: layout{Title: "Edit"}, Supplier: &sup, Form: sup, Contacts: contactForm(sup.Contacts),
			Categories: categoryChoices(cats, []string{"electronics", "gone"}), Kinds: supplier.Kinds, Version: 3, Reason: "typo", Errors: errs, Problem: "stale", CanVoid: true},
		&supplierFormPage{layout: layout{Title: "New supplier"}, Kinds: supplier.Kinds, Contacts: contactForm(nil)},
		&siteFormPage{layout: layout{Title: "Edit site"}, Supplier: &sup, Site: &site, Form: site, Contacts: contactForm(site.Contacts),
			Categories: categoryChoices(cats, site.Categories), Version: 1, Errors: errs, Problem: "bad", CanVoid: true},
		&siteFormPage{layout: layout{Title: "New site"}, Supplier: &sup},
		&certificateFormPage{layout: layout{Title: "Edit"}, Supplier: &sup, Certificate: &cert, Form: form,
			Sites: []siteChoice{{ID: 11, Name: "Plant 1", Address: "Shenzhen", Checked: true}}, Kinds: supplier.CertKinds,
			Standards: []string{"ISO 9001:2015"}, Bodies: []string{"UKAS"}, Action: "/certificates/21", Cancel: "/certificates/21", Version: 2, Errors: errs, Problem: "bad"},
		&certificateFormPage{layout: layout{Title: "Submit"}, Supplier: &sup, Portal: true, Action: "/portal/certificates", Cancel: "/portal"},
		&certificatePage{layout: layout{Title: "ISO 9001"}, D: certDetail, Methods: supplier.Methods, Results: supplier.Results, Today: today.String(),
			CanEdit: true, CanApprove: true},
		&certificatePage{layout: layout{Title: "ISO 9001"}, D: emptyDetail},
		&certificatePage{layout: layout{Title: "ISO 9001"}, D: certDetail, Portal: true},
		certificateScanSample(certDetail),
		supplierReportSample(detail), supplierReportSample(&store.SupplierDetail{Supplier: voided}),
		&expiringPage{layout: layout{Title: "Expiring"}, Within: "30", Default: 90, Items: []expiringRow{{CertificateView: view, When: daysText(&days)},
			{CertificateView: rview, When: daysText(&past)}}, Total: 2, Page: 2, PrevURL: "/certificates/expiring", NextURL: "/x", Internal: true},
		&expiringPage{layout: layout{Title: "Expiring"}, Errors: map[string]string{"within": "bad"}},
		&approvedPage{layout: layout{Title: "ASL"}, Category: "electronics", Categories: cats,
			Entries: []store.ASLEntry{{Supplier: sup, Sites: []supplier.Site{site}, Certificates: []store.CertificateView{view, rview}}, {Supplier: voided}},
			Page:    2, PrevURL: "/approved-suppliers", NextURL: "/x", CSVURL: "/approved-suppliers.csv"},
		&approvedPage{layout: layout{Title: "ASL"}},
		&supplierSettingsPage{layout: layout{Title: "Settings"}, Settings: &set, Categories: cats, Bodies: set.AccreditationBodies,
			Requirements: []supplier.Requirement{{ID: 1, Standard: "ISO 9001", Version: 1}, {ID: 2, Standard: "ISO 13485", Category: "medical_devices", Market: "EU", VoidedAt: &now}},
			Standards:    []string{"ISO 9001"}, Form: "thresholds", Errors: map[string]string{"expiry_warning_days": "bad"}},
		&supplierSettingsPage{layout: layout{Title: "Settings"}, Settings: &supplier.Settings{}, Form: "category", Errors: map[string]string{"code": "taken"}},
		&supplierSettingsPage{layout: layout{Title: "Settings"}, Settings: &set, Tiers: sampleTiers(), Form: "tiers", Errors: map[string]string{"b_max_ppm": "bad"}},
		&importPage{layout: layout{Title: "Import"}, DryRun: true, File: "suppliers.csv", Columns: supplierops.Columns,
			Report: &supplierops.ImportReport{Rows: 3, Errors: []supplierops.RowError{{Row: 2, Column: "name", Message: "is required"}, {Row: 3, Message: "bad"}}, StatusesIgnored: 1}},
		&importPage{layout: layout{Title: "Import"}, Report: &supplierops.ImportReport{Rows: 3, Suppliers: 1, Committed: true}},
		&importPage{layout: layout{Title: "Import"}, Report: &supplierops.ImportReport{Rows: 3, Suppliers: 1, Sites: 1, Certificates: 1, Errors: []supplierops.RowError{}}, Problem: "Choose a file."},
		&supplierPortalPage{layout: layout{Title: "Portal"}, Detail: detail, Missing: checks[1:2]},
		&supplierPortalPage{layout: layout{Title: "Portal"}, Detail: &store.SupplierDetail{Supplier: sup}},
		&supplierPortalPage{layout: layout{Title: "Supplier portal"}},
	}
}
