package config

import (
	"log/slog"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/carebridge/carebridge/connectors/salesforce"
	"github.com/carebridge/carebridge/connectors/upstream"
)

// NewClient builds the Salesforce client of the settings. It makes no
// network call: the client logs in on its first request.
func (s Salesforce) NewClient(um *upstream.Metrics, reg prometheus.Registerer, log *slog.Logger) (*salesforce.Client, error) {
	return salesforce.New(salesforce.Config{
		LoginURL: s.LoginURL, InstanceURL: s.InstanceURL, APIVersion: s.APIVersion,
		Timeout: s.Timeout, PollOverlap: s.PollOverlap,
		Auth: salesforce.Auth{
			Method: s.AuthMethod, ClientID: s.ClientID, ClientSecret: s.ClientSecret,
			Username: s.Username, Password: s.Password, RefreshToken: s.RefreshToken,
			PrivateKeyPEM: s.PrivateKeyPEM, Audience: s.Audience,
		},
	}, um, reg, log)
}
