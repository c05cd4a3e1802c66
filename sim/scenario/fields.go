package scenario

import (
	"reflect"
	"strings"

	"github.com/econsim/econsim/sim/field"
)

// The model packages validate their own parts and return field errors named
// by their Go fields; here each part's fields are mapped to the scenario's
// keys. A domain field and the scenario field of the same Go name are one
// key (its toml tag); renames list the fields whose names differ.
type part struct {
	prefix  string            // the part's table, "" for the top level
	table   reflect.Type      // the scenario struct whose tags name the keys; nil for none
	renames map[string]string // domain field → key below prefix ("" drops the error)
}

var (
	utilityPart  = part{"utility", reflect.TypeOf(Utility{}), nil}
	behaviorPart = part{"agents", reflect.TypeOf(Agents{}), map[string]string{"Kind": "behavior"}}
	skillPart    = part{"population.skill", reflect.TypeOf(Skill{}), nil}
	marketPart   = part{"market", reflect.TypeOf(Market{}), nil}
	llmPart      = part{"llm", reflect.TypeOf(LLM{}), map[string]string{
		"TokenField": "token_limit_field", "CachePath": "cache",
		"InputPerMillion": "price.input_per_million", "OutputPerMillion": "price.output_per_million"}}
	boundsPart         = part{"tax", nil, map[string]string{"Min": "rate_min", "Max": "rate_max"}}
	redistributionPart = part{"tax", nil, map[string]string{"Kind": "redistribution", "Share": "share"}}
	// configPart is sim.Config: its own fields, and its parts by prefix.
	configPart = part{"", nil, map[string]string{
		"Agents": "population.agents", "Rounds": "rounds", "Period": "tax.period",
		"HoursMax": "population.hours_max", "Cutoffs": "tax.cutoffs", "Objective": "planner.objective",
		"LLMWorkers": "", // the client is Build's, not the file's: the [llm] table is checked on its own
		"LLMSavers":  "", "System": "tax.system", "Notice": "planner.announce_round",
	}}
	configParts = map[string]part{
		"Skill": skillPart, "Utility": utilityPart, "Behavior": behaviorPart, "Bounds": boundsPart,
		"Market": marketPart, "Redistribution": redistributionPart,
	}
)

// without returns p with the errors of the named fields dropped.
func (p part) without(names ...string) part {
	r := map[string]string{}
	for k, v := range p.renames {
		r[k] = v
	}
	for _, n := range names {
		r[n] = ""
	}
	p.renames = r
	return p
}

// key returns the scenario key of a domain field name and, for an element
// ("Values[2]"), its index ("[2]"); ok is false when the error is dropped.
func (p part) key(name string) (key, index string, ok bool) {
	base, idx, cut := strings.Cut(name, "[")
	if cut {
		index = "[" + idx
	}
	if head, rest, nested := strings.Cut(base, "."); nested && p.prefix == "" {
		if sub, ok := configParts[head]; ok {
			k, _, ok := sub.key(rest)
			return k, index, ok
		}
	}
	if r, ok := p.renames[base]; ok {
		return joinKey(p.prefix, r), index, r != ""
	}
	if p.table != nil {
		if f, ok := p.table.FieldByName(base); ok {
			return joinKey(p.prefix, tagName(f)), index, true
		}
		if head, rest, nested := strings.Cut(base, "."); nested { // a field of a table within the part's
			if f, ok := p.table.FieldByName(head); ok {
				t := f.Type
				if t.Kind() == reflect.Pointer {
					t = t.Elem()
				}
				if t.Kind() == reflect.Struct {
					k, _, ok := part{prefix: joinKey(p.prefix, tagName(f)), table: t}.key(rest)
					return k, index, ok
				}
			}
		}
	}
	return p.prefix, index, true // a field the scenario does not name: its table
}

// addFields records err's field errors under their scenario keys, one error
// per key (the first): a key already reported is not reported again.
func (v *validator) addFields(p part, err error) {
	for _, fe := range field.All(err) {
		key, index, ok := p.key(fe.Name)
		if fe.Name == "" {
			key, ok = p.prefix, true
		}
		if !ok || v.has(key) {
			continue
		}
		msg := fe.Msg
		if index != "" {
			msg = index + " " + msg
		}
		v.add(key, "%s", msg)
	}
}

// has reports whether key already has an error.
func (v *validator) has(key string) bool {
	for _, e := range v.errs {
		if e.Key == key {
			return true
		}
	}
	return false
}
