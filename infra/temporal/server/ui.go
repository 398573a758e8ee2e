// The Temporal web UI of baton-temporal, behind the console's sign-in.
//
// ui-server (github.com/temporalio/ui-server, as a library) has no sign-in Baton can use (only
// OIDC), so every request passes a gate first: the gate asks the console's check endpoint
// (services/console/src/web/temporal-ui.ts) with the browser's console session cookie, and serves
// the UI only when the console answers that the person is a signed-in operator. Without a
// session a browser's page request is sent to the console's sign-in page with the UI address to
// come back to (other requests get 401); a person without the operator role gets 403; a console
// that does not answer within a few seconds, 503. The cookie reaches this port because cookies
// are scoped by host, not by port: the console's host-only, SameSite=Strict session cookie on
// 127.0.0.1 is sent to every port of 127.0.0.1 (so the UI must be served from the console's host).
//
// The gate wraps ui-server's own handler in the same listener (no second, ungated port): the
// library's Server keeps its router (an echo instance) in an unexported field, which newUI
// takes by reflection; a ui-server version without it stops the start with an error saying so.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unsafe"

	uiserver "github.com/temporalio/ui-server/v2/server"
	uiconfig "github.com/temporalio/ui-server/v2/server/config"
	uioptions "github.com/temporalio/ui-server/v2/server/server_options"
	"go.temporal.io/server/temporal"
)

// The console's session cookie (services/console/src/web/server.ts).
const sessionCookie = "baton_session"

// How long the gate waits for the console's answer.
const signInCheckTimeout = 3 * time.Second

// uiCommand: `baton-temporal ui`, the same gated UI as a process of its own, for a Temporal
// server elsewhere (the cluster topology, docker-compose), in place of the stock ui-server.
func uiCommand(args []string) error {
	fs := flag.NewFlagSet("ui", flag.ContinueOnError)
	listen := fs.String("listen", "", "host:port the UI serves")
	frontend := fs.String("frontend", "", "host:port of Temporal's frontend")
	namespace := fs.String("namespace", "default", "the namespace it opens on")
	codec := fs.String("codec-endpoint", "", "the payload codec endpoint (the console's /codec)")
	cert := fs.String("cert", "", "the UI's client certificate (PEM)")
	key := fs.String("key", "", "its key")
	ca := fs.String("ca", "", "the CA that signed the server's certificate")
	authURL := fs.String("auth-url", "", "the console's sign-in check (GET, with the session cookie)")
	loginURL := fs.String("login-url", "", "the console's sign-in page, as the browser reaches it")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *listen == "" || *frontend == "" {
		return errors.New("usage: baton-temporal ui --listen HOST:PORT --frontend HOST:PORT --cert F --key F --ca F --auth-url URL --login-url URL [--namespace NS] [--codec-endpoint URL]")
	}
	u, err := newUI(*frontend, *listen, *namespace, *codec, *cert, *key, *ca, *authURL, *loginURL)
	if err != nil {
		return err
	}
	go func() {
		<-temporal.InterruptCh()
		u.Stop()
	}()
	return u.Start()
}

type ui struct {
	server *http.Server
}

func (u *ui) Start() error {
	if err := u.server.ListenAndServe(); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func (u *ui) Stop() { _ = u.server.Close() }

// newUI: the Temporal web UI, calling the frontend with its own (operator) certificate, behind
// the console's sign-in.
func newUI(frontendAddress, listen, namespace, codec, cert, key, ca, authURL, loginURL string) (*ui, error) {
	host, portText, err := net.SplitHostPort(listen)
	if err != nil {
		return nil, fmt.Errorf("--ui-listen: %w", err)
	}
	port, err := strconv.Atoi(portText)
	if err != nil {
		return nil, fmt.Errorf("--ui-listen: %w", err)
	}
	if cert == "" || key == "" || ca == "" {
		return nil, errors.New("the UI needs --ui-cert, --ui-key and --ui-ca: the frontend accepts no caller without a certificate")
	}
	if authURL == "" || loginURL == "" {
		return nil, errors.New("the UI needs --ui-auth-url and --ui-login-url (the console's sign-in check and page): it serves no one who has not signed in")
	}
	for _, u := range []string{authURL, loginURL} {
		if parsed, err := url.Parse(u); err != nil || parsed.Host == "" {
			return nil, fmt.Errorf("%q is not an absolute address", u)
		}
	}
	server := uiserver.NewServer(uioptions.WithConfigProvider(&uiconfig.Config{
		Host:                host,
		Port:                port,
		TemporalGRPCAddress: frontendAddress,
		EnableUI:            true,
		DefaultNamespace:    namespace,
		// The console's codec decodes only for a signed-in operator: the browser must send the
		// console's session cookie with its calls to the codec endpoint.
		Codec:               uiconfig.Codec{Endpoint: codec, IncludeCredentials: true},
		CORS:                uiconfig.CORS{CookieInsecure: true},
		DisableWriteActions: true, // its identity may not write anyway: no buttons that fail
		HideLogs:            true,
		TLS:                 uiconfig.TLS{CaFile: ca, CertFile: cert, KeyFile: key, ServerName: serverName, EnableHostVerification: true},
	}))
	handler, err := uiHandler(server)
	if err != nil {
		return nil, err
	}
	gate := &signInGate{next: handler, authURL: authURL, loginURL: loginURL, client: &http.Client{
		Timeout:       signInCheckTimeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
	return &ui{server: &http.Server{Addr: listen, Handler: gate, ReadHeaderTimeout: 10 * time.Second}}, nil
}

// uiHandler: the router inside ui-server's Server (field httpServer, an *echo.Echo, which is an
// http.Handler with every route NewServer set up).
func uiHandler(server *uiserver.Server) (http.Handler, error) {
	field := reflect.ValueOf(server).Elem().FieldByName("httpServer")
	if !field.IsValid() {
		return nil, errors.New("this ui-server version has no httpServer field: the UI cannot be put behind the console's sign-in (see infra/temporal/server/ui.go)")
	}
	value := reflect.NewAt(field.Type(), unsafe.Pointer(field.UnsafeAddr())).Elem().Interface()
	handler, ok := value.(http.Handler)
	if !ok || reflect.ValueOf(value).IsNil() {
		return nil, fmt.Errorf("ui-server's httpServer is a %T, not a handler: the UI cannot be put behind the console's sign-in", value)
	}
	return handler, nil
}

type signInGate struct {
	next     http.Handler
	authURL  string
	loginURL string
	client   *http.Client
}

func (g *signInGate) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/healthz" { // ui-server's health check: says nothing but "OK"
		g.next.ServeHTTP(w, r)
		return
	}
	status, err := g.check(r)
	switch {
	case err != nil:
		fmt.Fprintln(os.Stderr, "baton-temporal: the web UI's sign-in check:", err)
		http.Error(w, "the console, which signs people in to the Temporal UI, did not answer: try again", http.StatusServiceUnavailable)
	case status == http.StatusNoContent || status == http.StatusOK:
		dropSessionCookie(r)
		g.next.ServeHTTP(w, r)
	case status == http.StatusUnauthorized:
		w.Header().Set("Cache-Control", "no-store")
		if r.Method == http.MethodGet && strings.Contains(r.Header.Get("Accept"), "text/html") {
			back := "http://" + r.Host + r.URL.RequestURI()
			http.Redirect(w, r, g.loginURL+"?next="+url.QueryEscape(back), http.StatusSeeOther)
			return
		}
		http.Error(w, "sign in to the console first", http.StatusUnauthorized)
	case status == http.StatusForbidden:
		w.Header().Set("Cache-Control", "no-store")
		http.Error(w, "refused: the Temporal UI is for people with the operator role", http.StatusForbidden)
	default:
		fmt.Fprintf(os.Stderr, "baton-temporal: the web UI's sign-in check answered %d\n", status)
		http.Error(w, "the console's sign-in check failed: try again", http.StatusServiceUnavailable)
	}
}

// check asks the console about the request's session cookie (none: 401 without asking).
func (g *signInGate) check(r *http.Request) (int, error) {
	session, err := r.Cookie(sessionCookie)
	if err != nil || session.Value == "" {
		return http.StatusUnauthorized, nil
	}
	ctx, cancel := context.WithTimeout(r.Context(), signInCheckTimeout)
	defer cancel()
	ask, err := http.NewRequestWithContext(ctx, http.MethodGet, g.authURL, nil)
	if err != nil {
		return 0, err
	}
	ask.AddCookie(&http.Cookie{Name: sessionCookie, Value: session.Value})
	answer, err := g.client.Do(ask)
	if err != nil {
		return 0, err
	}
	defer answer.Body.Close()
	return answer.StatusCode, nil
}

// dropSessionCookie: the UI has no use for the console's session, and is not handed it.
func dropSessionCookie(r *http.Request) {
	cookies := r.Cookies()
	r.Header.Del("Cookie")
	for _, c := range cookies {
		if c.Name != sessionCookie {
			r.AddCookie(c)
		}
	}
}
