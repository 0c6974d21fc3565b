package metadata_test

import (
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/carebridge/carebridge/connectors/salesforce/metadata"
)

// TestShippedChannelSelectsCareCasesAndActions: the shipped metadata defines
// the custom channel Carebridge__chn (change events) with a member for Case,
// filtered to Care cases and enriched with their Care id, and one for
// Care_Action__c; nothing is selected on the standard ChangeEvents channel,
// whose every Case change would spend the org's event allocation.
func TestShippedChannelSelectsCareCasesAndActions(t *testing.T) {
	s := loadShipped(t)
	chans := s.Channels()
	if len(chans) != 1 || chans[0].Name != "Carebridge__chn" {
		t.Fatalf("channels %+v, want only Carebridge__chn", chans)
	}
	c := chans[0]
	if c.Type != metadata.ChannelTypeData || c.Topic() != "/data/Carebridge__chn" {
		t.Errorf("channel type %q topic %q", c.Type, c.Topic())
	}
	cs, ok := c.Member("Case")
	if !ok || cs.Entity != "CaseChangeEvent" || cs.Filter != "Care_Case_Id__c != null" || !slices.Equal(cs.Enriched, []string{"Care_Case_Id__c"}) {
		t.Errorf("Case member %+v", cs)
	}
	if a, ok := c.Member("Care_Action__c"); !ok || a.Entity != "Care_Action__ChangeEvent" || a.Filter != "" {
		t.Errorf("Care_Action__c member %+v", a)
	}
	for _, m := range c.Members {
		if strings.Contains(m.Name, "__") {
			t.Errorf("member %s: a double underscore in a member's name is a namespace separator to the Metadata API", m.Name)
		}
	}
	if _, ok := s.Channel(metadata.StandardChannel); ok {
		t.Error("the shipped metadata selects entities on the standard ChangeEvents channel")
	}
}

func TestLoadRejectsBrokenChannels(t *testing.T) {
	const project = `{"packageDirectories":[{"path":"force-app","default":true}]}`
	const dir = "force-app/main/default/"
	channel := `<?xml version="1.0"?><PlatformEventChannel xmlns="http://soap.sforce.com/2006/04/metadata"><channelType>data</channelType><label>x</label></PlatformEventChannel>`
	member := func(body string) *fstest.MapFile {
		return &fstest.MapFile{Data: []byte(`<?xml version="1.0"?><PlatformEventChannelMember xmlns="http://soap.sforce.com/2006/04/metadata">` + body + `</PlatformEventChannelMember>`)}
	}
	tests := []struct {
		name    string
		files   fstest.MapFS
		wantErr string
	}{
		{"a double underscore in a member's name", fstest.MapFS{
			"sfdx-project.json": {Data: []byte(project)},
			dir + "platformEventChannelMembers/ChangeEvents_Care__ChangeEvent.platformEventChannelMember-meta.xml": member(
				`<eventChannel>ChangeEvents</eventChannel><selectedEntity>CaseChangeEvent</selectedEntity>`),
		}, "namespace separator"},
		{"a member of an undefined channel", fstest.MapFS{
			"sfdx-project.json": {Data: []byte(project)},
			dir + "platformEventChannelMembers/Nope_chn_CaseChangeEvent.platformEventChannelMember-meta.xml": member(
				`<eventChannel>Nope__chn</eventChannel><selectedEntity>CaseChangeEvent</selectedEntity>`),
		}, "eventChannel Nope__chn"},
		{"an object without change events", fstest.MapFS{
			"sfdx-project.json": {Data: []byte(project)},
			dir + "platformEventChannelMembers/ChangeEvents_CaseCommentChangeEvent.platformEventChannelMember-meta.xml": member(
				`<eventChannel>ChangeEvents</eventChannel><selectedEntity>CaseCommentChangeEvent</selectedEntity>`),
		}, "selectedEntity CaseCommentChangeEvent"},
		{"an enriched field the object lacks", fstest.MapFS{
			"sfdx-project.json": {Data: []byte(project)},
			dir + "platformEventChannels/X__chn.platformEventChannel-meta.xml": {Data: []byte(channel)},
			dir + "platformEventChannelMembers/X_chn_CaseChangeEvent.platformEventChannelMember-meta.xml": member(
				`<enrichedFields><name>Nope__c</name></enrichedFields><eventChannel>X__chn</eventChannel><selectedEntity>CaseChangeEvent</selectedEntity>`),
		}, "enriched field Nope__c"},
		{"a filter with WHERE", fstest.MapFS{
			"sfdx-project.json": {Data: []byte(project)},
			dir + "platformEventChannels/X__chn.platformEventChannel-meta.xml": {Data: []byte(channel)},
			dir + "platformEventChannelMembers/X_chn_CaseChangeEvent.platformEventChannelMember-meta.xml": member(
				`<eventChannel>X__chn</eventChannel><filterExpression>WHERE Subject != null</filterExpression><selectedEntity>CaseChangeEvent</selectedEntity>`),
		}, "without the WHERE keyword"},
		{"an entity selected twice", fstest.MapFS{
			"sfdx-project.json": {Data: []byte(project)},
			dir + "platformEventChannels/X__chn.platformEventChannel-meta.xml": {Data: []byte(channel)},
			dir + "platformEventChannelMembers/X_chn_CaseChangeEvent.platformEventChannelMember-meta.xml": member(
				`<eventChannel>X__chn</eventChannel><selectedEntity>CaseChangeEvent</selectedEntity>`),
			dir + "platformEventChannelMembers/X_chn_Cases.platformEventChannelMember-meta.xml": member(
				`<eventChannel>X__chn</eventChannel><selectedEntity>CaseChangeEvent</selectedEntity>`),
		}, "already selected"},
		{"a channel not named __chn", fstest.MapFS{
			"sfdx-project.json": {Data: []byte(project)},
			dir + "platformEventChannels/Carebridge.platformEventChannel-meta.xml": {Data: []byte(channel)},
		}, "<Name>__chn"},
		{"a channel of platform events", fstest.MapFS{
			"sfdx-project.json": {Data: []byte(project)},
			dir + "platformEventChannels/X__chn.platformEventChannel-meta.xml": {Data: []byte(strings.Replace(channel, ">data<", ">event<", 1))},
		}, "channelType"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := metadata.Load(tt.files)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("Load() error = %v, want one mentioning %q", err, tt.wantErr)
			}
		})
	}
}
