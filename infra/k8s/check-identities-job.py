"""Runs the Temporal identities Job's work (the `kubernetes-identities` role of
infra/docker/temporal-entrypoint.sh, with the real baton-temporal) against a stand-in for the
Kubernetes API server: there is no cluster on the machines Baton is built on, so the API is the
outer edge replaced here (an in-process HTTPS server keeping Secrets and ConfigMaps in memory,
answering as the API server does: 200/404 on GET, 201/409 on POST, 200 on PUT, 401 without the
pod's token). Checks, one run after another:
  1. an empty namespace: the CA alone in baton-temporal-ca, one Secret per holder with ca.pem and
     only its own certificates (each signed by the CA, named by its identity), the workflow types
     ConfigMap with the list as written (quotes and backslashes kept);
  2. the CA kept (mounted, as the Job mounts its Secret) and one holder's Secret deleted: only that
     one is made again, by the same CA; the others are kept; the ConfigMap is replaced;
  3. the CA's Secret gone while certificates are left: refused (exit 1), nothing made;
  4. the CA's Secret present but not mounted (made after the pod started): refused (exit 1).
Usage: check-identities-job.py BATON_TEMPORAL_BINARY (run by infra/check-deploy.sh; needs openssl).
Prints one line; exits 1 naming what failed.
"""
import base64
import json
import os
import re
import shutil
import ssl
import subprocess
import sys
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

HERE = os.path.dirname(os.path.abspath(__file__))
ENTRYPOINT = os.path.join(HERE, "..", "docker", "temporal-entrypoint.sh")
TOKEN = "stand-in-token"
HOLDERS = {
    "server": ["frontend", "internode", "system-worker"],
    "admin": ["admin"],
    "gateway": ["gateway"],
    "orchestrator": ["orchestrator"],
    "console": ["console"],
    "approver-notify": ["approver-notify"],
    "operator": ["operator"],
    "ui": ["ui"],
}
store = {"secrets": {}, "configmaps": {}}


class Api(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def answer(self, code, obj):
        body = json.dumps(obj).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def target(self):
        if self.headers.get("Authorization") != f"Bearer {TOKEN}":
            self.answer(401, {"reason": "Unauthorized"})
            return None
        m = re.fullmatch(r"/api/v1/namespaces/baton/(secrets|configmaps)(?:/([a-z0-9.-]+))?", self.path)
        if not m:
            self.answer(404, {"reason": "NotFound"})
            return None
        return m.group(1), m.group(2)

    def sent(self):
        return json.loads(self.rfile.read(int(self.headers["Content-Length"])))

    def do_GET(self):
        t = self.target()
        if t:
            kind, name = t
            self.answer(200, store[kind][name]) if name in store[kind] else self.answer(404, {"reason": "NotFound"})

    def do_POST(self):
        t = self.target()
        if t:
            kind, obj = t[0], self.sent()
            if obj["metadata"]["name"] in store[kind]:
                self.answer(409, {"reason": "AlreadyExists"})
            else:
                store[kind][obj["metadata"]["name"]] = obj
                self.answer(201, obj)

    def do_PUT(self):
        t = self.target()
        if t:
            kind, name = t
            if name not in store[kind]:
                self.answer(404, {"reason": "NotFound"})
            else:
                store[kind][name] = self.sent()
                self.answer(200, store[kind][name])


def data(secret, key):
    return base64.b64decode(store["secrets"][secret]["data"][key])


def main(binary):
    failures = []

    def check(ok, what):
        if not ok:
            failures.append(what)

    work = tempfile.mkdtemp(prefix="baton-k8s-identities.")
    try:
        sa, ca_mount, bin_dir = (os.path.join(work, d) for d in ("sa", "ca-mount", "bin"))
        for d in (sa, ca_mount, bin_dir):
            os.mkdir(d)
        os.symlink(os.path.abspath(binary), os.path.join(bin_dir, "baton-temporal"))
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "1",
                        "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                        "-keyout", os.path.join(work, "api.key"), "-out", os.path.join(sa, "ca.crt")], check=True, capture_output=True)
        with open(os.path.join(sa, "token"), "w") as f:
            f.write(TOKEN)
        with open(os.path.join(sa, "namespace"), "w") as f:
            f.write("baton")
        types = os.path.join(work, "gateway-workflow-types")
        server = HTTPServer(("127.0.0.1", 0), Api)  # listening from here on
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(os.path.join(sa, "ca.crt"), os.path.join(work, "api.key"))
        server.socket = context.wrap_socket(server.socket, server_side=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        env = dict(os.environ, PATH=bin_dir + os.pathsep + os.environ["PATH"], TMPDIR=work,
                   KUBERNETES_SERVICE_HOST="127.0.0.1", KUBERNETES_SERVICE_PORT=str(server.server_address[1]),
                   BATON_KUBERNETES_SA_DIR=sa, BATON_TEMPORAL_CA_SECRET_DIR=ca_mount, BATON_GATEWAY_WORKFLOW_TYPES_FILE=types)

        def run(listed):
            with open(types, "w") as f:
                f.write(listed)
            return subprocess.run(["bash", ENTRYPOINT, "kubernetes-identities"], env=env, capture_output=True, text=True)

        def signed_by_ca(pem):
            cert = os.path.join(work, "leaf.pem")
            with open(cert, "wb") as f:
                f.write(pem)
            ca = os.path.join(work, "ca.pem")
            with open(ca, "wb") as f:
                f.write(data("baton-temporal-ca", "ca.pem"))
            verified = subprocess.run(["openssl", "verify", "-CAfile", ca, cert], capture_output=True, text=True)
            subject = subprocess.run(["openssl", "x509", "-in", cert, "-noout", "-subject"], capture_output=True, text=True).stdout
            return verified.returncode == 0, subject

        # 1. An empty namespace.
        listed = '# Written from the registry: "quoted" \\ kept\nreservationWorkflow\nsupportWorkflow\n'
        first = run(listed)
        check(first.returncode == 0, f"first run exited {first.returncode}: {first.stderr or first.stdout}")
        check(sorted(store["secrets"]) == sorted(["baton-temporal-ca"] + [f"baton-temporal-{h}" for h in HOLDERS]),
              f"first run made the Secrets {sorted(store['secrets'])}")
        check(sorted(store["secrets"].get("baton-temporal-ca", {}).get("data", {})) == ["ca.key", "ca.pem"], "baton-temporal-ca holds more or less than the CA")
        for holder, ids in HOLDERS.items():
            secret = f"baton-temporal-{holder}"
            if secret not in store["secrets"]:
                continue
            keys = sorted(store["secrets"][secret]["data"])
            check(keys == sorted(["ca.pem"] + [f"{i}.pem" for i in ids] + [f"{i}.key" for i in ids]), f"{secret} holds {keys}")
            for i in ids:
                ok, subject = signed_by_ca(data(secret, f"{i}.pem"))
                check(ok and re.search(rf"CN\s*=\s*{re.escape(i)}\b", subject), f"{secret}: {i}.pem is not the CA's certificate of {i} ({subject.strip()})")
        cm = store["configmaps"].get("baton-gateway-workflow-types", {}).get("data", {}).get("gateway-workflow-types")
        check(cm == listed, f"the workflow types ConfigMap holds {cm!r}")

        # 2. The CA kept and mounted, the console's Secret deleted, a new list.
        for f in ("ca.pem", "ca.key"):
            with open(os.path.join(ca_mount, f), "wb") as out:
                out.write(data("baton-temporal-ca", f))
        kept = {name: s["data"] for name, s in store["secrets"].items() if name != "baton-temporal-console"}
        del store["secrets"]["baton-temporal-console"]
        second = run("# again\nreservationWorkflow\n")
        check(second.returncode == 0, f"second run exited {second.returncode}: {second.stderr or second.stdout}")
        check(all(store["secrets"][name]["data"] == d for name, d in kept.items()), "second run changed a Secret that existed")
        if "baton-temporal-console" in store["secrets"]:
            ok, _ = signed_by_ca(data("baton-temporal-console", "console.pem"))
            check(ok, "second run made the console's certificate with another CA")
        else:
            check(False, "second run did not make the console's Secret again")
        check(store["configmaps"]["baton-gateway-workflow-types"]["data"]["gateway-workflow-types"] == "# again\nreservationWorkflow\n",
              "second run did not replace the workflow types ConfigMap")

        # 3. The CA's Secret gone, certificates left.
        for f in os.listdir(ca_mount):
            os.remove(os.path.join(ca_mount, f))
        del store["secrets"]["baton-temporal-ca"]
        before = json.dumps(store, sort_keys=True)
        third = run("reservationWorkflow\n")
        check(third.returncode == 1 and "not the CA that signed it" in third.stdout + third.stderr,
              f"a lost CA with certificates left was not refused ({third.returncode}: {third.stdout}{third.stderr})")
        check(json.dumps(store, sort_keys=True) == before, "a refused run changed something")

        # 4. The CA's Secret there but not mounted.
        store["secrets"]["baton-temporal-ca"] = {"metadata": {"name": "baton-temporal-ca"}, "data": {}}
        fourth = run("reservationWorkflow\n")
        check(fourth.returncode == 1 and "made after this pod started" in fourth.stdout + fourth.stderr,
              f"an unmounted CA Secret was not refused ({fourth.returncode}: {fourth.stdout}{fourth.stderr})")
        server.shutdown()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if failures:
        for f in failures:
            print(f"k8s: ERROR: the identities Job: {f}", file=sys.stderr)
        return 1
    print("k8s: the identities Job's role, against a stand-in Kubernetes API (no cluster here): one Secret per holder, "
          "the CA's key in its own; a kept CA remakes only what is missing; a lost CA is refused; the types ConfigMap replaced")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
