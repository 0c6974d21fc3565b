package daemon

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"time"

	"github.com/carebridge/carebridge/bridge"
	"github.com/carebridge/carebridge/bridge/admin"
	"github.com/carebridge/carebridge/bridge/config"
	"github.com/carebridge/carebridge/bridge/queue"
	"github.com/carebridge/carebridge/configs"
	"github.com/carebridge/carebridge/connectors/salesforce/metadata"
	"github.com/carebridge/carebridge/mapping"
)

// loadMapping reads the configured mapping file (or the shipped default)
// and returns it with what the admin API shows of it: its YAML and its
// source ("file" or "default").
func loadMapping(cfg config.Mapping, schema *metadata.Schema) (*mapping.Mapping, admin.Running, error) {
	m, data, err := cfg.Load(schema)
	if err != nil {
		return nil, admin.Running{}, err
	}
	source := "default"
	if cfg.File != "" {
		source = "file"
	}
	return m, admin.Running{Source: source, Digest: m.Version(), YAML: string(data)}, nil
}

// adminHandler is the admin API and UI of the daemon.
func (d *Daemon) adminHandler() http.Handler {
	return admin.Handler(admin.Options{
		Token:    d.cfg.Admin.Token,
		Sessions: d.store,
		Mappings: d.store,
		Validate: func(yaml []byte) (string, error) {
			m, err := d.mappings.Parse("proposed mapping", yaml)
			if err != nil {
				return "", err
			}
			return m.Version(), nil
		},
		Preview: func(ctx context.Context, careID string, yaml []byte) (any, error) {
			m, _ := d.mappings.Get()
			if yaml != nil {
				var err error
				if m, err = d.mappings.Parse("proposed mapping", yaml); err != nil {
					return nil, err
				}
			}
			p, err := d.engine.PreviewCase(ctx, careID, bridge.MappingSource(m))
			if errors.Is(err, bridge.ErrCaseNotFound) {
				return nil, fmt.Errorf("%w: %w", admin.ErrNotFound, err)
			}
			return p, err
		},
		Running:     func() admin.Running { _, r := d.mappings.Get(); return r },
		Status:      d.status,
		DeadLetters: deadLetters{d.queue},
		File: func() (string, []byte, error) {
			if d.cfg.Mapping.File == "" {
				return mapping.DefaultName + " (shipped default)", configs.Mapping(), nil
			}
			data, err := os.ReadFile(d.cfg.Mapping.File)
			if err != nil {
				return "", nil, fmt.Errorf("read the mapping file: %w", err)
			}
			return d.cfg.Mapping.File, data, nil
		},
		DescribeFields: d.describeForAdmin,
		Ops:            d.opsOptions(),
		Erase:          d.adminErase,
		Logger:         d.log.With("component", "admin"),
	})
}

// describeForAdmin reads an object's fields from the org for the mapping
// editor's pickers.
func (d *Daemon) describeForAdmin(ctx context.Context, object string) ([]admin.SalesforceField, error) {
	desc, err := d.sf.Describe(ctx, object)
	if err != nil {
		return nil, err
	}
	out := make([]admin.SalesforceField, 0, len(desc.Fields))
	for _, f := range desc.Fields {
		sf := admin.SalesforceField{Name: f.Name, Label: f.Label, Type: f.Type, Length: f.Length, Updateable: f.Updateable, Restricted: f.RestrictedPicklist}
		for _, v := range f.PicklistValues {
			if v.Active {
				sf.Picklist = append(sf.Picklist, v.Value)
			}
			if v.Label != "" {
				if sf.PicklistLabels == nil {
					sf.PicklistLabels = map[string]string{}
				}
				sf.PicklistLabels[v.Value] = v.Label
			}
		}
		out = append(out, sf)
	}
	return out, nil
}

// deadLetters gives the admin API the queue's dead letters.
type deadLetters struct{ q *queue.Queue }

func (dl deadLetters) List(ctx context.Context, limit int) ([]admin.DeadLetter, error) {
	list, err := dl.q.List(ctx, limit)
	if err != nil {
		return nil, err
	}
	out := make([]admin.DeadLetter, len(list))
	for i, l := range list {
		out[i] = admin.DeadLetter{Key: l.Key, Error: l.Error, Attempts: l.Attempts, At: l.At.Format(time.RFC3339)}
	}
	return out, nil
}

func (dl deadLetters) Replay(ctx context.Context, key string) error {
	err := dl.q.Replay(ctx, key)
	if errors.Is(err, queue.ErrNotDead) {
		return fmt.Errorf("%w: %w", admin.ErrNotFound, err)
	}
	return err
}
