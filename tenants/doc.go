// Package tenants loads and validates tenant configuration files (tenants/NAME.yaml): which
// ticketing system a customer uses and how its tickets map to workflows, its identity
// providers, approvers, exclusions, locale and secret references.
//
// A tenant file holds secret references (env:NAME, file:PATH, secretsmanager:NAME), never
// secret values. Load rejects unknown fields and reports every invalid field by its YAML path,
// so a wrong file fails at start-up instead of in the middle of an offboarding. The package
// does not resolve secrets or connect to anything.
package tenants
