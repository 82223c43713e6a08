package channel

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/zhuchao/zhuchao/internal/audit"
	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/identity"
	"github.com/zhuchao/zhuchao/internal/search"
)

// RulesKey is the settings key holding the ranking rules as JSON.
const RulesKey = "search.rules"

// RuleField is one weight of the ranking rules as the ops page edits it.
type RuleField struct {
	Key      string // the JSON name, also the form field
	Min, Max float64
	get      func(*search.Rules) *float64
}

// Get returns the field's value in r.
func (f RuleField) Get(r search.Rules) float64 { return *f.get(&r) }

// Default returns the field's default.
func (f RuleField) Default() float64 { return f.Get(search.DefaultRules) }

// RuleFields lists the ranking weights in the order the page shows them. Rewards are 0
// to 1000; the penalty is −1000 to 0 (it demotes).
var RuleFields = []RuleField{
	{"sales", 0, 1000, func(r *search.Rules) *float64 { return &r.Sales }},
	{"level", 0, 1000, func(r *search.Rules) *float64 { return &r.Level }},
	{"bao", 0, 1000, func(r *search.Rules) *float64 { return &r.Bao }},
	{"zhu", 0, 1000, func(r *search.Rules) *float64 { return &r.Zhu }},
	{"in_stock", 0, 1000, func(r *search.Rules) *float64 { return &r.InStock }},
	{"boost", 0, 1000, func(r *search.Rules) *float64 { return &r.Boost }},
	{"campaign", 0, 1000, func(r *search.Rules) *float64 { return &r.Campaign }},
	{"penalty", -1000, 0, func(r *search.Rules) *float64 { return &r.Penalty }},
}

// ParseRules reads the stored ranking rules over the defaults (fields left out keep
// their default). Malformed JSON, an unknown field or a value out of range is an error
// naming it; the caller decides whether to fall back, and says so.
func ParseRules(raw string) (search.Rules, error) {
	r := search.DefaultRules
	dec := json.NewDecoder(bytes.NewReader([]byte(raw)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil {
		return search.DefaultRules, fmt.Errorf("search.rules: %w", err)
	}
	if dec.More() {
		return search.DefaultRules, fmt.Errorf("search.rules: text after the JSON object")
	}
	for _, f := range RuleFields {
		if v := f.Get(r); math.IsNaN(v) || v < f.Min || v > f.Max {
			return search.DefaultRules, fmt.Errorf("search.rules: %s = %v is outside %v…%v", f.Key, v, f.Min, f.Max)
		}
	}
	return r, nil
}

// SettingsStore is where the rules and synonyms are kept.
type SettingsStore interface {
	Setting(ctx context.Context, key string) (value string, ok bool, err error)
	// SetSetting stores a setting and announces it on the outbox (the index rebuilds).
	SetSetting(ctx context.Context, key, value string, at time.Time) error
	SynonymGroups(ctx context.Context) ([]SynonymGroup, error)
	AddSynonyms(ctx context.Context, terms, by string, at time.Time) error
	DeleteSynonyms(ctx context.Context, id string) error
}

// SynonymGroup is a set of words a search treats as one.
type SynonymGroup struct {
	ID        string
	Terms     []string
	CreatedBy string
	CreatedAt time.Time
}

// Rules runs the search rules ops set: the ranking weights and the synonyms.
type Rules struct {
	DB       *db.DB
	Settings SettingsStore
	Audit    audit.Store
	Now      func() time.Time
}

func (s *Rules) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func rulesEditor(p *identity.Principal) error {
	if !CanEdit(p) {
		return errs.E(errs.NotFound, "err.not_found")
	}
	return nil
}

// RulesState is the stored ranking rules as the page shows them.
type RulesState struct {
	Rules  search.Rules // in force: the stored rules, or the defaults
	Stored bool         // ops saved rules (else the defaults apply)
	Raw    string       // the stored JSON
	Broken string       // why the stored JSON cannot be used (the defaults apply)
}

// State returns the rules in force and any problem with what is stored.
func (s *Rules) State(ctx context.Context, p *identity.Principal) (*RulesState, error) {
	if err := rulesEditor(p); err != nil {
		return nil, err
	}
	raw, ok, err := s.Settings.Setting(ctx, RulesKey)
	if err != nil {
		return nil, err
	}
	st := &RulesState{Rules: search.DefaultRules, Stored: ok, Raw: raw}
	if ok {
		r, err := ParseRules(raw)
		if err != nil {
			st.Broken = err.Error()
		} else {
			st.Rules = r
		}
	}
	return st, nil
}

// SaveRules checks every weight (a number in its range) and stores the rules; the
// search index rebuilds with them on every node.
func (s *Rules) SaveRules(ctx context.Context, p *identity.Principal, values map[string]string) (search.Rules, error) {
	if err := rulesEditor(p); err != nil {
		return search.Rules{}, err
	}
	r := search.DefaultRules
	var v errs.Validator
	for _, f := range RuleFields {
		in := strings.TrimSpace(strings.ReplaceAll(values[f.Key], "，", "."))
		if in == "" {
			v.Add(f.Key, "err.required")
			continue
		}
		n, err := strconv.ParseFloat(in, 64)
		switch {
		case err != nil || math.IsNaN(n) || math.IsInf(n, 0):
			v.Add(f.Key, "err.rules_number")
		case n < f.Min || n > f.Max:
			v.Add(f.Key, "err.rules_range", fmtNum(f.Min), fmtNum(f.Max))
		default:
			*f.get(&r) = n
		}
	}
	if err := v.Err(); err != nil {
		return r, err
	}
	return r, s.store(ctx, p, r, "search.rules")
}

// ResetRules stores the defaults.
func (s *Rules) ResetRules(ctx context.Context, p *identity.Principal) error {
	if err := rulesEditor(p); err != nil {
		return err
	}
	return s.store(ctx, p, search.DefaultRules, "search.rules_reset")
}

func (s *Rules) store(ctx context.Context, p *identity.Principal, r search.Rules, action string) error {
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	return s.DB.WithTx(ctx, func(ctx context.Context) error {
		if err := s.Settings.SetSetting(ctx, RulesKey, string(b), s.now()); err != nil {
			return err
		}
		return audit.Log(ctx, s.Audit, audit.Entry{ActorID: p.User.ID, ActorName: p.User.DisplayName, OrgID: p.Org.ID, Action: action, ObjectType: "setting", ObjectID: RulesKey, Detail: string(b)})
	})
}

func fmtNum(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// Synonyms lists the synonym groups ops entered (the built-in ones are in
// search.DefaultSynonyms).
func (s *Rules) Synonyms(ctx context.Context, p *identity.Principal) ([]SynonymGroup, error) {
	if err := rulesEditor(p); err != nil {
		return nil, err
	}
	return s.Settings.SynonymGroups(ctx)
}

// SynonymTerms splits what ops typed into terms: separated by commas, spaces, 、, | or
// new lines; folded to lower case; duplicates dropped.
func SynonymTerms(in string) []string {
	var out []string
	for _, t := range strings.FieldsFunc(in, func(r rune) bool {
		return r == ',' || r == '，' || r == '、' || r == '|' || r == '\n' || r == '\r' || r == '\t' || r == ' ' || r == '　' || r == ';' || r == '；'
	}) {
		t = strings.ToLower(strings.TrimSpace(t))
		if t != "" && !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out
}

// AddSynonyms adds a group of two to ten terms, each up to 20 characters.
func (s *Rules) AddSynonyms(ctx context.Context, p *identity.Principal, in string) ([]string, error) {
	if err := rulesEditor(p); err != nil {
		return nil, err
	}
	terms := SynonymTerms(in)
	var v errs.Validator
	switch {
	case len(terms) < 2:
		v.Add("terms", "err.synonyms_two")
	case len(terms) > 10:
		v.Add("terms", "err.too_many", 10)
	}
	for _, t := range terms {
		if utf8.RuneCountInString(t) > 20 {
			v.Add("terms", "err.synonym_long", t, 20)
		}
		if strings.ContainsFunc(t, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
			v.Add("terms", "err.bad_chars")
		}
	}
	if err := v.Err(); err != nil {
		return terms, err
	}
	return terms, s.DB.WithTx(ctx, func(ctx context.Context) error {
		joined := strings.Join(terms, "|")
		if err := s.Settings.AddSynonyms(ctx, joined, p.User.DisplayName, s.now()); err != nil {
			return err
		}
		return audit.Log(ctx, s.Audit, audit.Entry{ActorID: p.User.ID, ActorName: p.User.DisplayName, OrgID: p.Org.ID, Action: "search.synonyms_add", ObjectType: "synonyms", Detail: joined})
	})
}

// DeleteSynonyms removes a group.
func (s *Rules) DeleteSynonyms(ctx context.Context, p *identity.Principal, id string) error {
	if err := rulesEditor(p); err != nil {
		return err
	}
	return s.DB.WithTx(ctx, func(ctx context.Context) error {
		if err := s.Settings.DeleteSynonyms(ctx, id); err != nil {
			return err
		}
		return audit.Log(ctx, s.Audit, audit.Entry{ActorID: p.User.ID, ActorName: p.User.DisplayName, OrgID: p.Org.ID, Action: "search.synonyms_delete", ObjectType: "synonyms", ObjectID: id})
	})
}
