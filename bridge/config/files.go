package config

import (
	"fmt"
	"os"

	"github.com/carebridge/carebridge/configs"
	"github.com/carebridge/carebridge/connectors/care/rules"
	"github.com/carebridge/carebridge/connectors/salesforce/metadata"
	"github.com/carebridge/carebridge/mapping"
)

// Load reads the mapping file (or the shipped default) and returns it with
// its YAML.
func (mf Mapping) Load(schema *metadata.Schema) (*mapping.Mapping, []byte, error) {
	name, data := mapping.DefaultName, configs.Mapping()
	if mf.File != "" {
		var err error
		if data, err = os.ReadFile(mf.File); err != nil {
			return nil, nil, fmt.Errorf("mapping: %w", err)
		}
		name = mf.File
	}
	m, err := mapping.Parse(name, data, mapping.FromMetadata(schema))
	if err != nil {
		if mf.File == "" {
			err = fmt.Errorf("default mapping: %w", err)
		}
		return nil, nil, err
	}
	return m, data, nil
}

// Load reads the rule data file (or the shipped default).
func (r Rules) Load() (*rules.Engine, error) {
	if r.File == "" {
		return rules.Default(), nil
	}
	data, err := os.ReadFile(r.File)
	if err != nil {
		return nil, fmt.Errorf("rules: %w", err)
	}
	e, err := rules.Load(data)
	if err != nil {
		return nil, fmt.Errorf("rules %s: %w", r.File, err)
	}
	return e, nil
}
