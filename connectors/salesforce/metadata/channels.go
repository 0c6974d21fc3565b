package metadata

import (
	"encoding/xml"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strings"
)

// Change Data Capture channels, as the Metadata API defines them:
//
//   - PlatformEventChannel (platformEventChannels/<Name>__chn.platformEventChannel-meta.xml):
//     a custom channel, channelType data for change events, subscribed to as
//     /data/<Name>__chn. The standard channel ChangeEvents is not defined by
//     a file.
//   - PlatformEventChannelMember (platformEventChannelMembers/<DeveloperName>.platformEventChannelMember-meta.xml):
//     one entity's change events selected on a channel (eventChannel,
//     selectedEntity such as CaseChangeEvent or Care_Action__ChangeEvent),
//     with an optional filterExpression (a SOQL WHERE body without WHERE)
//     and enrichedFields (fields sent on every update and delete event,
//     changed or not). Its developer name may not hold a double underscore:
//     the Metadata API reads one as a namespace separator, so a member of
//     Carebridge__chn for Care_Action__ChangeEvent is named
//     Carebridge_chn_Care_Action_ChangeEvent.
const (
	channelSuffix = ".platformEventChannel-meta.xml"
	memberSuffix  = ".platformEventChannelMember-meta.xml"
)

// StandardChannel is the standard Change Data Capture channel (the Change
// Data Capture page in Setup).
const StandardChannel = "ChangeEvents"

// ChannelTypeData is the channelType of a change event channel.
const ChannelTypeData = "data"

// Channel is a Change Data Capture channel and the entities selected on it.
type Channel struct {
	Name    string // Carebridge__chn; StandardChannel for the standard one
	Label   string
	Type    string // ChannelTypeData
	Members []ChannelMember
}

// Topic is the Pub/Sub API topic of the channel, e.g. /data/Carebridge__chn.
func (c Channel) Topic() string { return ChannelTopic(c.Name) }

// ChannelTopic is the Pub/Sub API topic of a change event channel.
func ChannelTopic(channel string) string { return "/data/" + channel }

// Member returns the channel's member for an object.
func (c Channel) Member(object string) (ChannelMember, bool) {
	for _, m := range c.Members {
		if strings.EqualFold(m.Object, object) {
			return m, true
		}
	}
	return ChannelMember{}, false
}

// ChannelMember is one entity selected on a channel.
type ChannelMember struct {
	Name    string // developer name (the file's name)
	Channel string // eventChannel
	Entity  string // selectedEntity, e.g. CaseChangeEvent
	Object  string // the object whose changes Entity carries, e.g. Case
	// Filter is the filterExpression ("" for none): only the events of
	// records that match it are delivered on the channel.
	Filter string
	// Enriched are the enrichedFields: sent with every update and delete
	// event of the member, changed or not.
	Enriched []string
}

// changeEventStandardObjects are the standard objects (of those carebridge
// models) that Salesforce publishes change events for. Task is among them;
// CaseComment, Group, CaseStatus and the permission objects are not.
var changeEventStandardObjects = map[string]bool{
	"Account": true, "Case": true, "Contact": true, "Event": true, "Lead": true, "Opportunity": true, "Task": true, "User": true,
}

// HasChangeEvents reports whether Salesforce publishes change events for the
// object: every custom object and some standard ones.
func (o *Object) HasChangeEvents() bool { return o.Custom || changeEventStandardObjects[o.Name] }

// ChangeEventName is the change event entity of an object: CaseChangeEvent,
// Care_Action__ChangeEvent (a custom object drops the "c" of "__c").
func ChangeEventName(object string) string {
	if base, ok := strings.CutSuffix(object, "__c"); ok {
		return base + "__ChangeEvent"
	}
	return object + "ChangeEvent"
}

// Channels returns the custom channels, sorted by name, and the standard
// channel when the source selects entities on it.
func (s *Schema) Channels() []Channel {
	out := make([]Channel, len(s.channels))
	copy(out, s.channels)
	return out
}

// Channel returns a channel by name (the standard one only when the source
// selects entities on it).
func (s *Schema) Channel(name string) (Channel, bool) {
	for _, c := range s.channels {
		if c.Name == name {
			return c, true
		}
	}
	return Channel{}, false
}

type channelXML struct {
	XMLName     xml.Name `xml:"PlatformEventChannel"`
	ChannelType string   `xml:"channelType"`
	Label       string   `xml:"label"`
}

type memberXML struct {
	XMLName        xml.Name `xml:"PlatformEventChannelMember"`
	EventChannel   string   `xml:"eventChannel"`
	SelectedEntity string   `xml:"selectedEntity"`
	Filter         string   `xml:"filterExpression"`
	Enriched       []struct {
		Name string `xml:"name"`
	} `xml:"enrichedFields"`
}

// developerName is what Salesforce accepts as a developer name: letters,
// digits and single underscores, starting with a letter, not ending with an
// underscore.
var developerName = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9]*(_[A-Za-z0-9]+)*$`)

// readChannels reads the channel and member files into s.channels.
func (s *Schema) readChannels(fsys fs.FS, channelFiles, memberFiles []string) error {
	byName := map[string]*Channel{}
	sort.Strings(channelFiles)
	for _, p := range channelFiles {
		name := strings.TrimSuffix(path.Base(p), channelSuffix)
		base, ok := strings.CutSuffix(name, "__chn")
		if !ok || !developerName.MatchString(base) {
			return fmt.Errorf("load salesforce metadata: %s: a custom channel is named <Name>__chn (letters, digits and single underscores before __chn), not %q", p, name)
		}
		var x channelXML
		if err := decode(fsys, p, &x); err != nil {
			return err
		}
		if x.ChannelType != ChannelTypeData {
			return fmt.Errorf("load salesforce metadata: %s: channelType %q: carebridge's channels carry change events (channelType %s)", p, x.ChannelType, ChannelTypeData)
		}
		if x.Label == "" {
			return fmt.Errorf("load salesforce metadata: %s: a channel needs a label", p)
		}
		if _, dup := byName[name]; dup {
			return fmt.Errorf("load salesforce metadata: %s: channel %s defined twice", p, name)
		}
		byName[name] = &Channel{Name: name, Label: x.Label, Type: x.ChannelType}
	}
	sort.Strings(memberFiles)
	for _, p := range memberFiles {
		m, err := s.readMember(fsys, p)
		if err != nil {
			return err
		}
		c, ok := byName[m.Channel]
		if !ok && m.Channel == StandardChannel {
			c = &Channel{Name: StandardChannel, Label: "Change Data Capture", Type: ChannelTypeData}
			byName[StandardChannel] = c
		}
		if c == nil {
			return fmt.Errorf("load salesforce metadata: %s: eventChannel %s is neither %s nor a channel of platformEventChannels/", p, m.Channel, StandardChannel)
		}
		if prev, dup := c.Member(m.Object); dup {
			return fmt.Errorf("load salesforce metadata: %s: %s is already selected on %s by %s", p, m.Entity, c.Name, prev.Name)
		}
		c.Members = append(c.Members, m)
	}
	for _, c := range byName {
		s.channels = append(s.channels, *c)
	}
	sort.Slice(s.channels, func(i, j int) bool { return s.channels[i].Name < s.channels[j].Name })
	return nil
}

func (s *Schema) readMember(fsys fs.FS, p string) (ChannelMember, error) {
	name := strings.TrimSuffix(path.Base(p), memberSuffix)
	if !developerName.MatchString(name) {
		return ChannelMember{}, fmt.Errorf("load salesforce metadata: %s: a channel member's name may hold only letters, digits and single underscores "+
			"(the Metadata API reads a double underscore as a namespace separator): name it <Channel>_<Entity> with each __ written _, e.g. Carebridge_chn_Care_Action_ChangeEvent", p)
	}
	var x memberXML
	if err := decode(fsys, p, &x); err != nil {
		return ChannelMember{}, err
	}
	m := ChannelMember{Name: name, Channel: x.EventChannel, Entity: x.SelectedEntity, Filter: strings.TrimSpace(x.Filter)}
	if m.Channel == "" || m.Entity == "" {
		return ChannelMember{}, fmt.Errorf("load salesforce metadata: %s: a channel member needs eventChannel and selectedEntity", p)
	}
	var o *Object
	for _, cand := range s.objects {
		if cand.HasChangeEvents() && ChangeEventName(cand.Name) == m.Entity {
			o = cand
		}
	}
	if o == nil {
		return ChannelMember{}, fmt.Errorf("load salesforce metadata: %s: selectedEntity %s is not the change event of an object with change events "+
			"(<Object>ChangeEvent, or <Name>__ChangeEvent for the custom object <Name>__c)", p, m.Entity)
	}
	m.Object = o.Name
	for _, e := range x.Enriched {
		f, ok := o.Field(e.Name)
		if !ok || strings.Contains(e.Name, ".") {
			return ChannelMember{}, fmt.Errorf("load salesforce metadata: %s: enriched field %s is not a field of %s", p, e.Name, o.Name)
		}
		m.Enriched = append(m.Enriched, f.Name)
	}
	if strings.HasPrefix(strings.ToUpper(m.Filter), "WHERE ") {
		return ChannelMember{}, fmt.Errorf("load salesforce metadata: %s: filterExpression is a WHERE clause without the WHERE keyword", p)
	}
	return m, nil
}
