package caresim

import (
	"fmt"
	"time"

	"github.com/carebridge/carebridge/connectors/care"
	"github.com/carebridge/carebridge/connectors/care/rules"
)

// SeedDemo loads a realistic set of agents, profiles and escalated cases
// across all six platforms, with conversations and notes. Every case has its
// customer and profile, as Care escalates them, but the listening mention,
// which automation escalates without a profile. An error means the seed and
// the sandbox's rules disagree: a bug to fix, not a case to skip.
func (s *simulation) SeedDemo() error {
	agents := []care.Agent{
		{ID: "agent_ana", Name: "Ana Novak", Email: "ana.novak@example.com"},
		{ID: "agent_ben", Name: "Ben Okafor", Email: "ben.okafor@example.com"},
		{ID: "agent_chloe", Name: "Chloe Martin", Email: "chloe.martin@example.com"},
	}
	for _, a := range agents {
		s.AddAgent(a)
	}
	profiles := []care.Profile{
		{ID: "prof_fb", Platform: rules.Facebook, Name: "Acme Outdoor", Handle: "acmeoutdoor"},
		{ID: "prof_fb_uk", Platform: rules.Facebook, Name: "Acme Outdoor UK", Handle: "acmeoutdooruk"},
		{ID: "prof_ig", Platform: rules.Instagram, Name: "Acme Outdoor", Handle: "acme.outdoor"},
		{ID: "prof_tw", Platform: rules.Twitter, Name: "Acme Support", Handle: "AcmeSupport"},
		{ID: "prof_li", Platform: rules.LinkedIn, Name: "Acme Outdoor Inc.", Handle: "acme-outdoor"},
		{ID: "prof_yt", Platform: rules.YouTube, Name: "Acme Outdoor", Handle: "@acmeoutdoor"},
		{ID: "prof_tt", Platform: rules.TikTok, Name: "Acme Outdoor", Handle: "@acme.outdoor"},
	}
	for _, p := range profiles {
		s.AddProfile(p)
	}
	now := s.now()
	ago := func(d time.Duration) time.Time { return now.Add(-d) }
	id := func(v string) *string { return &v }
	type seed struct {
		c     care.Case
		msgs  []care.Message
		notes []care.Note
	}
	seeds := []seed{
		{
			c: care.Case{ID: "case_fb_1", Platform: rules.Facebook, ProfileID: id("prof_fb"), AssigneeID: id("agent_ana"),
				Sentiment: "negative", Priority: "high", Subject: "Tent pole snapped on first trip",
				Customer: care.Customer{ID: "fb_u_1", Handle: "maria.k", Name: "Maria Kovacs"}},
			msgs: []care.Message{
				{ID: "fb_post_1", Kind: rules.Post, Direction: care.Outbound, Text: "Our new Summit tent is here!", PostedAt: ago(72 * time.Hour),
					Author: care.Author{ID: "prof_fb", Handle: "acmeoutdoor", Name: "Acme Outdoor", IsBrand: true}},
				{ID: "fb_c_1", Kind: rules.Comment, ParentID: id("fb_post_1"), Text: "Mine snapped on the first night. Not impressed.", PostedAt: ago(30 * time.Hour)},
				{ID: "fb_r_1", Kind: rules.ReplyKind, ParentID: id("fb_c_1"), Text: "Same here!", PostedAt: ago(29 * time.Hour),
					Author: care.Author{ID: "fb_u_9", Handle: "tom.h", Name: "Tom H"}},
			},
			notes: []care.Note{{AuthorID: "agent_ana", Text: "Asked warehouse about batch 42 poles."}},
		},
		{
			c: care.Case{ID: "case_fb_2", Platform: rules.Facebook, ProfileID: id("prof_fb"),
				Sentiment: "neutral", Priority: "normal", Subject: "Order status question",
				Customer: care.Customer{ID: "fb_u_2", Handle: "liam.p", Name: "Liam Price"}},
			msgs: []care.Message{
				{ID: "fb_dm_1", Kind: rules.DirectMessageKind, Text: "Hi, where is my order #1042?", PostedAt: ago(3 * time.Hour)},
			},
		},
		{
			c: care.Case{ID: "case_fb_3", Platform: rules.Facebook, ProfileID: id("prof_fb"),
				Sentiment: "negative", Priority: "normal", Subject: "Complaint from a partner page",
				Customer: care.Customer{ID: "fb_page_7", Handle: "trailshop", Name: "Trail Shop (Page)", IsPage: true}},
			msgs: []care.Message{
				{ID: "fb_wall_1", Kind: rules.WallPost, Text: "Still waiting on our wholesale delivery.", PostedAt: ago(10 * 24 * time.Hour)},
			},
		},
		{
			c: care.Case{ID: "case_ig_1", Platform: rules.Instagram, ProfileID: id("prof_ig"), AssigneeID: id("agent_ben"), Status: rules.Pending,
				Sentiment: "positive", Priority: "low", Subject: "Which size for a 10 year old?",
				Customer: care.Customer{ID: "ig_u_1", Handle: "hikingmum", Name: "Sara"}},
			msgs: []care.Message{
				{ID: "ig_post_1", Kind: rules.Post, Direction: care.Outbound, Text: "Kids' range, now in stores", PostedAt: ago(48 * time.Hour),
					Author: care.Author{ID: "prof_ig", Handle: "acme.outdoor", Name: "Acme Outdoor", IsBrand: true}},
				{ID: "ig_c_1", Kind: rules.Comment, ParentID: id("ig_post_1"), Text: "Which size for a 10 year old?", PostedAt: ago(20 * time.Hour)},
				{ID: "ig_r_1", Kind: rules.ReplyKind, ParentID: id("ig_c_1"), Direction: care.Outbound, Text: "Size M fits most 9-11 year olds!", PostedAt: ago(19 * time.Hour)},
			},
		},
		{
			c: care.Case{ID: "case_tw_1", Platform: rules.Twitter, ProfileID: id("prof_tw"),
				Sentiment: "negative", Priority: "urgent", Subject: "Refund not received",
				Customer: care.Customer{ID: "tw_u_1", Handle: "jdoe", Name: "Jane Doe", FollowsBrand: true, MentionedBrand: true}},
			msgs: []care.Message{
				{ID: "tw_m_1", Kind: rules.MentionInPost, Text: "@AcmeSupport two weeks and still no refund. #fail", PostedAt: ago(5 * time.Hour)},
			},
		},
		{
			c: care.Case{ID: "case_li_1", Platform: rules.LinkedIn, ProfileID: id("prof_li"), AssigneeID: id("agent_chloe"),
				Sentiment: "neutral", Priority: "normal", Subject: "Partnership enquiry in comments",
				Customer: care.Customer{ID: "li_u_1", Handle: "peter-ng", Name: "Peter Ng"}},
			msgs: []care.Message{
				{ID: "li_post_1", Kind: rules.Post, Direction: care.Outbound, Text: "We're hiring store managers.", PostedAt: ago(96 * time.Hour),
					Author: care.Author{ID: "prof_li", Handle: "acme-outdoor", Name: "Acme Outdoor Inc.", IsBrand: true}},
				{ID: "li_c_1", Kind: rules.Comment, ParentID: id("li_post_1"), Text: "Is the Leeds role hybrid?", PostedAt: ago(6 * time.Hour)},
			},
		},
		{
			c: care.Case{ID: "case_yt_1", Platform: rules.YouTube, ProfileID: id("prof_yt"),
				Sentiment: "negative", Priority: "normal", Subject: "Spam links under review video",
				Customer: care.Customer{ID: "yt_u_1", Handle: "@cheapdeals", Name: "Cheap Deals"}},
			msgs: []care.Message{
				{ID: "yt_c_1", Kind: rules.Comment, Text: "Buy cheap tents at totally-legit.example", PostedAt: ago(2 * time.Hour)},
			},
		},
		{
			c: care.Case{ID: "case_tt_1", Platform: rules.TikTok, ProfileID: id("prof_tt"), AssigneeID: id("agent_ben"),
				Sentiment: "positive", Priority: "low", Subject: "Loves the new jacket",
				Customer: care.Customer{ID: "tt_u_1", Handle: "@trailrunner", Name: "Kai"}},
			msgs: []care.Message{
				{ID: "tt_c_1", Kind: rules.Comment, Text: "This jacket survived a storm on Ben Nevis!", PostedAt: ago(1 * time.Hour)},
			},
		},
	}
	for _, sd := range seeds {
		c, err := s.Escalate(sd.c, sd.msgs)
		if err != nil {
			return fmt.Errorf("seed demo: %w", err)
		}
		for _, n := range sd.notes {
			if _, err := s.UIAddNote(c.ID, n.AuthorID, n.Text); err != nil {
				return fmt.Errorf("seed demo: %w", err)
			}
		}
	}
	if _, err := s.EscalateListening(rules.Twitter, care.Customer{ID: "tw_u_2", Handle: "gearhead", Name: "Gear Head"},
		"Anyone else think Acme boots run small?"); err != nil {
		return fmt.Errorf("seed demo: listening case: %w", err)
	}
	return nil
}
