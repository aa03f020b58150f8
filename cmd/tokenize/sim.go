package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/tokenize-go/tokenize/internal/simkit"
)

// shutdownGrace is how long "tokenize sim" lets requests in flight finish
// after SIGINT or SIGTERM before it closes their connections.
const shutdownGrace = 5 * time.Second

var simCommand = &command{
	path:     "sim",
	summary:  "serve the provider simulators over HTTP, for clients in any language",
	synopsis: []string{"[-provider NAME] [-addr HOST:PORT] [-seed N] [-control ACCESS] [-config-dir DIR] [-json] [-v]"},
	description: `Starts the simulators of the tokenize providers as HTTP servers, one port each, prints what a client needs to use them — base URL, access-token URL, credentials, a tokenize configuration, the test cards and what each triggers — and serves until interrupted. SIGINT (Ctrl-C) or SIGTERM shuts down gracefully: requests in flight finish, then the command exits with status 0.

The simulators behave like the documented APIs: authentication, validation, error bodies, state kept in memory for as long as the command runs. Any client can use them: the tokenize library (point a configuration at them, or use the files -config-dir writes), the providers' official SDKs (set their base URL and the printed credentials), curl.

With -addr HOST:0 (the default) each simulator gets a free port. With a fixed port and several simulators, they take consecutive ports in the order ` + strings.Join(simulatorNames(), ", ") + `.

Each simulator has a control API under /_sim/ on its own port, a path no real endpoint uses, for tests in any language: change a network token's state, expiry or card as the scheme would, arm any fault of the fault matrix for the next N requests or for a path, read the request counters, reset all state, and, for a provider that pushes events (Checkout.com), register a webhook receiver and make deliveries duplicate or arrive out of order. GET /_sim/ lists its routes; README shows each with curl. By default (-control loopback) it answers only clients on the same machine, that is requests arriving on a loopback address, however -addr is set; -control open lets in every client that can reach the port, -control off no one.

With -seed the ids, DPANs and cryptograms repeat from run to run for the same sequence of requests, and a reset through the control API starts them over.`,
	examples: `# Every simulator (Nuvei, Checkout.com, Worldpay) on free loopback ports:
tokenize sim

# Checkout.com only, on a known port, with a configuration file:
tokenize sim -provider checkout -addr 127.0.0.1:8081 -config-dir /tmp/sim &
tokenize payment-token create -config /tmp/sim/checkout.json -card card.json

# For a test harness in another language: one JSON line on standard output.
tokenize sim -json | head -1`,
	setup: func(fs *flag.FlagSet) func(context.Context, stdio, []string) error {
		var (
			provider, addr, configDir, control string
			asJSON, verbose                    bool
			seed                               uint64
		)
		fs.StringVar(&provider, "provider", "all", "Serve only the simulator of `NAME`: "+strings.Join(simulatorNames(), ", ")+", or all.")
		fs.StringVar(&addr, "addr", "127.0.0.1:0", "Listen on `HOST:PORT`; port 0 picks free ports.")
		fs.Uint64Var(&seed, "seed", 0, "Make ids, DPANs and cryptograms reproducible from seed `N`: the same requests get the same answers run after run.")
		fs.StringVar(&control, "control", simkit.ControlLoopback.String(), "Who may use the control API (`ACCESS`): loopback, clients on the same machine; open, every client; off, no one.")
		fs.StringVar(&configDir, "config-dir", "", "Write a tokenize configuration for each simulator to `DIR`/NAME.json, for -config of the other commands.")
		fs.BoolVar(&asJSON, "json", false, "Print what a client needs as one line of JSON on standard output, instead of text for people.")
		fs.BoolVar(&verbose, "v", false, "Log every request (method, path, status, duration; never a body) on standard error.")
		return func(ctx context.Context, std stdio, args []string) error {
			if len(args) > 0 {
				return usagef("unexpected argument %d", 1)
			}
			entries, err := selectSimulators(provider)
			if err != nil {
				return err
			}
			opts := simOptions{seed: seed}
			fs.Visit(func(f *flag.Flag) { opts.seeded = opts.seeded || f.Name == "seed" })
			access, err := parseControlAccess(control)
			if err != nil {
				return err
			}
			var log *slog.Logger
			if verbose {
				log = slog.New(slog.NewTextHandler(std.err, nil))
			}
			return serveSimulators(ctx, std, serveOptions{entries, opts, access, addr, configDir, asJSON, log})
		}
	},
}

func simulatorNames() []string {
	var names []string
	for _, s := range simulators {
		names = append(names, s.name)
	}
	return names
}

// selectSimulators returns the simulators -provider names.
func selectSimulators(name string) ([]simulatorEntry, error) {
	if name == "all" {
		return simulators, nil
	}
	for _, s := range simulators {
		if s.name == name {
			return []simulatorEntry{s}, nil
		}
	}
	return nil, usagef("-provider: unknown simulator %q (have: %s, all)", name, strings.Join(simulatorNames(), ", "))
}

// listeners opens one listener per simulator on addr: port 0 gives each a
// free port, a fixed port gives consecutive ones.
func listeners(addr string, n int) ([]net.Listener, error) {
	host, portText, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, usagef("-addr: want HOST:PORT, such as 127.0.0.1:0")
	}
	port, err := strconv.Atoi(portText)
	if err != nil || port < 0 || port > 65535 {
		return nil, usagef("-addr: the port must be a number from 0 to 65535")
	}
	var ls []net.Listener
	for i := range n {
		p := port
		if port != 0 {
			p = port + i
		}
		l, err := net.Listen("tcp", net.JoinHostPort(host, strconv.Itoa(p)))
		if err != nil {
			closeAll(ls)
			return nil, err
		}
		ls = append(ls, l)
	}
	return ls, nil
}

// parseControlAccess reads -control.
func parseControlAccess(s string) (simkit.ControlAccess, error) {
	for _, a := range []simkit.ControlAccess{simkit.ControlLoopback, simkit.ControlOpen, simkit.ControlOff} {
		if s == a.String() {
			return a, nil
		}
	}
	return 0, usagef("-control: want loopback, open or off")
}

// closeSims stops what the simulators run besides serving.
func closeSims(sims []servable) {
	for _, s := range sims {
		if c, ok := s.(closer); ok {
			c.Close()
		}
	}
}

func closeAll(ls []net.Listener) {
	for _, l := range ls {
		l.Close()
	}
}

// serveOptions are what "tokenize sim" was asked to do.
type serveOptions struct {
	entries   []simulatorEntry
	sim       simOptions
	access    simkit.ControlAccess
	addr      string
	configDir string
	asJSON    bool
	log       *slog.Logger // nil: no request log
}

// serveSimulators starts the simulators, prints how to reach them, and
// serves until ctx ends.
func serveSimulators(ctx context.Context, std stdio, o serveOptions) error {
	ls, err := listeners(o.addr, len(o.entries))
	if err != nil {
		return err
	}
	servers := make([]*http.Server, len(o.entries))
	infos := make([]simInfo, len(o.entries))
	var sims []servable
	fail := func(err error) error {
		closeAll(ls)
		closeSims(sims)
		return err
	}
	for i, e := range o.entries {
		sim := e.start(o.sim)
		sims = append(sims, sim)
		c, ok := sim.Handler().(controlled)
		if !ok {
			return fail(fmt.Errorf("the %s simulator has no control API (its handler is not a simkit.Kit)", e.name))
		}
		c.SetControlAccess(o.access)
		var h http.Handler = c
		base := baseURL(ls[i].Addr())
		if infos[i], err = describe(e, sim, base); err != nil {
			return fail(err)
		}
		infos[i].ControlURL, infos[i].Control = base+simkit.ControlPrefix, o.access.String()
		if o.log != nil {
			h = accessLog(o.log, e.name, h)
		}
		servers[i] = &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	}
	if o.configDir != "" {
		if err := writeConfigs(o.configDir, infos); err != nil {
			return fail(err)
		}
	}
	// On every way out: servers first, so nothing new reaches a simulator
	// being closed, then the simulators' own work (webhook deliveries).
	defer closeSims(sims)

	errc := make(chan error, len(servers))
	for i, srv := range servers {
		go func() { errc <- srv.Serve(ls[i]) }()
	}
	if err := printSimInfo(std.out, infos, o.asJSON); err != nil {
		shutdown(servers)
		return err
	}
	if !o.asJSON {
		fmt.Fprintln(std.err, "Serving until interrupted (Ctrl-C or SIGTERM).")
	}

	select {
	case <-ctx.Done():
	case err = <-errc:
	}
	shutdown(servers)
	if err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	fmt.Fprintln(std.err, "tokenize sim: stopped")
	return nil
}

// shutdown stops every server gracefully, closing what is still open after
// shutdownGrace.
func shutdown(servers []*http.Server) {
	ctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	for _, srv := range servers {
		if err := srv.Shutdown(ctx); err != nil {
			srv.Close()
		}
	}
}

func baseURL(a net.Addr) string { return "http://" + a.String() }

// writeConfigs writes each simulator's configuration to DIR/NAME.json.
func writeConfigs(dir string, infos []simInfo) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for i := range infos {
		b, err := json.MarshalIndent(infos[i].Config, "", "  ")
		if err != nil {
			return err
		}
		path := filepath.Join(dir, infos[i].Provider+".json")
		// Written whole under a temporary name, then renamed: a script
		// that waits for the file never reads half of it.
		tmp := path + ".tmp"
		if err := os.WriteFile(tmp, append(b, '\n'), 0o600); err != nil {
			return err
		}
		if err := os.Rename(tmp, path); err != nil {
			return err
		}
		infos[i].ConfigFile = path
	}
	return nil
}

// printSimInfo prints what a client needs: one JSON line, or text.
func printSimInfo(w io.Writer, infos []simInfo, asJSON bool) error {
	if asJSON {
		b, err := json.Marshal(struct {
			Simulators []simInfo `json:"simulators"`
		}{infos})
		if err != nil {
			return err
		}
		_, err = w.Write(append(b, '\n'))
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for i, in := range infos {
		if i > 0 {
			fmt.Fprintln(tw)
		}
		fmt.Fprintf(tw, "%s simulator\t%s\n", in.Provider, in.BaseURL)
		if in.TokenURL != "" {
			fmt.Fprintf(tw, "  token URL\t%s\n", in.TokenURL)
		}
		for _, k := range sortedKeys(in.Credentials) {
			fmt.Fprintf(tw, "  %s\t%s\n", k, credentialText(in.Credentials[k]))
		}
		if in.ConfigFile != "" {
			fmt.Fprintf(tw, "  config\t%s\n", in.ConfigFile)
		}
		fmt.Fprintf(tw, "  control API\t%s (%s)\n", in.ControlURL, controlWho[in.Control])
		fmt.Fprintf(tw, "  test cards\t\n")
		for _, c := range in.TestCards {
			fmt.Fprintf(tw, "    %s\t%s\n", c.Number, c.Triggers)
		}
	}
	return tw.Flush()
}

// controlWho says in words who may use the control API.
var controlWho = map[string]string{
	simkit.ControlLoopback.String(): "clients on this machine",
	simkit.ControlOpen.String():     "every client",
	simkit.ControlOff.String():      "off",
}

// accessLog logs each request's method, path, status and duration.
func accessLog(log *slog.Logger, name string, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		h.ServeHTTP(sw, r)
		status := any(sw.status)
		if sw.hijacked {
			status = "connection cut by a fault"
		}
		log.Info("request", "simulator", name, "method", r.Method, "path", r.URL.Path, "status", status, "duration", time.Since(start))
	})
}

// statusWriter records the status a handler wrote.
type statusWriter struct {
	http.ResponseWriter
	status   int
	hijacked bool // a fault took the connection over: the status was not what the client saw
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

// Flush and Hijack pass through: the fault injector behind the log
// flushes half bodies and hijacks connections to reset them.
func (w *statusWriter) Flush() { _ = http.NewResponseController(w.ResponseWriter).Flush() }

func (w *statusWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	w.hijacked = true
	return http.NewResponseController(w.ResponseWriter).Hijack()
}

// credentialText prints a setting's value: a string as it is, a list of
// them (webhook_secrets) comma-separated.
func credentialText(v any) string {
	if list, ok := v.([]any); ok {
		parts := make([]string, len(list))
		for i, x := range list {
			parts[i] = fmt.Sprint(x)
		}
		return strings.Join(parts, ", ")
	}
	return fmt.Sprint(v)
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
