#!/usr/bin/env python3
"""A Baton publisher in Python, standard library only: copy it into your system.

It sends one event to Baton in either of the two ways the documents describe
(packages/contracts/api/openapi.json and asyncapi.json, served by the gateway too):

  http  POST /events to the gateway, signed as a webhook source: X-Baton-Source,
        X-Baton-Timestamp (unix seconds) and X-Baton-Signature: v1=<hex HMAC-SHA256 of
        "<timestamp>.<raw body>"> under the source's secret. 429 and 503: wait Retry-After and
        send again (the same event is safe to resend); 409: never retry, the idempotency key was
        used for other content; 400/401/403: fix the event or the credentials.
  nats  publish to baton.events.<type> on NATS JetStream with the header Nats-Msg-Id (the event's
        id), connected as an nkey user: the client signs the server's nonce with its seed (Ed25519,
        done here in plain Python so nothing needs installing).

Usage:  python3 baton_publisher.py http|nats [event.json]    (no file: a sample reservation)
Configuration (environment): BATON_GATEWAY_URL, BATON_WEBHOOK_SOURCE, BATON_WEBHOOK_SECRET or
BATON_WEBHOOK_SECRET_FILE (http); BATON_NATS_URL, BATON_NATS_NKEY_SEED_FILE,
BATON_NATS_INBOX_PREFIX (nats: replies come to your identity's own inbox, _INBOX.<identity>).
Prints one JSON line with the outcome; exits 0 accepted, 2 refused (400/401/403), 3 conflict (409),
4 gave up retrying, 1 anything else.
"""
import base64
import datetime
import hashlib
import hmac
import json
import os
import socket
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid


class Refused(Exception):
    def __init__(self, status, body):
        super().__init__(f"{status} {body.get('error')}: {body.get('reason')}")
        self.status = status
        self.body = body


# --- the webhook -------------------------------------------------------------------------------

def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The X-Baton-Signature value: v1= and the hex HMAC-SHA256 of "<timestamp>.<body>"."""
    return "v1=" + hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def post_event(gateway_url: str, source: str, secret: str, event: dict, max_attempts: int = 5) -> dict:
    """Posts one event; waits out 429 and 503 (Retry-After) and sends it again, signed anew."""
    body = json.dumps(event, separators=(",", ":")).encode()
    for attempt in range(1, max_attempts + 1):
        timestamp = str(int(time.time()))
        request = urllib.request.Request(gateway_url.rstrip("/") + "/events", data=body, method="POST", headers={
            "content-type": "application/json",
            "x-baton-source": source,
            "x-baton-timestamp": timestamp,
            "x-baton-signature": sign(secret, timestamp, body),
        })
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return {"status": response.status, "attempts": attempt, **json.loads(response.read())}
        except urllib.error.HTTPError as err:
            answer = json.loads(err.read() or b"{}")
            if err.code in (429, 503) and attempt < max_attempts:
                wait = int(err.headers.get("retry-after") or "1")
                print(f"gateway answered {err.code} ({answer.get('reason')}): sending again in {wait} s", file=sys.stderr)
                time.sleep(wait)
                continue
            raise Refused(err.code, answer)
    raise AssertionError("unreachable")


# --- Ed25519 (RFC 8032), enough to sign the server's nonce -----------------------------------

P = 2 ** 255 - 19
L = 2 ** 252 + 27742317777372353535851937790883648493
D = -121665 * pow(121666, P - 2, P) % P


def _recover_x(y: int, sign_bit: int) -> int:
    x2 = (y * y - 1) * pow(D * y * y + 1, P - 2, P) % P
    x = pow(x2, (P + 3) // 8, P)
    if (x * x - x2) % P:
        x = x * pow(2, (P - 1) // 4, P) % P
    return P - x if x & 1 != sign_bit else x


_BY = 4 * pow(5, P - 2, P) % P
_BX = _recover_x(_BY, 0)
BASE = (_BX, _BY, 1, _BX * _BY % P)  # extended coordinates (X, Y, Z, T)


def _add(p, q):
    a = (p[1] - p[0]) * (q[1] - q[0]) % P
    b = (p[1] + p[0]) * (q[1] + q[0]) % P
    c = 2 * p[3] * q[3] * D % P
    d = 2 * p[2] * q[2] % P
    e, f, g, h = b - a, d - c, d + c, b + a
    return (e * f % P, g * h % P, f * g % P, e * h % P)


def _mul(scalar: int, point):
    result = (0, 1, 1, 0)
    while scalar:
        if scalar & 1:
            result = _add(result, point)
        point = _add(point, point)
        scalar >>= 1
    return result


def _encode(point) -> bytes:
    zinv = pow(point[2], P - 2, P)
    x, y = point[0] * zinv % P, point[1] * zinv % P
    return (y | (x & 1) << 255).to_bytes(32, "little")


def ed25519_sign(seed: bytes, message: bytes):
    """Returns (public key, signature) for a 32-byte seed."""
    h = hashlib.sha512(seed).digest()
    a = int.from_bytes(h[:32], "little") & ((1 << 254) - 8) | (1 << 254)
    public = _encode(_mul(a, BASE))
    r = int.from_bytes(hashlib.sha512(h[32:] + message).digest(), "little") % L
    big_r = _encode(_mul(r, BASE))
    k = int.from_bytes(hashlib.sha512(big_r + public + message).digest(), "little") % L
    return public, big_r + ((r + k * a) % L).to_bytes(32, "little")


# --- nkeys: the seed file, and the public key the server knows -------------------------------

def _crc16(data: bytes) -> int:
    crc = 0
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
            crc &= 0xFFFF
    return crc


def _b32(data: bytes) -> str:
    return base64.b32encode(data).decode().rstrip("=")


def nkey_from_seed(seed_text: str):
    """A user seed ("SU...") as (raw 32-byte seed, public key "U...")."""
    raw = base64.b32decode(seed_text.strip() + "=" * (-len(seed_text.strip()) % 8))
    if _crc16(raw[:-2]) != int.from_bytes(raw[-2:], "little"):
        raise ValueError("the nkey seed's checksum is wrong: is it the whole seed?")
    if raw[0] & 0xF8 != 18 << 3 or ((raw[0] & 7) << 5 | (raw[1] & 0xF8) >> 3) != 20 << 3:
        raise ValueError("not an nkey user seed (it must start with SU)")
    seed = raw[2:34]
    public, _ = ed25519_sign(seed, b"")
    body = bytes([20 << 3]) + public
    return seed, _b32(body + _crc16(body).to_bytes(2, "little"))


# --- NATS: connect as the nkey user, publish with Nats-Msg-Id, read JetStream's ack -------------

class _Conn:
    def __init__(self, url: str):
        parsed = urllib.parse.urlparse(url if "://" in url else "nats://" + url)
        self.sock = socket.create_connection((parsed.hostname, parsed.port or 4222), timeout=10)
        self.buf = b""

    def line(self) -> bytes:
        while b"\r\n" not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("NATS closed the connection")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def exactly(self, n: int) -> bytes:
        while len(self.buf) < n + 2:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("NATS closed the connection")
            self.buf += chunk
        data, self.buf = self.buf[:n], self.buf[n + 2:]
        return data

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)


def publish_nats(nats_url: str, seed_file: str, inbox_prefix: str, event: dict) -> dict:
    """Publishes one event to baton.events.<type> and returns JetStream's ack (stream, seq, duplicate)."""
    with open(seed_file, encoding="utf-8") as f:
        seed, public = nkey_from_seed(f.read())
    conn = _Conn(nats_url)
    try:
        info = conn.line()
        if not info.startswith(b"INFO "):
            raise ConnectionError(f"not a NATS server: {info[:80]!r}")
        nonce = json.loads(info[5:]).get("nonce", "").encode()
        _, signature = ed25519_sign(seed, nonce)
        connect = {"verbose": False, "pedantic": False, "headers": True, "no_responders": True, "protocol": 1,
                   "lang": "python-stdlib", "version": "1", "name": "baton-python-publisher",
                   "nkey": public, "sig": base64.urlsafe_b64encode(signature).decode().rstrip("=")}
        inbox = f"{inbox_prefix}.{uuid.uuid4().hex}"
        payload = json.dumps(event, separators=(",", ":")).encode()
        headers = f"NATS/1.0\r\nNats-Msg-Id: {event['id']}\r\n\r\n".encode()
        subject = f"baton.events.{event['type']}"
        conn.send(b"CONNECT " + json.dumps(connect).encode() + b"\r\n"
                  + f"SUB {inbox} 1\r\n".encode()
                  + f"HPUB {subject} {inbox} {len(headers)} {len(headers) + len(payload)}\r\n".encode() + headers + payload + b"\r\n"
                  + b"PING\r\n")
        while True:
            line = conn.line()
            if line.startswith(b"-ERR"):
                raise ConnectionError(f"NATS refused: {line[5:].decode()}")
            if line == b"PING":
                conn.send(b"PONG\r\n")
            elif line.startswith(b"MSG "):
                ack = json.loads(conn.exactly(int(line.split()[-1])))
                if "error" in ack:
                    raise ConnectionError(f"JetStream refused: {ack['error']}")
                # JetStream leaves "duplicate" out when it is false.
                return {"subject": subject, "stream": ack["stream"], "seq": ack["seq"], "duplicate": ack.get("duplicate", False)}
            elif line.startswith(b"HMSG "):
                status = conn.exactly(int(line.split()[-1])).split(b"\r\n", 1)[0].decode()
                raise ConnectionError(f"no stream took {subject}: {status}")
    finally:
        conn.sock.close()


# --- a sample event, and the command line -------------------------------------------------------

def sample_event() -> dict:
    key = f"py-{uuid.uuid4()}"
    now = datetime.datetime.now(datetime.timezone.utc)
    return {"id": str(uuid.uuid4()), "source": "urn:example:pos", "specversion": "1.0",
            "type": "reservation.requested.v2", "time": now.isoformat().replace("+00:00", "Z"),
            "datacontenttype": "application/json", "idempotencykey": key,
            "data": {"text": "Table for 2, Friday 7pm", "customer": {"id": f"cust-{key[3:11]}", "name": "Ada Lovelace"},
                     "receivedOn": now.date().isoformat(), "partySize": 2, "date": None, "time": "19:00"}}


def _config(name: str) -> str:
    value = os.environ.get(name)
    if not value and os.environ.get(name + "_FILE"):
        with open(os.environ[name + "_FILE"], encoding="utf-8") as f:
            value = f.read().strip()
    if not value:
        raise SystemExit(f"set {name} (or {name}_FILE)")
    return value


def main(argv) -> int:
    if len(argv) < 2 or argv[1] not in ("http", "nats"):
        print(__doc__, file=sys.stderr)
        return 1
    if len(argv) > 2:
        with open(argv[2], encoding="utf-8") as f:
            event = json.load(f)
    else:
        event = sample_event()
    try:
        if argv[1] == "http":
            outcome = post_event(os.environ.get("BATON_GATEWAY_URL", "http://127.0.0.1:8340"), _config("BATON_WEBHOOK_SOURCE"), _config("BATON_WEBHOOK_SECRET"), event)
        else:
            outcome = publish_nats(os.environ.get("BATON_NATS_URL", "nats://127.0.0.1:4222"), _config("BATON_NATS_NKEY_SEED_FILE"),
                                   os.environ.get("BATON_NATS_INBOX_PREFIX", "_INBOX"), event)
    except Refused as err:
        print(json.dumps({"status": err.status, **err.body}))
        if err.status == 409:
            return 3
        return 4 if err.status in (429, 503) else 2
    print(json.dumps({"eventId": event["id"], **outcome}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
