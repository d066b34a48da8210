package cli

import (
	"context"
	"fmt"
	"net"
	"time"

	"qms/internal/api"
	"qms/internal/auth"
	"qms/internal/blob"
	"qms/internal/capaops"
	"qms/internal/config"
	"qms/internal/demo"
	"qms/internal/documentops"
	"qms/internal/inspectionops"
	"qms/internal/jobs"
	"qms/internal/notify"
	"qms/internal/qauditops"
	"qms/internal/report"
	"qms/internal/resultops"
	"qms/internal/server"
	"qms/internal/supplierops"
	"qms/internal/web"
)

func runServe(ctx context.Context, env *Env, args []string) error {
	fs := newFlags(env, "serve", "serve [--addr HOST:PORT] [--data DIR | --db URL] [--demo] [flags]")
	resolve := dataFlags(fs, env, config.Server)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	c, err := resolve()
	if err != nil {
		return err
	}
	return Serve(ctx, c, env, nil)
}

// Serve runs the server until ctx is cancelled. When ready is not nil it
// receives the listening address once the server accepts connections.
func Serve(ctx context.Context, c config.Config, env *Env, ready chan<- string) error {
	start := time.Now()
	log := newLogger(c, env.Stderr)
	if err := c.Notify.Check(); err != nil {
		return err // before the database is touched
	}
	st, err := openStore(ctx, c, log)
	if err != nil {
		return err
	}
	defer func() {
		if err := st.Close(); err != nil {
			log.Error("close database", "err", err)
		}
	}()
	blobs, err := blob.Open(ctx, c, log)
	if err != nil {
		return err
	}
	files := blob.NewService(st, blobs, c.Files.MaxBytes())
	(&inspectionops.Service{Store: st}).RegisterFiles(files)
	(&supplierops.Service{Store: st}).RegisterFiles(files)
	(&qauditops.Service{Store: st}).RegisterFiles(files)
	files.RegisterOwner(resultops.OwnerLotResult, blob.OwnerRules{Read: (&resultops.Service{Store: st}).ReadLotResultFile})
	fonts, err := report.LoadFonts(c.PDFCJKFont, log)
	if err != nil {
		return err
	}
	if c.Demo {
		if err := demo.Load(ctx, st, env.Stdout); err != nil {
			return fmt.Errorf("load demo data: %w", err)
		}
		if err := demo.LoadCertificateScans(ctx, st, files, fonts, env.Stdout); err != nil {
			return fmt.Errorf("load demo certificate scans: %w", err)
		}
		if err := demo.LoadInspections(ctx, st, files, env.Stdout); err != nil {
			return fmt.Errorf("load demo inspections: %w", err)
		}
		if err := demo.LoadNCRs(ctx, st, files, env.Stdout); err != nil {
			return fmt.Errorf("load demo NCRs and CAPAs: %w", err)
		}
		if err := demo.LoadDocuments(ctx, st, env.Stdout); err != nil {
			return fmt.Errorf("load demo documents, processes and risks: %w", err)
		}
		if err := demo.LoadAudits(ctx, st, env.Stdout); err != nil {
			return fmt.Errorf("load demo audits: %w", err)
		}
		if err := demo.LoadReview(ctx, st, env.Stdout); err != nil {
			return fmt.Errorf("load demo objectives, complaints and reviews: %w", err)
		}
	}
	if n, err := st.CountUsers(ctx); err == nil && n == 0 {
		log.Warn("no users yet: create the first administrator with `qms user create --email you@example.com --name \"Your Name\" --role admin`, or start with --demo")
	}
	authSvc := &auth.Service{Store: st, Log: log, Policy: auth.DefaultPolicy}
	authSvc.Policy.SessionIdle = c.SessionIdle
	authSvc.Policy.SessionAbsolute = c.SessionAbsolute
	authSvc.Policy.SecureCookie = c.SecureCookies

	runner := jobs.NewRunner(st, log, c.Workers)
	jobs.RegisterFoundation(runner, st, c)
	channels, err := notify.New(st, c.Notify, log)
	if err != nil {
		return err
	}
	channels.Register(runner)
	documentops.RegisterJobs(runner, st)
	supplierops.RegisterReminders(runner, st)
	capaops.Register(runner, files, st)
	qauditops.RegisterJobs(runner, st)

	h, err := server.Handler(server.Options{
		Store:          st,
		Auth:           authSvc,
		Log:            log,
		TrustedOrigins: c.TrustedOrigins,
		Surfaces: []server.Surface{
			web.New(st, authSvc, log).WithFiles(files).WithFonts(fonts).WithReportClient(c.ReportClient),
			api.New(st, authSvc, log).WithFiles(files).WithFonts(fonts).WithReportClient(c.ReportClient),
		},
	})
	if err != nil {
		return err
	}
	l, err := net.Listen("tcp", c.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w (is another qms running? choose another port with --addr)", c.Addr, err)
	}
	jobCtx, stopJobs := context.WithCancel(context.WithoutCancel(ctx))
	jobsDone := make(chan struct{})
	go func() { runner.Run(jobCtx); close(jobsDone) }()

	db := "SQLite " + st.Path()
	if c.DatabaseURL != "" {
		db = "PostgreSQL " + config.Redact(c.DatabaseURL)
	}
	log.Info("qms is ready", "url", "http://"+l.Addr().String(), "database", db, "version", Version,
		"startup_ms", time.Since(start).Milliseconds())
	if ready != nil {
		ready <- l.Addr().String()
	}
	err = server.Serve(ctx, l, h, c.ShutdownTimeout, log)
	// Requests are done; let running jobs finish within the same deadline.
	stopJobs()
	select {
	case <-jobsDone:
	case <-time.After(c.ShutdownTimeout):
		log.Warn("jobs still running at the shutdown deadline; they will be retried by the next start")
	}
	log.Info("stopped")
	return err
}
