package tenants

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"
)

// Config is one tenant's configuration file.
type Config struct {
	// Name identifies the tenant in stack names, execution names and logs: lowercase letters,
	// digits and hyphens.
	Name string `yaml:"name"`
	// DisplayName is the customer's name as people read it.
	DisplayName string `yaml:"displayName"`
	// Locale is the language of approval pages, e-mails and ticket comments: nl, fr or en.
	Locale string `yaml:"locale"`
	// Timezone is an IANA zone name used to show times to people, such as Europe/Brussels.
	Timezone string `yaml:"timezone"`
	// Workflows lists the workflows enabled for this tenant, by ASL file name without
	// extension (user-offboarding, alert-triage).
	Workflows []string `yaml:"workflows"`

	Ticketing  Ticketing  `yaml:"ticketing"`
	Identity   Identity   `yaml:"identity"`
	Approvals  Approvals  `yaml:"approvals"`
	Exclusions Exclusions `yaml:"exclusions"`
	Events     Events     `yaml:"events"`
	AWS        AWS        `yaml:"aws"`
	Triage     Triage     `yaml:"triage"`
}

// Locales lists the supported user-facing languages.
var Locales = []string{"nl", "fr", "en"}

var namePattern = regexp.MustCompile(`^[a-z][a-z0-9-]{0,30}[a-z0-9]$`)

// FieldError is one invalid field, named by its YAML path (approvals.timeout).
type FieldError struct {
	Field   string
	Message string
}

func (e FieldError) Error() string { return e.Field + ": " + e.Message }

// ValidationError lists every invalid field of one tenant file.
type ValidationError struct {
	File   string
	Fields []FieldError
}

func (e *ValidationError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "invalid tenant file %s:", e.File)
	for _, f := range e.Fields {
		b.WriteString("\n  ")
		b.WriteString(f.Error())
	}
	return b.String()
}

// problems collects field errors during validation.
type problems struct{ list []FieldError }

func (p *problems) add(field, format string, args ...any) {
	p.list = append(p.list, FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
}

// Load reads, decodes and validates the tenant file at path.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading tenant file: %w", err)
	}
	return Parse(filepath.Base(path), data)
}

// Parse decodes and validates a tenant file; name is used in error messages.
func Parse(name string, data []byte) (*Config, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var c Config
	if err := dec.Decode(&c); err != nil {
		return nil, decodeError(name, data, err)
	}
	if err := c.Validate(); err != nil {
		var v *ValidationError
		if errors.As(err, &v) {
			v.File = name
		}
		return nil, err
	}
	return &c, nil
}

// Validate checks every field and returns a *ValidationError listing all problems.
func (c *Config) Validate() error {
	var p problems
	if !namePattern.MatchString(c.Name) {
		p.add("name", "must be 2 to 32 lowercase letters, digits or hyphens, starting with a letter (got %q)", c.Name)
	}
	if !contains(Locales, c.Locale) {
		p.add("locale", "must be one of nl, fr, en (got %q)", c.Locale)
	}
	if c.Timezone != "" {
		if _, err := loadLocation(c.Timezone); err != nil {
			p.add("timezone", "unknown time zone %q: use an IANA name such as Europe/Brussels", c.Timezone)
		}
	}
	for i, w := range c.Workflows {
		if !namePattern.MatchString(w) {
			p.add(fmt.Sprintf("workflows[%d]", i), "invalid workflow name %q", w)
		}
	}
	c.Ticketing.validate("ticketing", &p)
	c.Identity.validate("identity", &p)
	c.Approvals.validate("approvals", &p)
	c.Exclusions.validate("exclusions", &p)
	c.Events.validate("events", &p)
	c.AWS.validate("aws", &p)
	c.Triage.validate("triage", &p)
	if len(p.list) > 0 {
		return &ValidationError{File: c.Name, Fields: p.list}
	}
	return nil
}

// WorkflowEnabled reports whether the tenant enabled the named workflow.
func (c *Config) WorkflowEnabled(name string) bool { return contains(c.Workflows, name) }

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
