// A Baton publisher in Go (standard library and the official NATS client): copy it into your
// system. It sends one event in either of the two ways the documents describe
// (packages/contracts/api/openapi.json and asyncapi.json, served by the gateway too):
//
//	http  POST /events to the gateway, signed as a webhook source: X-Baton-Source,
//	      X-Baton-Timestamp (unix seconds), X-Baton-Signature: v1=<hex HMAC-SHA256 of
//	      "<timestamp>.<raw body>">. 429 and 503: wait Retry-After and send again (the same event
//	      is safe to resend); 409: never retry, the idempotency key was used for other content;
//	      400/401/403: fix the event or the credentials.
//	nats  publish to baton.events.<type> on JetStream with Nats-Msg-Id (the event's id), connected
//	      as an nkey user whose seed is in a file.
//
// Usage: go run . http|nats [event.json]   (no file: a sample reservation)
// Configuration (environment): BATON_GATEWAY_URL, BATON_WEBHOOK_SOURCE, BATON_WEBHOOK_SECRET or
// BATON_WEBHOOK_SECRET_FILE (http); BATON_NATS_URL, BATON_NATS_NKEY_SEED_FILE,
// BATON_NATS_INBOX_PREFIX (nats: replies come to your identity's own inbox, _INBOX.<identity>).
// Prints one JSON line with the outcome; exits 0 accepted, 2 refused (400/401/403), 3 conflict
// (409), 4 gave up retrying, 1 anything else.
package main

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// Sign is the X-Baton-Signature value: v1= and the hex HMAC-SHA256 of "<timestamp>.<body>".
func Sign(secret, timestamp string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(timestamp + "."))
	mac.Write(body)
	return "v1=" + hex.EncodeToString(mac.Sum(nil))
}

// Refused is an answer the publisher must not simply send again.
type Refused struct {
	Status int
	Body   map[string]any
}

func (r *Refused) Error() string {
	return fmt.Sprintf("%d %v: %v", r.Status, r.Body["error"], r.Body["reason"])
}

// PostEvent posts one event; waits out 429 and 503 (Retry-After) and sends it again, signed anew.
func PostEvent(gatewayURL, source, secret string, body []byte, maxAttempts int) (map[string]any, error) {
	for attempt := 1; ; attempt++ {
		timestamp := strconv.FormatInt(time.Now().Unix(), 10)
		req, err := http.NewRequest(http.MethodPost, strings.TrimRight(gatewayURL, "/")+"/events", bytes.NewReader(body))
		if err != nil {
			return nil, err
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Baton-Source", source)
		req.Header.Set("X-Baton-Timestamp", timestamp)
		req.Header.Set("X-Baton-Signature", Sign(secret, timestamp, body))
		res, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
		if err != nil {
			return nil, err
		}
		raw, _ := io.ReadAll(res.Body)
		res.Body.Close()
		answer := map[string]any{}
		_ = json.Unmarshal(raw, &answer)
		if res.StatusCode == http.StatusAccepted {
			answer["status"] = res.StatusCode
			answer["attempts"] = attempt
			return answer, nil
		}
		if (res.StatusCode == http.StatusTooManyRequests || res.StatusCode == http.StatusServiceUnavailable) && attempt < maxAttempts {
			wait, err := strconv.Atoi(res.Header.Get("Retry-After"))
			if err != nil || wait < 1 {
				wait = 1
			}
			fmt.Fprintf(os.Stderr, "gateway answered %d (%v): sending again in %d s\n", res.StatusCode, answer["reason"], wait)
			time.Sleep(time.Duration(wait) * time.Second)
			continue
		}
		return nil, &Refused{Status: res.StatusCode, Body: answer}
	}
}

// PublishNATS publishes one event to baton.events.<type> as the nkey user of seedFile and returns
// JetStream's ack.
func PublishNATS(natsURL, seedFile, inboxPrefix string, event map[string]any, body []byte) (map[string]any, error) {
	auth, err := nats.NkeyOptionFromSeed(seedFile)
	if err != nil {
		return nil, fmt.Errorf("reading the nkey seed %s: %w", seedFile, err)
	}
	nc, err := nats.Connect(natsURL, auth, nats.CustomInboxPrefix(inboxPrefix), nats.Name("baton-go-publisher"))
	if err != nil {
		return nil, err
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	subject := fmt.Sprintf("baton.events.%v", event["type"])
	ack, err := js.Publish(ctx, subject, body, jetstream.WithMsgID(fmt.Sprint(event["id"])))
	if err != nil {
		return nil, fmt.Errorf("publishing to %s: %w", subject, err)
	}
	return map[string]any{"subject": subject, "stream": ack.Stream, "seq": ack.Sequence, "duplicate": ack.Duplicate}, nil
}

func uuid() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// SampleEvent is a reservation request, as a host stand would send it.
func SampleEvent() map[string]any {
	key := "go-" + uuid()
	now := time.Now().UTC()
	return map[string]any{
		"id": uuid(), "source": "urn:example:pos", "specversion": "1.0", "type": "reservation.requested.v2",
		"time": now.Format(time.RFC3339Nano), "datacontenttype": "application/json", "idempotencykey": key,
		"data": map[string]any{
			"text": "Table for 2, Friday 7pm", "customer": map[string]any{"id": "cust-" + key[3:11], "name": "Ada Lovelace"},
			"receivedOn": now.Format("2006-01-02"), "partySize": 2, "date": nil, "time": "19:00",
		},
	}
}

func config(name string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	if file := os.Getenv(name + "_FILE"); file != "" {
		if b, err := os.ReadFile(file); err == nil {
			return strings.TrimSpace(string(b))
		}
	}
	fmt.Fprintf(os.Stderr, "set %s (or %s_FILE)\n", name, name)
	os.Exit(1)
	return ""
}

func orDefault(name, fallback string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return fallback
}

func main() {
	if len(os.Args) < 2 || (os.Args[1] != "http" && os.Args[1] != "nats") {
		fmt.Fprintln(os.Stderr, "usage: publisher http|nats [event.json]")
		os.Exit(1)
	}
	var body []byte
	var err error
	if len(os.Args) > 2 {
		if body, err = os.ReadFile(os.Args[2]); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	} else if body, err = json.Marshal(SampleEvent()); err != nil {
		panic(err)
	}
	event := map[string]any{}
	if err := json.Unmarshal(body, &event); err != nil {
		fmt.Fprintf(os.Stderr, "the event is not JSON: %v\n", err)
		os.Exit(1)
	}
	var outcome map[string]any
	if os.Args[1] == "http" {
		outcome, err = PostEvent(orDefault("BATON_GATEWAY_URL", "http://127.0.0.1:8340"), config("BATON_WEBHOOK_SOURCE"), config("BATON_WEBHOOK_SECRET"), body, 5)
	} else {
		outcome, err = PublishNATS(orDefault("BATON_NATS_URL", "nats://127.0.0.1:4222"), config("BATON_NATS_NKEY_SEED_FILE"), orDefault("BATON_NATS_INBOX_PREFIX", nats.InboxPrefix[:len(nats.InboxPrefix)-1]), event, body)
	}
	if refused, ok := err.(*Refused); ok {
		refused.Body["status"] = refused.Status
		line, _ := json.Marshal(refused.Body)
		fmt.Println(string(line))
		switch refused.Status {
		case http.StatusConflict:
			os.Exit(3)
		case http.StatusTooManyRequests, http.StatusServiceUnavailable:
			os.Exit(4)
		}
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	outcome["eventId"] = event["id"]
	line, _ := json.Marshal(outcome)
	fmt.Println(string(line))
}
