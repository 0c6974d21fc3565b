package bridge

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/carebridge/carebridge/mapping/merge"
)

func TestCutText(t *testing.T) {
	tests := []struct {
		name         string
		in           string
		max, bytes   int
		want         string
		wantCut      bool
		wantUTF16Len int
	}{
		{"fits", "hello", 5, 0, "hello", false, 5},
		{"cut with the marker", strings.Repeat("a", 20), 10, 0, "aaaa" + CutMarker, true, 10},
		// Salesforce counts UTF-16 code units: an emoji is two.
		{"emoji count twice", strings.Repeat("😀", 6), 10, 0, "😀😀" + CutMarker, true, 10},
		{"never splits a surrogate pair", strings.Repeat("😀", 6), 11, 0, "😀😀" + CutMarker, true, 10},
		{"byte limit (CaseComment)", strings.Repeat("é", 10), 100, 12, "éé" + CutMarker, true, 8},
		{"field shorter than the marker", "abcdef", 3, 0, "abc", true, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, cut := cutText(tt.in, tt.max, tt.bytes)
			if got != tt.want || cut != tt.wantCut {
				t.Fatalf("cutText = %q, %v; want %q, %v", got, cut, tt.want, tt.wantCut)
			}
			if !utf8.ValidString(got) || utf16Len(got) != tt.wantUTF16Len {
				t.Errorf("result %q: valid %v, %d UTF-16 units, want %d", got, utf8.ValidString(got), utf16Len(got), tt.wantUTF16Len)
			}
			if tt.bytes > 0 && len(got) > tt.bytes {
				t.Errorf("%d bytes, over the %d-byte limit", len(got), tt.bytes)
			}
		})
	}
}

func testEngine(describe DescribeFunc) *Engine {
	e := &Engine{log: slog.New(slog.NewTextHandler(io.Discard, nil)), m: NewMetrics(nil), now: time.Now}
	e.fit = &fitter{fields: &fieldCache{describe: describe, now: e.now, objects: map[string]*fieldEntry{}}, log: e.log, m: e.m}
	return e
}

func TestFitRecord(t *testing.T) {
	e := testEngine(func(context.Context, string) (map[string]FieldInfo, error) {
		return map[string]FieldInfo{
			"Text__c":     {Type: "textarea", Length: 10},
			"Kind__c":     {Type: "picklist", Restricted: true, Values: []string{"post", "comment"}},
			"Platform__c": {Type: "picklist", Values: []string{"facebook"}},
		}, nil
	})
	in := Record{"Id": "a0B1", "Text__c": strings.Repeat("x", 30), "Kind__c": "story", "Platform__c": "threads", "Other": "y"}
	got := e.fit.record(context.Background(), MessageObject, in)
	if got["Text__c"] != "xxxx"+CutMarker {
		t.Errorf("Text__c = %q, want cut to 10 characters", got["Text__c"])
	}
	if _, ok := got["Kind__c"]; ok {
		t.Errorf("Kind__c = %v: a value a restricted picklist refuses must be left out", got["Kind__c"])
	}
	if got["Platform__c"] != "threads" || got["Other"] != "y" || got["Id"] != "a0B1" {
		t.Errorf("unrestricted and unknown fields must pass: %v", got)
	}
	if in["Text__c"] != strings.Repeat("x", 30) || in["Kind__c"] != "story" {
		t.Errorf("the caller's record was changed: %v", in)
	}
}

func TestFieldCacheDescribesOnceAndRetriesFailures(t *testing.T) {
	var calls atomic.Int32
	fail := atomic.Bool{}
	fail.Store(true)
	now := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	c := &fieldCache{now: func() time.Time { return now }, objects: map[string]*fieldEntry{},
		describe: func(context.Context, string) (map[string]FieldInfo, error) {
			calls.Add(1)
			if fail.Load() {
				return nil, errors.New("503")
			}
			return map[string]FieldInfo{"Subject": {Type: "string", Length: 255}}, nil
		}}
	ctx := context.Background()
	if f, err := c.get(ctx, "Case"); err == nil || f != nil {
		t.Fatalf("failed describe = %v, %v", f, err)
	}
	if f, _ := c.get(ctx, "Case"); f != nil || calls.Load() != 1 {
		t.Fatalf("within a minute of a failure: %v after %d calls, want no new call", f, calls.Load())
	}
	fail.Store(false)
	now = now.Add(2 * time.Minute)
	done := make(chan struct{})
	for range 8 {
		go func() { _, _ = c.get(ctx, "Case"); done <- struct{}{} }()
	}
	for range 8 {
		<-done
	}
	if f, _ := c.get(ctx, "Case"); f["Subject"].Length != 255 || calls.Load() != 2 {
		t.Fatalf("after the retry: %v after %d calls, want one more call for all callers", f, calls.Load())
	}
	now = now.Add(25 * time.Hour)
	if _, _ = c.get(ctx, "Case"); calls.Load() != 3 {
		t.Errorf("after a day: %d calls, want the describe refreshed", calls.Load())
	}
}

// platformMapper maps one canonical field, platform, to Care_Platform__c.
type platformMapper struct{ Mapper }

func (platformMapper) ToSalesforce(v map[string]string) Record {
	out := Record{}
	if p, ok := v["platform"]; ok {
		out["Care_Platform__c"] = p
	}
	return out
}

func (platformMapper) SalesforceField(canonical string) string {
	if canonical == "platform" {
		return "Care_Platform__c"
	}
	return ""
}

func TestRefusedPicklistValueIsHeldBack(t *testing.T) {
	e := testEngine(func(context.Context, string) (map[string]FieldInfo, error) {
		return map[string]FieldInfo{"Care_Platform__c": {Type: "picklist", Restricted: true, Values: []string{"facebook"}}}, nil
	})
	plan := merge.Plan{ToSalesforce: map[string]string{"platform": "threads"}, Base: map[string]string{"platform": "threads"}}
	reason, fields, held := e.fit.holdBackRefused(context.Background(), platformMapper{}, &plan, map[string]string{"platform": "facebook"})
	if len(plan.ToSalesforce) != 0 || plan.Base["platform"] != "facebook" || len(held) != 0 {
		t.Errorf("plan after holding back: %+v, held %v; want no write and the old base", plan, held)
	}
	if !strings.Contains(reason, `"threads"`) || !strings.Contains(reason, "Care_Platform__c") || len(fields) != 1 {
		t.Errorf("reason %q, fields %v", reason, fields)
	}
	// A value the picklist has is written.
	plan = merge.Plan{ToSalesforce: map[string]string{"platform": "facebook"}, Base: map[string]string{"platform": "facebook"}}
	if reason, _, _ := e.fit.holdBackRefused(context.Background(), platformMapper{}, &plan, nil); reason != "" || plan.ToSalesforce["platform"] != "facebook" {
		t.Errorf("an allowed value was held back: %q %+v", reason, plan)
	}
	// Without a base, Care's value becomes the base and the field is held.
	plan = merge.Plan{ToSalesforce: map[string]string{"platform": "threads"}, Base: map[string]string{"platform": "threads"}}
	if _, _, held := e.fit.holdBackRefused(context.Background(), platformMapper{}, &plan, nil); len(held) != 1 || plan.Base["platform"] != "threads" || len(plan.ToSalesforce) != 0 {
		t.Errorf("held back without a base: plan %+v, held %v; want base threads, held [platform], no write", plan, held)
	}
}
