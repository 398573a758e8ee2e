"""Checks, in the rendered infra/k8s (kubectl kustomize output, a file given as the argument), that
every workload takes only its own secrets: a NATS seed only its own (key <workload>.nk of
baton-nats-identities, never the whole Secret), a Temporal certificate only its own Secret, the
Temporal CA's key only the Job that makes the certificates, and every other Secret only the
workloads listed below. Run by infra/check-deploy.sh; prints one line, exits 1 naming each breach.
"""
import sys

import yaml

# Secret -> the workloads (Deployment or Job names) that may reference it.
ALLOWED = {
    "baton-temporal-ca": {"baton-temporal-identities"},
    "baton-temporal-server": {"temporal"},
    "baton-temporal-admin": {"baton-temporal-setup"},
    "baton-temporal-gateway": {"gateway"},
    "baton-temporal-orchestrator": {"orchestrator"},
    "baton-temporal-console": {"console"},
    "baton-temporal-approver-notify": {"approver-notify"},
    "baton-temporal-ui": {"temporal-ui"},
    "baton-temporal-operator": set(),  # for operators' own CLI, no pod
    "baton-temporal-payload-keys": {"orchestrator", "gateway", "console", "approver-notify"},  # the Temporal clients
    "baton-orchestrator": {"orchestrator"},
    "baton-console-session": {"console"},
    # Who may sign in; the approver notifier reads the roles and channels (never the hashes).
    "baton-console-users": {"console", "approver-notify"},
    "baton-accounting-webhook": {"accounting-sim"},
    "temporal-postgres": {"temporal", "baton-temporal-schema"},
}
WORKLOADS = ("Deployment", "StatefulSet", "DaemonSet", "Job")


def references(pod):
    """(secret, key or None for the whole Secret) of every Secret a pod spec takes."""
    for volume in pod.get("volumes", []):
        if "secret" in volume:
            yield volume["secret"]["secretName"], None
        for source in volume.get("projected", {}).get("sources", []):
            if "secret" in source:
                yield source["secret"]["name"], None
    for container in pod.get("containers", []) + pod.get("initContainers", []):
        for env in container.get("env", []):
            ref = env.get("valueFrom", {}).get("secretKeyRef")
            if ref:
                yield ref["name"], ref["key"]
        for env in container.get("envFrom", []):
            if "secretRef" in env:
                yield env["secretRef"]["name"], None


def main(path):
    breaches, checked = [], 0
    with open(path) as f:
        docs = [d for d in yaml.safe_load_all(f) if d and d.get("kind") in WORKLOADS]
    for doc in docs:
        name = doc["metadata"]["name"]
        checked += 1
        for secret, key in references(doc["spec"]["template"]["spec"]):
            if secret == "baton-nats-identities":
                if key != f"{name}.nk":
                    breaches.append(f"{name} takes {'the whole of' if key is None else 'key ' + key + ' of'} baton-nats-identities (its own seed only: key {name}.nk)")
            elif secret not in ALLOWED:
                breaches.append(f"{name} takes Secret {secret}, which infra/k8s/check-secrets.py does not list")
            elif name not in ALLOWED[secret]:
                breaches.append(f"{name} takes Secret {secret}, which is only for {', '.join(sorted(ALLOWED[secret])) or 'no pod'}")
    if breaches:
        for b in breaches:
            print(f"k8s: ERROR: {b}", file=sys.stderr)
        return 1
    print(f"k8s: each of {checked} workloads takes only its own secrets (its NATS seed, its Temporal certificate; the CA's key only baton-temporal-identities)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
