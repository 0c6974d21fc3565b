package e2e_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/carebridge/carebridge/configs"
	"github.com/carebridge/carebridge/connectors/salesforce/metadata"
	"github.com/carebridge/carebridge/connectors/salesforce/sfsim"
	"github.com/carebridge/carebridge/internal/redistest"
	"github.com/carebridge/carebridge/internal/testenv"
)

// TestCheckCommand runs `carebridge check --config FILE` against the
// sandboxes: a correct setup passes with a readable report; wrong Salesforce
// credentials and a mapping that writes a Case status Salesforce lacks fail
// with exit code 1 and a line that names the problem.
func TestCheckCommand(t *testing.T) {
	t.Parallel()
	redis := redistest.Start(t)

	const missingStatus = "Awaiting Customer"
	badMapping := strings.NewReplacer(
		"pending: On Hold", "pending: "+missingStatus,
		"On Hold: pending", missingStatus+": pending",
	).Replace(string(configs.Mapping()))
	if !strings.Contains(badMapping, missingStatus+": pending") || !strings.Contains(badMapping, "pending: "+missingStatus) {
		t.Fatal("the shipped mapping no longer maps pending to On Hold; update this test")
	}
	mappingFile := filepath.Join(t.TempDir(), "mapping.yaml")
	if err := os.WriteFile(mappingFile, []byte(badMapping), 0o600); err != nil {
		t.Fatal(err)
	}
	const wrongSecret = "not-the-secret-4711"

	tests := []struct {
		name     string
		cfg      testenv.Config
		setup    func(t *testing.T, sb *testenv.Sandboxes)
		wantCode int
		want     []*regexp.Regexp // each must match a line of the output
		notWant  *regexp.Regexp   // must match no line
	}{
		{
			name: "sandboxes pass", cfg: testenv.Config{}, wantCode: 0,
			want: []*regexp.Regexp{
				regexp.MustCompile(`^ok +configuration is valid$`),
				regexp.MustCompile(`^ok +mapping is valid`),
				regexp.MustCompile(`^ok +redis reachable$`),
				regexp.MustCompile(`^ok +Care reachable \(\d+ agents\)$`),
				regexp.MustCompile(`^ok +Salesforce reachable \(\d+ of \d+ daily API requests used\)$`),
				regexp.MustCompile(`^WARN \d+ of \d+ Care agents match an active Salesforce user; cases of the others stay with the integration user \(unmatched: \[Nadia No-Salesforce <nadia@elsewhere.example>\]\)$`),
				regexp.MustCompile(`^ok +Salesforce Case has the fields carebridge uses$`),
				regexp.MustCompile(`^ok +Salesforce CaseComment has the fields carebridge uses$`),
				regexp.MustCompile(`^ok +Salesforce has the Case status values the mapping writes$`),
				regexp.MustCompile(`^ok +the integration user is a member of the public group Carebridge_Integration$`),
				regexp.MustCompile(`^ok +the integration user holds the permissions carebridge needs`),
				regexp.MustCompile(`^ok +Salesforce change events \(salesforce.changes: pubsub at 127\.0\.0\.1:\d+\) on /data/Carebridge__chn$`),
			},
		},
		{
			// An admin trimmed the permission set: check names what is
			// missing and why, instead of the sync failing later.
			name: "a permission removed from the integration user", cfg: testenv.Config{}, wantCode: 1,
			setup: func(t *testing.T, sb *testenv.Sandboxes) {
				for _, p := range []metadata.Permission{
					{Object: "Case", Access: metadata.AccessViewAll},
					{User: metadata.PermTransferAnyCase},
					{Custom: "Carebridge_Integration_Access"},
					{Field: "Case.Care_Sync_Status__c", Access: metadata.AccessEdit},
				} {
					if err := sb.Salesforce.RevokePermission(sfsim.IntegrationPermissionSet, p); err != nil {
						t.Fatal(err)
					}
				}
			},
			want: []*regexp.Regexp{
				regexp.MustCompile(`^FAIL the integration user lacks permissions carebridge needs`),
				regexp.MustCompile(`^ +Case: ViewAllRecords \(Change Data Capture sends Case change events only to users with View All on Case`),
				regexp.MustCompile(`^ +user permission TransferAnyCase \(it gives a Case to the agent Care assigns it to`),
				regexp.MustCompile(`^ +custom permission Carebridge_Integration_Access \(the validation rule Care_Action__c.Locked_After_Queued lets only its holders write an action's status\)$`),
				regexp.MustCompile(`^ +Case.Care_Sync_Status__c: Edit \(carebridge writes it on every sync\)$`),
			},
		},
		{
			// The deploy creates the group empty; an admin who forgot to
			// add the integration user learns it from check.
			name: "the integration user outside its group", cfg: testenv.Config{}, wantCode: 1,
			setup: func(t *testing.T, sb *testenv.Sandboxes) {
				group, ok := sb.Salesforce.GroupID(sfsim.IntegrationGroup)
				if !ok || !sb.Salesforce.RemoveGroupMember(group, sb.Salesforce.IntegrationUserID()) {
					t.Fatal("the integration user is not in the shipped group")
				}
			},
			want: []*regexp.Regexp{
				regexp.MustCompile(`^FAIL the integration user is a member of the public group Carebridge_Integration: add it \(Setup > Public Groups`),
				regexp.MustCompile(`^ok +the integration user holds the permissions carebridge needs`),
			},
		},
		{
			name: "wrong Salesforce secret", cfg: testenv.Config{SalesforceSecret: wrongSecret}, wantCode: 1,
			want: []*regexp.Regexp{
				regexp.MustCompile(`^ok +Care reachable`),
				regexp.MustCompile(`^FAIL Salesforce login and API access .*client_id.*invalid_client`),
			},
			notWant: regexp.MustCompile(`deploy configs/salesforce`), // the metadata is not the problem
		},
		{
			name: "mapping writes a status Salesforce lacks", cfg: testenv.Config{MappingFile: mappingFile}, wantCode: 1,
			want: []*regexp.Regexp{
				// Caught by the mapping loader, against the shipped metadata, with file and line.
				regexp.MustCompile(`^FAIL mapping: .*mapping\.yaml:\d+: field "status": .*` + regexp.QuoteMeta(missingStatus)),
			},
		},
		{
			// Warned, not failed: the bridge runs, but every Case stays
			// with the integration user.
			name: "no Care agent matches a Salesforce user", cfg: testenv.Config{}, wantCode: 0,
			setup: func(t *testing.T, sb *testenv.Sandboxes) {
				for _, u := range sb.Salesforce.Users() {
					if u["Id"] != sb.Salesforce.IntegrationUserID() {
						if err := sb.Salesforce.Update("User", u["Id"].(string), map[string]any{"IsActive": false}); err != nil {
							t.Fatal(err)
						}
					}
				}
			},
			want: []*regexp.Regexp{
				regexp.MustCompile(`^WARN 0 of \d+ Care agents match an active Salesforce user .*: every Case stays with the integration user`),
			},
			notWant: regexp.MustCompile(`^ok .*Care agents match`),
		},
		{
			name: "org lacks a status the mapping writes", cfg: testenv.Config{}, wantCode: 1,
			setup: func(t *testing.T, sb *testenv.Sandboxes) {
				for _, r := range sb.Salesforce.Records("CaseStatus") {
					if r["MasterLabel"] == "On Hold" {
						if err := sb.Salesforce.Delete("CaseStatus", r["Id"].(string)); err != nil {
							t.Fatal(err)
						}
						return
					}
				}
				t.Fatal("the Salesforce sandbox has no On Hold status")
			},
			want: []*regexp.Regexp{
				regexp.MustCompile(`^ok +mapping is valid`),
				regexp.MustCompile(`^FAIL Salesforce has the Case status values the mapping writes \(missing: \[On Hold\]\)$`),
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sb := testenv.StartSandboxes(t)
			if tt.setup != nil {
				tt.setup(t, sb)
			}
			tt.cfg.RedisAddr = redis.Addr()
			out, code := testenv.RunCommand(t, "check", "--config", testenv.WriteConfig(t, sb, tt.cfg))
			t.Logf("carebridge check (exit %d):\n%s", code, out)
			if code != tt.wantCode {
				t.Errorf("exit code %d, want %d", code, tt.wantCode)
			}
			lines := strings.Split(strings.TrimSpace(out), "\n")
			for _, re := range tt.want {
				if !matchesLine(re, lines) {
					t.Errorf("no line matches %s", re)
				}
			}
			if tt.notWant != nil && matchesLine(tt.notWant, lines) {
				t.Errorf("a line matches %s", tt.notWant)
			}
			if tt.wantCode == 0 && strings.Contains(out, "FAIL") {
				t.Errorf("a passing check reports a failure")
			}
			if strings.Contains(out, wrongSecret) || strings.Contains(out, testenv.SalesforceSecret) || strings.Contains(out, testenv.CareSecret) {
				t.Errorf("the report shows a secret")
			}
		})
	}
}

func matchesLine(re *regexp.Regexp, lines []string) bool {
	for _, l := range lines {
		if re.MatchString(l) {
			return true
		}
	}
	return false
}
