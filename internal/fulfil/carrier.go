package fulfil

import (
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/zhuchao/zhuchao/internal/cn"
	"github.com/zhuchao/zhuchao/internal/errs"
)

// Waybill formats of the carriers whose numbering is known (upper-cased, spaces
// removed): 顺丰 SF + 13 digits (older waybills 12 digits); 京东 JD + 13–15 letters and
// digits (JDVA…, JDX…); 中通 12 or 14 digits (newer 7… numbers 14); 德邦 DPK + 12–13
// digits for express, 8–12 digits for freight (快运).
var waybillFormats = map[string]*regexp.Regexp{
	SF:     regexp.MustCompile(`^(SF\d{13}|\d{12})$`),
	JD:     regexp.MustCompile(`^JD[0-9A-Z]{13,15}$`),
	ZTO:    regexp.MustCompile(`^(\d{12}|\d{14})$`),
	Deppon: regexp.MustCompile(`^(DPK\d{12,13}|\d{8,12})$`),
}

// otherWaybill is the sane shape of any other carrier's number.
var otherWaybill = regexp.MustCompile(`^[0-9A-Z][0-9A-Z-]{5,31}$`)

// NormalizeWaybill upper-cases and removes spaces and full-width forms.
func NormalizeWaybill(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case unicode.IsSpace(r):
			return -1
		case r >= '！' && r <= '～': // full-width ASCII
			return r - 0xFEE0
		}
		return r
	}, s)
	return strings.ToUpper(s)
}

// ValidWaybill checks a waybill number for a carrier: its known format, or for others a
// sane length and character set.
func ValidWaybill(carrier, waybill string) bool {
	if re, ok := waybillFormats[carrier]; ok {
		return re.MatchString(waybill)
	}
	return otherWaybill.MatchString(waybill)
}

// provinces are the one-character abbreviations that start a mainland plate.
const provinces = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"

// Letters and digits on plates: I and O are never used.
const plateChars = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"

// NormalizePlate upper-cases a plate number and removes spaces, dots and dashes
// (浙A·12345, 浙A-12345).
func NormalizePlate(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '·' || r == '.' || r == '-' || r == '•' {
			return -1
		}
		if r >= '！' && r <= '～' {
			return r - 0xFEE0
		}
		return r
	}, s)
	return strings.ToUpper(s)
}

// ValidPlate checks a mainland vehicle plate (GA 36-2018): a province character, the
// issuing authority's letter, then five characters (the last may be 挂 for a trailer,
// 学 or 警), or for new-energy vehicles six: D or F then five (small vehicles) or five
// digits then D or F (large vehicles, as trucks are).
func ValidPlate(s string) bool {
	rs := []rune(s)
	if len(rs) < 7 || len(rs) > 8 || !strings.ContainsRune(provinces, rs[0]) {
		return false
	}
	if !isPlateLetter(rs[1]) {
		return false
	}
	rest := rs[2:]
	if len(rest) == 5 {
		for i, r := range rest {
			if i == 4 && strings.ContainsRune("挂学警", r) {
				continue
			}
			if !strings.ContainsRune(plateChars, r) {
				return false
			}
		}
		return true
	}
	// New energy (8 characters).
	isDF := func(r rune) bool { return r == 'D' || r == 'F' }
	digits := func(rs []rune) bool {
		return !slices.ContainsFunc(rs, func(r rune) bool { return r < '0' || r > '9' })
	}
	switch {
	case isDF(rest[0]): // small: D/F, a letter or digit, four digits
		return strings.ContainsRune(plateChars, rest[1]) && digits(rest[2:])
	case isDF(rest[5]): // large: five digits, D/F
		return digits(rest[:5])
	}
	return false
}

func isPlateLetter(r rune) bool { return r >= 'A' && r <= 'Z' && r != 'I' && r != 'O' }

// ShipInput is the supplier's shipping form.
type ShipInput struct {
	Mode        Mode
	Carrier     string // a ParcelCarriers code for parcels, a TruckKinds code for trucks
	CarrierName string // required for "other"; the haulier for trucks (optional)
	Waybill     string // required for parcels; optional for trucks (托运单号)
	Plate       string // trucks
	DriverPhone string // trucks
	Note        string
	// Lines maps order line numbers to the quantity shipped now; empty ships everything
	// not yet shipped.
	Lines map[int]int64
}

// check validates and normalises the carrier part of in.
func (in *ShipInput) check(v *errs.Validator) {
	in.Waybill = NormalizeWaybill(in.Waybill)
	in.CarrierName = strings.TrimSpace(in.CarrierName)
	in.Note = strings.TrimSpace(in.Note)
	v.Check(utf8.RuneCountInString(in.CarrierName) <= 50, "carrier_name", "err.too_long", 50)
	v.Check(utf8.RuneCountInString(in.Note) <= 200, "note", "err.too_long", 200)
	switch in.Mode {
	case Parcel:
		if !slices.Contains(ParcelCarriers, in.Carrier) {
			v.Add("carrier", "ship.err.carrier")
			return
		}
		if in.Carrier == CarrierOther && in.CarrierName == "" {
			v.Add("carrier_name", "err.required")
		}
		switch {
		case in.Waybill == "":
			v.Add("waybill", "err.required")
		case !ValidWaybill(in.Carrier, in.Waybill):
			v.Add("waybill", "ship.err.waybill."+in.Carrier)
		}
		in.Plate, in.DriverPhone = "", ""
	case Truck:
		if !slices.Contains(TruckKinds, in.Carrier) {
			v.Add("carrier", "ship.err.truck_kind")
		}
		if in.Waybill != "" && !otherWaybill.MatchString(in.Waybill) {
			v.Add("waybill", "ship.err.waybill.other")
		}
		in.Plate = NormalizePlate(in.Plate)
		switch {
		case in.Plate == "":
			v.Add("plate", "err.required")
		case !ValidPlate(in.Plate):
			v.Add("plate", "ship.err.plate")
		}
		phone, ok := cn.NormalizeMobile(in.DriverPhone)
		switch {
		case strings.TrimSpace(in.DriverPhone) == "":
			v.Add("driver_phone", "err.required")
		case !ok:
			v.Add("driver_phone", "ship.err.phone")
		}
		in.DriverPhone = phone
	default:
		v.Add("mode", "ship.err.mode")
	}
}
