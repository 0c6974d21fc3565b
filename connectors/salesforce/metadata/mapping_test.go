package metadata_test

import (
	"slices"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/carebridge/carebridge/configs"
)

// TestDefaultMappingMatchesMetadata fails when the shipped default mapping
// (configs/mapping.yaml) names a Case field, a picklist value or a notes
// object that the shipped Salesforce metadata does not define.
func TestDefaultMappingMatchesMetadata(t *testing.T) {
	var m struct {
		Fields []struct {
			Name       string `yaml:"name"`
			Salesforce string `yaml:"salesforce"`
			Values     struct {
				CareToSalesforce map[string]string `yaml:"care_to_salesforce"`
				SalesforceToCare map[string]string `yaml:"salesforce_to_care"`
			} `yaml:"values"`
		} `yaml:"fields"`
		Notes struct {
			SalesforceObject string `yaml:"salesforce_object"`
		} `yaml:"notes"`
	}
	if err := yaml.Unmarshal(configs.Mapping(), &m); err != nil {
		t.Fatalf("configs/mapping.yaml: %v", err)
	}
	if len(m.Fields) == 0 {
		t.Fatal("configs/mapping.yaml maps no fields: the test would check nothing")
	}
	s := loadShipped(t)
	for _, mf := range m.Fields {
		f, ok := s.Field("Case", mf.Salesforce)
		if !ok {
			t.Errorf("mapping field %s: Case.%s is not in configs/salesforce", mf.Name, mf.Salesforce)
			continue
		}
		if !f.Restricted {
			continue
		}
		for care, sf := range mf.Values.CareToSalesforce {
			if !slices.Contains(f.Picklist, sf) {
				t.Errorf("mapping field %s: %s -> %q is not a value of Case.%s %v", mf.Name, care, sf, f.Name, f.Picklist)
			}
		}
		for sf := range mf.Values.SalesforceToCare {
			if sf != "else" && !slices.Contains(f.Picklist, sf) {
				t.Errorf("mapping field %s: %q is not a value of Case.%s %v", mf.Name, sf, f.Name, f.Picklist)
			}
		}
	}
	if obj := m.Notes.SalesforceObject; obj != "" {
		if _, ok := s.Object(obj); !ok {
			t.Errorf("notes object %s is not in the schema", obj)
		}
	}
}
