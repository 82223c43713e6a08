// Package errs is Zhuchao's one error vocabulary. Domain code returns *Error values
// carrying a Code and translatable messages; the web and API edges map codes to status
// codes and render the messages in the user's language. Internal causes are wrapped
// with %w for logs and are never shown to users.
package errs

import (
	"errors"
	"fmt"
)

// Code classifies an error for the edge. Each code maps to one HTTP status.
type Code string

// The codes. Anything that is not an *Error is Internal.
const (
	Invalid      Code = "invalid"      // the request is malformed or fails validation (400/422)
	NotFound     Code = "not_found"    // the object does not exist or is not the caller's (404)
	Conflict     Code = "conflict"     // state does not allow this now (409)
	Forbidden    Code = "forbidden"    // authenticated but not allowed (403)
	Unauthorized Code = "unauthorized" // not authenticated (401)
	RateLimited  Code = "rate_limited" // too many attempts (429)
	TooLarge     Code = "too_large"    // body or upload over the limit (413)
	Unsupported  Code = "unsupported"  // media type not accepted (415)
	Internal     Code = "internal"     // a bug or an outage; details are logged, not shown
)

// Msg is a message key with arguments, translated at the edge (see package i18n).
type Msg struct {
	Key  string
	Args []any
}

// FieldError names the field at fault and why.
type FieldError struct {
	Field string
	Msg   Msg
}

// Error is the error type domain code returns for anything a user can cause.
type Error struct {
	Code   Code
	Msg    Msg
	Fields []FieldError
	Err    error // internal cause, for logs only
}

func (e *Error) Error() string {
	s := string(e.Code) + ": " + e.Msg.Key
	for _, f := range e.Fields {
		s += fmt.Sprintf(" [%s: %s]", f.Field, f.Msg.Key)
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// E builds an error with a code and a message key.
func E(code Code, key string, args ...any) *Error {
	return &Error{Code: code, Msg: Msg{Key: key, Args: args}}
}

// Wrap attaches an internal cause to a user-facing error.
func (e *Error) Wrap(err error) *Error { e.Err = err; return e }

// Field returns a validation error for one field.
func Field(field, key string, args ...any) *Error {
	return &Error{Code: Invalid, Msg: Msg{Key: "err.invalid"}, Fields: []FieldError{{Field: field, Msg: Msg{Key: key, Args: args}}}}
}

// As returns the *Error in err's chain, or nil.
func As(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return nil
}

// CodeOf returns the code of err: Internal for anything that is not an *Error.
func CodeOf(err error) Code {
	if err == nil {
		return ""
	}
	if e := As(err); e != nil {
		return e.Code
	}
	return Internal
}

// Is reports whether err carries code.
func Is(err error, code Code) bool { return err != nil && CodeOf(err) == code }

// Validator collects field errors so a form reports every problem at once.
type Validator struct {
	fields []FieldError
}

// Check records key against field when ok is false; it returns ok.
func (v *Validator) Check(ok bool, field, key string, args ...any) bool {
	if !ok {
		v.Add(field, key, args...)
	}
	return ok
}

// Add records a field error unless the field already has one.
func (v *Validator) Add(field, key string, args ...any) {
	if v.Has(field) {
		return
	}
	v.fields = append(v.fields, FieldError{Field: field, Msg: Msg{Key: key, Args: args}})
}

// Has reports whether field already has an error.
func (v *Validator) Has(field string) bool {
	for _, f := range v.fields {
		if f.Field == field {
			return true
		}
	}
	return false
}

// Merge adds the field errors of err (when it is an Invalid *Error) and reports whether
// err was absorbed; other errors are left for the caller.
func (v *Validator) Merge(err error) bool {
	e := As(err)
	if e == nil || e.Code != Invalid {
		return false
	}
	for _, f := range e.Fields {
		v.Add(f.Field, f.Msg.Key, f.Msg.Args...)
	}
	if len(e.Fields) == 0 {
		v.Add("", e.Msg.Key, e.Msg.Args...)
	}
	return true
}

// Err returns the collected errors as one Invalid error, or nil.
func (v *Validator) Err() error {
	if len(v.fields) == 0 {
		return nil
	}
	return &Error{Code: Invalid, Msg: Msg{Key: "err.invalid"}, Fields: v.fields}
}
