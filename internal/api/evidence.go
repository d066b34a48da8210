package api

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"qms/internal/evidence"
	"qms/internal/store"
)

// EvidenceMap is the clause evidence map.
type EvidenceMap struct {
	Today      string              `json:"today" format:"date"`
	ISO13485   bool                `json:"iso13485"`
	Rows       []EvidenceRow       `json:"rows"`
	Gaps       []EvidenceGap       `json:"gaps"`
	Procedures []EvidenceProcedure `json:"procedures,omitempty" doc:"In ISO 13485 mode: the procedures it requires to be documented and the documents that cover them."`
}

// EvidenceRow is a clause with its evidence and gaps.
type EvidenceRow struct {
	Standard string         `json:"standard"`
	Clause   string         `json:"clause"`
	Title    string         `json:"title"`
	Status   string         `json:"status" enum:"ok,none,gap" doc:"gap: a rule flags the clause; none: no record gives evidence."`
	Items    []EvidenceItem `json:"items"`
	Gaps     []EvidenceGap  `json:"gaps"`
}

// EvidenceItem is one kind of record that gives evidence of a clause.
type EvidenceItem struct {
	Kind  string `json:"kind"`
	Label string `json:"label"`
	Path  string `json:"path" doc:"The web page that lists the records."`
	Count int64  `json:"count"`
	Known bool   `json:"known" doc:"False when this installation lacks the module that holds the records."`
}

// EvidenceGap is a weakness found by a rule, in plain words.
type EvidenceGap struct {
	Rule     string `json:"rule"`
	Standard string `json:"standard"`
	Clause   string `json:"clause"`
	Text     string `json:"text"`
	Path     string `json:"path"`
}

// EvidenceProcedure is a required ISO 13485 procedure and its documents.
type EvidenceProcedure struct {
	Clause      string   `json:"clause"`
	Title       string   `json:"title"`
	Documents   []string `json:"documents"`
	DocumentIDs []int64  `json:"document_ids"`
}

func gapsOut(gs []evidence.Gap) []EvidenceGap {
	out := make([]EvidenceGap, len(gs))
	for i, g := range gs {
		out[i] = EvidenceGap{Rule: string(g.Rule), Standard: string(g.Standard), Clause: g.Clause, Text: g.Text, Path: g.Path}
	}
	return out
}

func evidenceOut(m evidence.Map) EvidenceMap {
	out := EvidenceMap{Today: m.Today.String(), ISO13485: m.ISO13485, Rows: []EvidenceRow{}, Gaps: gapsOut(m.Gaps)}
	for _, r := range m.Rows {
		row := EvidenceRow{Standard: string(r.Clause.Standard), Clause: r.Clause.Number, Title: r.Clause.Title, Status: r.Status(), Gaps: gapsOut(r.Gaps)}
		for _, it := range r.Items {
			row.Items = append(row.Items, EvidenceItem{Kind: string(it.Kind), Label: it.Label, Path: it.Path, Count: it.Count, Known: it.Known})
		}
		out.Rows = append(out.Rows, row)
	}
	for _, p := range m.Procedures {
		out.Procedures = append(out.Procedures, EvidenceProcedure{Clause: p.Procedure.Clause, Title: p.Procedure.Title, Documents: p.Documents, DocumentIDs: p.Links})
	}
	return out
}

type evidenceMapOutput struct{ Body EvidenceMap }

// QMSSettings are the QMS-wide settings.
type QMSSettings struct {
	store.QMSSettings
}

type qmsSettingsOutput struct{ Body QMSSettings }

// QMSSettingsRequest switches ISO 13485 mode.
type QMSSettingsRequest struct {
	ISO13485 bool   `json:"iso13485" doc:"ISO 13485 mode: its clauses and required procedures are checked, complaints are records CAPAs must name, approvals must be signed."`
	Version  int64  `json:"version" minimum:"0" doc:"The settings' version you read (0 while never changed)."`
	Reason   string `json:"reason" maxLength:"2000"`
}

type qmsSettingsInput struct{ Body QMSSettingsRequest }

func (a *API) registerEvidence() {
	tags := []string{"Quality system"}
	ops := a.qmsOps()
	Handle(a, huma.Operation{OperationID: "evidence-map", Method: http.MethodGet, Path: "/evidence", Tags: tags,
		Summary: "The clause evidence map", Description: "For each ISO 9001 (and, in ISO 13485 mode, ISO 13485) clause the records that give evidence, and the gaps found by the rules."},
		func(ctx context.Context, _ *struct{}) (*evidenceMapOutput, error) {
			m, err := ops.EvidenceMap(ctx)
			if err != nil {
				return nil, err
			}
			return &evidenceMapOutput{Body: evidenceOut(m)}, nil
		})
	Handle(a, huma.Operation{OperationID: "get-qms-settings", Method: http.MethodGet, Path: "/settings/qms", Tags: tags, Summary: "The QMS settings"},
		func(ctx context.Context, _ *struct{}) (*qmsSettingsOutput, error) {
			s, err := ops.Settings(ctx)
			if err != nil {
				return nil, err
			}
			return &qmsSettingsOutput{Body: QMSSettings{s}}, nil
		})
	Handle(a, huma.Operation{OperationID: "update-qms-settings", Method: http.MethodPut, Path: "/settings/qms", Tags: tags,
		Errors: []int{http.StatusConflict}, Summary: "Switch ISO 13485 mode", Description: "Administrators only; audited with the reason."},
		func(ctx context.Context, in *qmsSettingsInput) (*qmsSettingsOutput, error) {
			s, err := ops.SetISO13485Mode(ctx, in.Body.ISO13485, in.Body.Version, in.Body.Reason)
			if err != nil {
				return nil, err
			}
			return &qmsSettingsOutput{Body: QMSSettings{s}}, nil
		})
}
