package sfsim_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"errors"
	"io"
	"math/big"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/carebridge/carebridge/connectors/salesforce/sfsim"
	"github.com/carebridge/carebridge/internal/testkit"
)

func TestRoutes(t *testing.T) {
	e := newEnv(t, sfsim.Options{})
	e.allowDeletes()
	id := mustInsert(t, e.srv, "Case", map[string]any{"Subject": "routes", "Care_Case_Id__c": "r-1"})
	tests := []struct {
		method, path string
		status       int
		contains     string
		body         any
	}{
		{http.MethodGet, "/services/data", 200, `"version":"65.0"`, nil},
		{http.MethodGet, "", 200, `"query":"/services/data/v62.0/query"`, nil},
		{http.MethodGet, "sobjects", 200, `"name":"Care_Action__c"`, nil},
		{http.MethodGet, "sobjects/Case", 200, `"keyPrefix":"500"`, nil},
		{http.MethodGet, "sobjects/Case/" + id + "?fields=Subject,Care_Case_Id__c", 200, `"Subject":"routes","Care_Case_Id__c":"r-1"`, nil},
		{http.MethodGet, "sobjects/Case/" + id + "?fields=Nope", 400, `INVALID_FIELD`, nil},
		{http.MethodGet, "sobjects/Case/Id/" + id, 200, `"Subject":"routes"`, nil},
		{http.MethodGet, "sobjects/Case/Subject/routes", 404, `NOT_FOUND`, nil}, // not an external id
		{http.MethodGet, "sobjects/Case/Care_Case_Id__c/nope", 404, `NOT_FOUND`, nil},
		{http.MethodGet, "sobjects/Case/500000000000ABC", 404, `NOT_FOUND`, nil},
		{http.MethodGet, "sobjects/Case/not-an-id", 404, `NOT_FOUND`, nil},
		{http.MethodPut, "sobjects/Case/" + id, 405, `METHOD_NOT_ALLOWED`, nil},
		{http.MethodPost, "limits", 405, `METHOD_NOT_ALLOWED`, nil},
		{http.MethodPost, "query", 405, `METHOD_NOT_ALLOWED`, nil},
		{http.MethodGet, "composite/sobjects", 405, `METHOD_NOT_ALLOWED`, nil},
		{http.MethodGet, "composite", 405, `METHOD_NOT_ALLOWED`, nil},
		{http.MethodPost, "composite", 400, `JSON_PARSER_ERROR`, nil}, // no body
		{http.MethodGet, "nothing/here", 404, `NOT_FOUND`, nil},
		{http.MethodGet, "/services/data/vX/query", 404, `NOT_FOUND`, nil},
		{http.MethodGet, "/elsewhere", 404, `NOT_FOUND`, nil},
		{http.MethodPost, "sobjects/Case", 400, `JSON_PARSER_ERROR`, nil}, // no body
		{http.MethodPatch, "composite/sobjects/Case/Subject", 400, `INVALID_FIELD`, map[string]any{"records": []any{}}},
		{http.MethodDelete, "composite/sobjects", 400, `MISSING_ARGUMENT`, nil},
		{http.MethodDelete, "sobjects/Case/Care_Case_Id__c/r-1", 204, ``, nil},
	}
	for _, tt := range tests {
		resp, body := e.do(tt.method, tt.path, tt.body)
		if resp.StatusCode != tt.status || !strings.Contains(string(body), tt.contains) {
			t.Errorf("%s %s: %d %s, want %d containing %s", tt.method, tt.path, resp.StatusCode, body, tt.status, tt.contains)
		}
		if resp.StatusCode >= 400 {
			errorBody(t, body)
		}
	}
	if rec, _ := e.srv.Record("Case", id); rec["IsDeleted"] != true {
		t.Errorf("delete by external id: %v", rec)
	}
}

func TestGoAPI(t *testing.T) {
	e := newEnv(t, sfsim.Options{})
	id := mustInsert(t, e.srv, "Case", map[string]any{"Subject": "go", "CreatedDate": "2020-01-01T00:00:00.000+0000"})
	if rec, _ := e.srv.Record("Case", id); rec["CreatedDate"] != "2020-01-01T00:00:00.000+0000" {
		t.Errorf("seeding may set system fields: %v", rec["CreatedDate"])
	}
	var apiErr *sfsim.Error
	if _, err := e.srv.Insert("Nope__c", nil); !errors.As(err, &apiErr) || apiErr.Code != "INVALID_TYPE" {
		t.Errorf("Insert unknown object: %v", err)
	}
	if _, err := e.srv.Insert("Case", map[string]any{"IsClosed": true}); err == nil {
		t.Error("Insert may not set derived IsClosed")
	}
	if err := e.srv.Delete("Case", id); err != nil {
		t.Fatal(err)
	}
	if err := e.srv.Delete("Case", id); !errors.As(err, &apiErr) || apiErr.Code != "ENTITY_IS_DELETED" {
		t.Errorf("second delete: %v", err)
	}
	if err := e.srv.Update("Case", id, map[string]any{"Subject": "x"}); !errors.As(err, &apiErr) || apiErr.Code != "ENTITY_IS_DELETED" {
		t.Errorf("update of deleted: %v", err)
	}
	if _, ok := e.srv.Record("Case", "500000000000ABC"); ok {
		t.Error("Record of an unknown id")
	}
	if e.srv.Records("Nope__c") != nil || len(e.srv.Records("Case")) != 0 {
		t.Error("Records")
	}
	e.srv.InjectFault(sfsim.Fault{Op: sfsim.OpQuery, Status: 503})
	if f := e.srv.Faults(); len(f) != 1 || f[0].Op != sfsim.OpQuery {
		t.Errorf("Faults = %+v", f)
	}
	e.query("SELECT Id FROM Case")
	if used, _ := e.srv.Usage(); used == 0 {
		t.Error("usage not counted")
	}
	e.srv.ResetUsage()
	if used, _ := e.srv.Usage(); used != 0 {
		t.Errorf("usage after reset = %d", used)
	}
	if !e.srv.Schema().HasField("Case", "Care_Case_Id__c") {
		t.Error("Schema")
	}
	if _, err := sfsim.New(sfsim.Options{}); err == nil {
		t.Error("New without client credentials")
	}
}

func TestRunCommandJWTKey(t *testing.T) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	pkix, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkixName("carebridge"), NotBefore: time.Now(), NotAfter: time.Now().Add(time.Hour)}
	cert, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	write := func(name, typ string, der []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := []string{
		write("pub.pem", "PUBLIC KEY", pkix),
		write("pkcs1.pem", "RSA PUBLIC KEY", x509.MarshalPKCS1PublicKey(&key.PublicKey)),
		write("cert.crt", "CERTIFICATE", cert),
	}
	for _, p := range good {
		ctx, cancel := context.WithCancel(context.Background())
		var out syncBuffer
		done := make(chan error, 1)
		go func() { done <- sfsim.RunCommand(ctx, []string{"--jwt-public-key", p}, &out) }()
		testkit.Eventually(t, 5*time.Second, filepath.Base(p)+": the sandbox listening", func() (bool, string) {
			select {
			case err := <-done:
				t.Fatalf("%s: %v", filepath.Base(p), err)
			default:
			}
			return strings.Contains(out.String(), "listening on"), out.String()
		})
		cancel()
		if err := <-done; err != nil {
			t.Errorf("%s: %v", filepath.Base(p), err)
		}
	}
	bad := []string{
		filepath.Join(dir, "missing.pem"),
		write("garbage.pem", "PUBLIC KEY", []byte("nope")),
		write("notpem.pem", "", nil),
	}
	if err := os.WriteFile(bad[2], []byte("not pem"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, p := range bad {
		if err := sfsim.RunCommand(context.Background(), []string{"--jwt-public-key", p}, io.Discard); err == nil {
			t.Errorf("%s accepted", filepath.Base(p))
		}
	}
	if err := sfsim.RunCommand(context.Background(), []string{"extra"}, io.Discard); err == nil {
		t.Error("positional argument accepted")
	}
}

func pkixName(cn string) pkix.Name { return pkix.Name{CommonName: cn} }

func TestSandboxFaultListing(t *testing.T) {
	e := newEnv(t, sfsim.Options{})
	e.srv.InjectFault(sfsim.Fault{Op: sfsim.OpQuery, Latency: 5 * time.Millisecond, Times: 3})
	resp, err := http.Get(e.ts.URL + "/sandbox/faults")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var faults []map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&faults); err != nil || len(faults) != 1 || faults[0]["latency"] != "5ms" || faults[0]["times"] != 3.0 {
		t.Errorf("fault listing: %v %v", faults, err)
	}
	req, _ := http.NewRequest(http.MethodDelete, e.ts.URL+"/sandbox/faults", nil)
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusNoContent || len(e.srv.Faults()) != 0 {
		t.Errorf("clear over HTTP: %v", err)
	}
}
