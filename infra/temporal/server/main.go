// Command baton-temporal: the Temporal server of Baton's local stack, with identities.
//
// Why hand-written: the stock `temporal-server` and the CLI's `temporal server start-dev` both
// leave the frontend open to anyone who reaches its port (start-dev has no TLS at all; the stock
// server's only authorizer knows namespace roles from JWT claims, not rules per API). Temporal's
// extension points for that (temporal.WithAuthorizer, temporal.WithClaimMapper) exist only for a
// server built as a Go program, so this is that program: the unchanged Temporal server (module
// go.temporal.io/server) with mutual TLS from its YAML config, a claim mapper that names the
// caller by its client certificate, and an authorizer per API and identity (policy.go).
//
//	baton-temporal certs --dir DIR [--hosts h1,h2] NAME...   the CA and certificates (certs.go)
//	baton-temporal start --config-dir DIR --env ENV --namespace NS --task-queue Q
//	    [--gateway-workflow-types FILE] [--ui-* ...]
//	    serves Temporal from DIR/ENV.yaml (infra/temporal/server.yaml on PostgreSQL,
//	    infra/temporal/server-dev.yaml on SQLite, whose schema and namespace it creates); with
//	    --ui-listen also the Temporal web UI, as an operator (its own certificate), on that address,
//	    behind the console's sign-in (--ui-auth-url, --ui-login-url; ui.go)
//	baton-temporal ui --listen H:P --frontend H:P --cert --key --ca --auth-url --login-url ...
//	    the same web UI behind the console's sign-in, as a process of its own (ui.go)
//	baton-temporal --version
//
// Built by infra/obtain.sh baton-temporal into .baton/bin; used by infra/stack.sh in both topologies.
package main

import (
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"

	"go.temporal.io/server/common/authorization"
	"go.temporal.io/server/common/config"
	"go.temporal.io/server/common/dynamicconfig"
	"go.temporal.io/server/common/headers"
	"go.temporal.io/server/common/log"
	_ "go.temporal.io/server/common/persistence/sql/sqlplugin/postgresql" // the cluster topology's database
	sqliteplugin "go.temporal.io/server/common/persistence/sql/sqlplugin/sqlite"
	sqliteschema "go.temporal.io/server/schema/sqlite"
	"go.temporal.io/server/temporal"
)

func main() {
	var err error
	switch {
	case len(os.Args) > 1 && os.Args[1] == "certs":
		err = certsCommand(os.Args[2:])
	case len(os.Args) > 1 && os.Args[1] == "start":
		err = startCommand(os.Args[2:])
	case len(os.Args) > 1 && os.Args[1] == "ui":
		err = uiCommand(os.Args[2:])
	case len(os.Args) > 1 && os.Args[1] == "--version":
		fmt.Printf("baton-temporal (temporal server version %s)\n", headers.ServerVersion)
	default:
		err = errors.New("usage: baton-temporal certs|start|ui|--version (see infra/temporal/server/main.go)")
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "baton-temporal:", err)
		os.Exit(1)
	}
}

func startCommand(args []string) error {
	fs := flag.NewFlagSet("start", flag.ContinueOnError)
	configDir := fs.String("config-dir", "", "folder of the server's YAML config")
	env := fs.String("env", "baton", "config file name without .yaml")
	namespace := fs.String("namespace", "default", "Baton's namespace: the only one a non-admin identity may use")
	taskQueue := fs.String("task-queue", "baton-orchestrator", "the task queue the gateway may start workflows on")
	startTypesFile := fs.String("gateway-workflow-types", "", "file of the workflow types the gateway may start, one a line (none if empty)")
	uiListen := fs.String("ui-listen", "", "host:port of the web UI (none if empty)")
	uiCodec := fs.String("ui-codec-endpoint", "", "the UI's payload codec endpoint")
	uiCert := fs.String("ui-cert", "", "the UI's client certificate (PEM)")
	uiKey := fs.String("ui-key", "", "its key")
	uiCA := fs.String("ui-ca", "", "the CA that signed the server's certificate")
	uiAuth := fs.String("ui-auth-url", "", "the console's sign-in check, asked before the UI serves anything (ui.go)")
	uiLogin := fs.String("ui-login-url", "", "the console's sign-in page, where a browser without a session is sent")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *configDir == "" {
		return errors.New("--config-dir is required")
	}
	cfg, err := config.LoadConfig(*env, *configDir, "")
	if err != nil {
		return fmt.Errorf("loading the config: %w", err)
	}
	if cfg.Global.TLS.Frontend.Server.CertFile == "" || !cfg.Global.TLS.Frontend.Server.RequireClientAuth {
		return errors.New("the config has no mutual TLS on the frontend (global.tls.frontend.server with requireClientAuth): refusing to serve Temporal without identities")
	}
	if err := prepareSQLite(cfg, *namespace); err != nil {
		return err
	}
	startTypes, err := newStartTypes(*startTypesFile)
	if err != nil {
		return err
	}
	if *startTypesFile == "" {
		fmt.Fprintln(os.Stderr, "baton-temporal: no --gateway-workflow-types: the gateway may start no workflow")
	} else {
		fmt.Fprintf(os.Stderr, "baton-temporal: the gateway may start %d workflow types (read from %s)\n", len(startTypes.types), *startTypesFile)
	}
	logger := log.NewZapLogger(log.BuildZapLogger(cfg.Log))
	var dc dynamicconfig.Client = dynamicconfig.NewNoopClient()
	if cfg.DynamicConfigClient != nil {
		if dc, err = dynamicconfig.NewFileBasedClient(cfg.DynamicConfigClient, logger, temporal.InterruptCh()); err != nil {
			return fmt.Errorf("dynamic config: %w", err)
		}
	}
	server, err := temporal.NewServer(
		temporal.ForServices(temporal.DefaultServices),
		temporal.WithConfig(cfg),
		temporal.WithDynamicConfigClient(dc),
		temporal.WithLogger(logger),
		temporal.InterruptOn(temporal.InterruptCh()),
		temporal.WithAuthorizer(&authorizer{namespace: *namespace, taskQueue: *taskQueue, startTypes: startTypes}),
		temporal.WithClaimMapper(func(*config.Config) authorization.ClaimMapper { return claimMapper{} }),
	)
	if err != nil {
		return fmt.Errorf("creating the server: %w", err)
	}
	if *uiListen != "" {
		frontend := cfg.Services["frontend"].RPC
		ui, err := newUI(net.JoinHostPort(frontend.BindOnIP, strconv.Itoa(frontend.GRPCPort)), *uiListen, *namespace, *uiCodec, *uiCert, *uiKey, *uiCA, *uiAuth, *uiLogin)
		if err != nil {
			return err
		}
		go func() {
			if err := ui.Start(); err != nil {
				fmt.Fprintln(os.Stderr, "baton-temporal: the web UI stopped:", err)
				os.Exit(1)
			}
		}()
		defer ui.Stop()
	}
	// Blocks until SIGINT or SIGTERM, then stops every service.
	return server.Start()
}

// prepareSQLite: on SQLite (the dev topology) the database file gets its schema when it does not
// exist yet, and Baton's namespace is created if missing (as `temporal server start-dev` does).
func prepareSQLite(cfg *config.Config, namespace string) error {
	store, ok := cfg.Persistence.DataStores[cfg.Persistence.DefaultStore]
	if !ok || store.SQL == nil || store.SQL.PluginName != sqliteplugin.PluginName {
		return nil
	}
	sql := store.SQL
	if _, err := os.Stat(sql.DatabaseName); errors.Is(err, os.ErrNotExist) {
		if err := os.MkdirAll(filepath.Dir(sql.DatabaseName), 0o700); err != nil {
			return err
		}
		if err := sqliteschema.SetupSchema(sql); err != nil {
			return fmt.Errorf("creating the SQLite schema in %s: %w", sql.DatabaseName, err)
		}
	}
	ns, err := sqliteschema.NewNamespaceConfig(cfg.ClusterMetadata.CurrentClusterName, namespace, false, nil)
	if err != nil {
		return err
	}
	if err := sqliteschema.CreateNamespaces(sql, ns); err != nil {
		return fmt.Errorf("creating namespace %s: %w", namespace, err)
	}
	return nil
}
