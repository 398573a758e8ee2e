// Who may call which Temporal API: the claim mapper names the caller by its client certificate,
// the authorizer decides per API and identity. Hand-written for Baton (see main.go's header).
//
// Identities are the common names of certificates signed by the stack's own CA (certs.go); a
// connection without a certificate never gets past the TLS handshake. Roles:
//
//	admin          everything (stack.sh's namespace and search-attribute set-up, the test kit,
//	               the bench, the `temporal` CLI of operators with the admin certificate)
//	gateway        start workflows of the types Baton registers (a list the stack writes from the
//	               workflow registry, startTypes below), on the orchestrator's task queue only;
//	               signal them, describe them
//	orchestrator   its worker's calls (poll, respond by task token, heartbeat), its schedules,
//	               list and count for its metrics; no completion by activity id
//	console        query, describe, list, count, and the decide/resolve updates
//	notifier       query and describe (the approver notifier reads a workflow's status)
//	operator       read only (the Temporal UI, the `baton` CLI), and its schedule commands
//	anything else  (agents, unknown names) nothing but the health check
package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"strings"
	"sync"

	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/server/common/authorization"
)

type role string

const (
	roleNone         role = ""
	roleAdmin        role = "admin"
	roleGateway      role = "gateway"
	roleOrchestrator role = "orchestrator"
	roleConsole      role = "console"
	roleNotifier     role = "notifier"
	roleOperator     role = "operator"
)

// rolesByIdentity: a certificate's common name -> its role. systemWorker is the server's own
// worker service (schedules, batch operations), which calls the frontend like a client.
var rolesByIdentity = map[string]role{
	"admin":           roleAdmin,
	"system-worker":   roleAdmin,
	"gateway":         roleGateway,
	"orchestrator":    roleOrchestrator,
	"console":         roleConsole,
	"approver-notify": roleNotifier,
	"operator":        roleOperator,
	"ui":              roleOperator,
}

// claimMapper takes the caller's identity from its verified client certificate (the TLS
// handshake already checked it against the CA); a bearer token or header counts for nothing.
type claimMapper struct{}

func (claimMapper) GetClaims(info *authorization.AuthInfo) (*authorization.Claims, error) {
	claims := &authorization.Claims{}
	if info == nil || info.TLSSubject == nil || info.TLSConnection == nil || len(info.TLSConnection.State.VerifiedChains) == 0 {
		return claims, nil
	}
	claims.Subject = info.TLSSubject.CommonName
	if rolesByIdentity[claims.Subject] == roleAdmin {
		claims.System = authorization.RoleAdmin
	}
	return claims, nil
}

// Called for every request, with or without auth info, so that no request is ever mapped by
// the server's default (which would make an anonymous caller an admin).
func (claimMapper) AuthInfoRequired() bool { return false }

type authorizer struct {
	namespace  string      // the only namespace a non-admin identity may touch
	taskQueue  string      // the task queue the gateway may start workflows on
	startTypes *startTypes // the workflow types the gateway may start
}

// startTypes: the workflow types (workflow function names) the gateway may start, one a line in
// a file the stack writes from Baton's workflow registry (the workflows an event route starts;
// services/gateway/src/start-types.ts). Its modification time and size are looked at on every
// start the gateway asks for (one stat: nothing beside a workflow start's own writes) and the file
// read again when they changed, so a workflow added or removed needs no server restart. No file
// given: the gateway may start nothing; a file gone or unreadable later: the list read before.
type startTypes struct {
	path string

	mu    sync.Mutex
	stamp string // modification time and size of what types holds
	types map[string]bool
}

func newStartTypes(path string) (*startTypes, error) {
	s := &startTypes{path: path, types: map[string]bool{}}
	if path == "" {
		return s, nil
	}
	if _, err := s.load(); err != nil {
		return nil, err
	}
	return s, nil
}

// load reads the file if it changed since the last read; returns whether it did.
func (s *startTypes) load() (bool, error) {
	info, err := os.Stat(s.path)
	if err != nil {
		return false, fmt.Errorf("the gateway's workflow types %s: %w", s.path, err)
	}
	stamp := fmt.Sprintf("%d/%d", info.ModTime().UnixNano(), info.Size())
	if stamp == s.stamp {
		return false, nil
	}
	f, err := os.Open(s.path)
	if err != nil {
		return false, fmt.Errorf("the gateway's workflow types %s: %w", s.path, err)
	}
	defer f.Close()
	types := map[string]bool{}
	lines := bufio.NewScanner(f)
	for lines.Scan() {
		if line := strings.TrimSpace(lines.Text()); line != "" && !strings.HasPrefix(line, "#") {
			types[line] = true
		}
	}
	if err := lines.Err(); err != nil {
		return false, fmt.Errorf("the gateway's workflow types %s: %w", s.path, err)
	}
	s.types, s.stamp = types, stamp
	return true, nil
}

// allows: whether the gateway may start a workflow of this type.
func (s *startTypes) allows(workflowType string) bool {
	if s == nil || s.path == "" {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if changed, err := s.load(); err != nil {
		fmt.Fprintln(os.Stderr, "baton-temporal:", err, "(keeping the list read before)")
	} else if changed {
		fmt.Fprintf(os.Stderr, "baton-temporal: the gateway may start %d workflow types (read from %s)\n", len(s.types), s.path)
	}
	return s.types[workflowType]
}

var (
	allow = authorization.Result{Decision: authorization.DecisionAllow}
	deny  = authorization.Result{Decision: authorization.DecisionDeny}
)

const (
	workflowService = "/temporal.api.workflowservice.v1.WorkflowService/"
	operatorService = "/temporal.api.operatorservice.v1.OperatorService/"
	healthCheck     = "/grpc.health.v1.Health/Check"
)

// The operator service's read-only calls the web UI makes (search attributes, Nexus endpoints);
// everything else in that service (namespaces, search attributes, clusters) is admin's.
var operatorReadAPIs = set("ListSearchAttributes", "ListNexusEndpoints", "GetNexusEndpoint", "ListClusters")

// Calls every Baton client makes on connecting (server capabilities, the namespace's settings).
var connectAPIs = set("GetSystemInfo", "GetClusterInfo", "DescribeNamespace")

// Read-only calls: what an operator may do, and what the console reads.
var readAPIs = set("QueryWorkflow", "DescribeWorkflowExecution", "ListWorkflowExecutions", "CountWorkflowExecutions",
	"GetWorkflowExecutionHistory", "GetWorkflowExecutionHistoryReverse", "ListOpenWorkflowExecutions", "ListClosedWorkflowExecutions",
	"ScanWorkflowExecutions", "ListArchivedWorkflowExecutions", "GetSearchAttributes", "DescribeTaskQueue", "ListTaskQueuePartitions",
	"ListNamespaces", "ListSchedules", "DescribeSchedule", "ListScheduleMatchingTimes", "DescribeBatchOperation", "ListBatchOperations",
	"GetWorkerBuildIdCompatibility", "GetWorkerTaskReachability", "GetWorkerVersioningRules", "ListWorkers", "DescribeWorker",
	"ListWorkerDeployments", "DescribeWorkerDeployment", "DescribeDeployment", "ListDeployments", "GetCurrentDeployment",
	"DescribeWorkerDeploymentVersion", "ListWorkflowRules", "DescribeWorkflowRule", "PollWorkflowExecutionUpdate")

// A worker's calls, answered with task tokens it got by polling. The *ById variants (complete
// or fail an activity by workflow and activity id) are not here: nobody but admin needs them.
var workerAPIs = set("PollWorkflowTaskQueue", "PollActivityTaskQueue", "PollNexusTaskQueue",
	"RespondWorkflowTaskCompleted", "RespondWorkflowTaskFailed", "RespondQueryTaskCompleted",
	"RespondActivityTaskCompleted", "RespondActivityTaskFailed", "RespondActivityTaskCanceled", "RecordActivityTaskHeartbeat",
	"RespondNexusTaskCompleted", "RespondNexusTaskFailed", "ShutdownWorker", "ResetStickyTaskQueue", "RecordWorkerHeartbeat")

var roleAPIs = map[role]map[string]bool{
	roleGateway:      set("StartWorkflowExecution", "SignalWorkflowExecution", "DescribeWorkflowExecution"),
	roleOrchestrator: union(workerAPIs, set("ListWorkflowExecutions", "CountWorkflowExecutions", "DescribeWorkflowExecution", "CreateSchedule", "DescribeSchedule", "UpdateSchedule", "ListSchedules")),
	roleConsole:      union(readAPIs, set("UpdateWorkflowExecution")),
	roleNotifier:     set("QueryWorkflow", "DescribeWorkflowExecution"),
	roleOperator:     union(readAPIs, set("PatchSchedule", "UpdateSchedule")),
}

func (a *authorizer) Authorize(_ context.Context, claims *authorization.Claims, target *authorization.CallTarget) (authorization.Result, error) {
	if target.APIName == healthCheck {
		return allow, nil
	}
	if claims == nil || claims.Subject == "" {
		return deny, nil
	}
	r := rolesByIdentity[claims.Subject]
	if r == roleAdmin {
		return allow, nil
	}
	if r == roleNone {
		return deny, nil
	}
	if target.Namespace != "" && target.Namespace != a.namespace {
		return deny, nil
	}
	if strings.HasPrefix(target.APIName, operatorService) {
		if (r == roleOperator || r == roleConsole) && operatorReadAPIs[strings.TrimPrefix(target.APIName, operatorService)] {
			return allow, nil
		}
		return deny, nil
	}
	if !strings.HasPrefix(target.APIName, workflowService) {
		return deny, nil
	}
	api := strings.TrimPrefix(target.APIName, workflowService)
	if !connectAPIs[api] && !roleAPIs[r][api] {
		return deny, nil
	}
	// The gateway starts Baton's registered workflow types, on the orchestrator's queue only: not
	// the workflow kit's own agentStepWorkflow (a step run with whatever input it is given), not
	// a type only a schedule starts, not a type nobody registered.
	if api == "StartWorkflowExecution" {
		start, ok := target.Request.(*workflowservice.StartWorkflowExecutionRequest)
		if !ok || start.GetTaskQueue().GetName() != a.taskQueue || !a.startTypes.allows(start.GetWorkflowType().GetName()) {
			return deny, nil
		}
	}
	return allow, nil
}

func set(names ...string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}

func union(a, b map[string]bool) map[string]bool {
	m := make(map[string]bool, len(a)+len(b))
	for k := range a {
		m[k] = true
	}
	for k := range b {
		m[k] = true
	}
	return m
}
