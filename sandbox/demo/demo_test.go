package demo

import (
	"testing"
	"time"

	"github.com/secamo/orchestrator/events/normalize"
	"github.com/secamo/orchestrator/tenants"
)

func TestWebhookBodyNormalises(t *testing.T) {
	cfg, err := tenants.Load("../../tenants/demo.yaml")
	if err != nil {
		t.Fatal(err)
	}
	record := Ticket(Leaver, "2026-12-11")
	record.ID, record.Key = "123640000000300001", "101"
	body, err := WebhookBody(record)
	if err != nil {
		t.Fatal(err)
	}
	results, err := normalize.Normalize("servicedeskplus", body, normalize.Options{Mapping: normalize.MappingFor(cfg), Received: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	if len(results) != 1 {
		t.Fatalf("%d events, want 1", len(results))
	}
	ev := results[0].Ticket
	if ev == nil {
		t.Fatal("the event is not a ticket event")
	}
	if ev.TicketID != record.ID || ev.Kind != "offboarding" || ev.User != Leaver {
		t.Errorf("event = %+v, want ticket %s, kind offboarding, user %s", ev, record.ID, Leaver)
	}
}

func TestApprovalLinkFromEmail(t *testing.T) {
	raw := "From: a@contoso.example\r\nContent-Type: multipart/alternative; boundary=\"b\"\r\n\r\n" +
		"--b\r\nContent-Transfer-Encoding: quoted-printable\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" +
		"Open the link:\r\nhttp://127.0.0.1:8080/approvals/demo/abcdefghijklmnopqrstuvwxyz234=\r\n567?approver=3Dit%40contoso.example&sig=3Dxyz\r\n\r\n--b--\r\n"
	link, err := ApprovalLink([]byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	want := "http://127.0.0.1:8080/approvals/demo/abcdefghijklmnopqrstuvwxyz234567?approver=it%40contoso.example&sig=xyz"
	if link != want {
		t.Errorf("link = %s, want %s", link, want)
	}
	if _, err := ApprovalLink([]byte("Subject: plain\r\n\r\nno link")); err == nil {
		t.Error("a message without parts gave no error")
	}
}
