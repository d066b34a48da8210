package evidence

// Clause is a clause of a standard with the kinds of records in qms that
// give evidence of it.
type Clause struct {
	Standard Standard `json:"standard"`
	Number   string   `json:"number"`
	Title    string   `json:"title"`
	Evidence []Kind   `json:"evidence"`
}

// Standard names the standard a clause belongs to.
type Standard string

const (
	ISO9001  Standard = "ISO 9001:2015"
	ISO13485 Standard = "ISO 13485:2016"
)

// ISO9001Clauses are the subclauses 4.1 to 10.3 of ISO 9001:2015 (4/3/3/5/
// 7/3/3 per clause), each with the records that give evidence of it.
var ISO9001Clauses = []Clause{
	{ISO9001, "4.1", "Understanding the organization and its context", []Kind{KindRisks, KindDocuments}},
	{ISO9001, "4.2", "Understanding the needs and expectations of interested parties", []Kind{KindRisks, KindComplaints}},
	{ISO9001, "4.3", "Determining the scope of the quality management system", []Kind{KindDocuments}},
	{ISO9001, "4.4", "Quality management system and its processes", []Kind{KindProcesses, KindDocuments}},
	{ISO9001, "5.1", "Leadership and commitment", []Kind{KindReviews, KindObjectives}},
	{ISO9001, "5.2", "Policy", []Kind{KindDocuments}},
	{ISO9001, "5.3", "Organizational roles, responsibilities and authorities", []Kind{KindProcesses, KindUsers}},
	{ISO9001, "6.1", "Actions to address risks and opportunities", []Kind{KindRisks}},
	{ISO9001, "6.2", "Quality objectives and planning to achieve them", []Kind{KindObjectives}},
	{ISO9001, "6.3", "Planning of changes", []Kind{KindDocuments, KindSpecs}},
	{ISO9001, "7.1", "Resources", []Kind{KindReviews, KindUsers}},
	{ISO9001, "7.2", "Competence", []Kind{KindAcknowledgements, KindUsers}},
	{ISO9001, "7.3", "Awareness", []Kind{KindAcknowledgements}},
	{ISO9001, "7.4", "Communication", []Kind{KindNotifications}},
	{ISO9001, "7.5", "Documented information", []Kind{KindDocuments, KindAuditTrail, KindSignatures}},
	{ISO9001, "8.1", "Operational planning and control", []Kind{KindSpecs, KindProcesses}},
	{ISO9001, "8.2", "Requirements for products and services", []Kind{KindSpecs, KindComplaints}},
	{ISO9001, "8.3", "Design and development of products and services", []Kind{KindSpecs}},
	{ISO9001, "8.4", "Control of externally provided processes, products and services", []Kind{KindSuppliers, KindCertificates, KindSupplierAudits}},
	{ISO9001, "8.5", "Production and service provision", []Kind{KindInspections, KindSpecs}},
	{ISO9001, "8.6", "Release of products and services", []Kind{KindInspections, KindLotResults}},
	{ISO9001, "8.7", "Control of nonconforming outputs", []Kind{KindNCRs}},
	{ISO9001, "9.1", "Monitoring, measurement, analysis and evaluation", []Kind{KindLotResults, KindObjectives, KindComplaints}},
	{ISO9001, "9.2", "Internal audit", []Kind{KindInternalAudits}},
	{ISO9001, "9.3", "Management review", []Kind{KindReviews, KindReviewActions}},
	{ISO9001, "10.1", "Improvement: general", []Kind{KindCAPAs, KindReviewActions}},
	{ISO9001, "10.2", "Nonconformity and corrective action", []Kind{KindNCRs, KindCAPAs}},
	{ISO9001, "10.3", "Continual improvement", []Kind{KindCAPAs, KindObjectives, KindReviews}},
}

// ISO13485Clauses are the subclauses of ISO 13485:2016 (the ISO 9001:2008
// layout) that qms gives evidence for in ISO 13485 mode.
var ISO13485Clauses = []Clause{
	{ISO13485, "4.1", "Quality management system: general requirements", []Kind{KindProcesses, KindRisks}},
	{ISO13485, "4.2", "Documentation requirements (quality manual, medical device file, control of documents and records)", []Kind{KindDocuments, KindAuditTrail, KindSignatures}},
	{ISO13485, "5.1", "Management commitment", []Kind{KindReviews}},
	{ISO13485, "5.2", "Customer focus", []Kind{KindComplaints}},
	{ISO13485, "5.3", "Quality policy", []Kind{KindDocuments}},
	{ISO13485, "5.4", "Planning (quality objectives, QMS planning)", []Kind{KindObjectives}},
	{ISO13485, "5.5", "Responsibility, authority and communication", []Kind{KindProcesses, KindUsers}},
	{ISO13485, "5.6", "Management review", []Kind{KindReviews, KindReviewActions}},
	{ISO13485, "6.1", "Provision of resources", []Kind{KindReviews}},
	{ISO13485, "6.2", "Human resources", []Kind{KindAcknowledgements, KindUsers}},
	{ISO13485, "6.3", "Infrastructure", []Kind{KindDocuments}},
	{ISO13485, "6.4", "Work environment and contamination control", []Kind{KindDocuments}},
	{ISO13485, "7.1", "Planning of product realization (risk management)", []Kind{KindRisks, KindSpecs}},
	{ISO13485, "7.2", "Customer-related processes", []Kind{KindSpecs, KindComplaints}},
	{ISO13485, "7.3", "Design and development", []Kind{KindSpecs}},
	{ISO13485, "7.4", "Purchasing", []Kind{KindSuppliers, KindCertificates, KindSupplierAudits}},
	{ISO13485, "7.5", "Production and service provision", []Kind{KindInspections, KindLotResults}},
	{ISO13485, "7.6", "Control of monitoring and measuring equipment", []Kind{KindDocuments}},
	{ISO13485, "8.1", "Measurement, analysis and improvement: general", []Kind{KindObjectives}},
	{ISO13485, "8.2.1", "Feedback", []Kind{KindComplaints}},
	{ISO13485, "8.2.2", "Complaint handling", []Kind{KindComplaints}},
	{ISO13485, "8.2.3", "Reporting to regulatory authorities", []Kind{KindComplaints}},
	{ISO13485, "8.2.4", "Internal audit", []Kind{KindInternalAudits}},
	{ISO13485, "8.2.5", "Monitoring and measurement of processes", []Kind{KindProcesses, KindObjectives}},
	{ISO13485, "8.2.6", "Monitoring and measurement of product", []Kind{KindInspections, KindLotResults}},
	{ISO13485, "8.3", "Control of nonconforming product", []Kind{KindNCRs}},
	{ISO13485, "8.4", "Analysis of data", []Kind{KindLotResults, KindObjectives}},
	{ISO13485, "8.5", "Improvement (corrective and preventive action)", []Kind{KindCAPAs}},
}

// Procedure is a procedure ISO 13485:2016 requires to be documented.
type Procedure struct {
	Clause string `json:"clause"`
	Title  string `json:"title"`
	// Keywords match a procedure document's title (any one, case
	// insensitive) when the document does not name the clause.
	Keywords []string `json:"-"`
}

// RequiredProcedures are the documented procedures ISO 13485:2016 asks
// for (domain.md §5.3: the count depends on how they are counted; this is
// one procedure per requirement to "document a procedure").
var RequiredProcedures = []Procedure{
	{"4.1.6", "Validation of computer software used in the QMS", []string{"software validation", "computer software", "csv"}},
	{"4.2.4", "Control of documents", []string{"document control", "control of documents"}},
	{"4.2.5", "Control of records", []string{"control of records", "record control", "records"}},
	{"5.6.1", "Management review", []string{"management review"}},
	{"6.2", "Competence, training and awareness", []string{"training", "competence"}},
	{"6.3", "Infrastructure maintenance", []string{"maintenance", "infrastructure"}},
	{"6.4.1", "Work environment", []string{"work environment"}},
	{"6.4.2", "Contamination control", []string{"contamination"}},
	{"7.1", "Risk management in product realization", []string{"risk management"}},
	{"7.3.1", "Design and development", []string{"design and development", "design control"}},
	{"7.3.8", "Design transfer", []string{"design transfer"}},
	{"7.3.9", "Control of design and development changes", []string{"design change"}},
	{"7.4.1", "Purchasing and supplier control", []string{"purchasing", "supplier"}},
	{"7.5.1", "Control of production and service provision", []string{"production control", "production"}},
	{"7.5.2", "Cleanliness of product", []string{"cleanliness"}},
	{"7.5.3", "Installation activities", []string{"installation"}},
	{"7.5.4", "Servicing activities", []string{"servicing"}},
	{"7.5.6", "Validation of processes for production and service provision", []string{"process validation"}},
	{"7.5.7", "Validation of sterilization and sterile barrier systems", []string{"steril"}},
	{"7.5.8", "Identification (including UDI)", []string{"identification", "udi"}},
	{"7.5.9", "Traceability", []string{"traceability"}},
	{"7.5.11", "Preservation of product", []string{"preservation", "storage and handling"}},
	{"7.6", "Control of monitoring and measuring equipment", []string{"calibration", "measuring equipment"}},
	{"8.2.1", "Feedback", []string{"feedback", "post-market"}},
	{"8.2.2", "Complaint handling", []string{"complaint"}},
	{"8.2.3", "Reporting to regulatory authorities", []string{"regulatory report", "vigilance", "adverse event"}},
	{"8.2.4", "Internal audit", []string{"internal audit"}},
	{"8.2.6", "Monitoring and measurement of product", []string{"inspection", "product acceptance"}},
	{"8.3", "Control of nonconforming product", []string{"nonconforming", "non-conforming"}},
	{"8.3.4", "Rework", []string{"rework"}},
	{"8.4", "Analysis of data", []string{"analysis of data", "data analysis"}},
	{"8.5.2", "Corrective action", []string{"corrective action", "capa"}},
	{"8.5.3", "Preventive action", []string{"preventive action", "capa"}},
}
