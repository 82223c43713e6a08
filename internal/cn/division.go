package cn

import (
	_ "embed"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
)

//go:generate go run ./gendivisions -out divisions.txt

// DivisionEdition names the edition of the embedded division data.
const DivisionEdition = "GB/T 2260 via NBS 2023 statistical division codes (china-division 2.7.0, as of 2023-06-30)"

//go:embed divisions.txt
var divisionsTxt string

// Division levels.
const (
	LevelProvince = 1 // 省级
	LevelCity     = 2 // 地级
	LevelCounty   = 3 // 县级
)

// Division is one administrative division of GB/T 2260, with its six-digit code
// (province 110000, city 110100, county 110101). Mainland China only: Taiwan, Hong Kong
// and Macao carry province codes in GB/T 2260 but no subdivisions there.
type Division struct {
	Code  string
	Name  string
	Level int
}

type divisionIndex struct {
	byCode   map[string]Division // the most specific division with the code
	byLevel  [4]map[string]Division
	children map[string][]Division // by parent code; "" holds the provinces
}

var (
	divOnce sync.Once
	divIdx  *divisionIndex
)

// pad6 turns a 2- or 4-digit prefix into its six-digit code.
func pad6(c string) string { return c + strings.Repeat("0", 6-len(c)) }

func divisions() *divisionIndex {
	divOnce.Do(func() {
		idx := &divisionIndex{byCode: map[string]Division{}, children: map[string][]Division{}}
		for i := range idx.byLevel {
			idx.byLevel[i] = map[string]Division{}
		}
		names := map[string]string{} // by short code
		for _, line := range strings.Split(divisionsTxt, "\n") {
			if line == "" || line[0] == '#' {
				continue
			}
			code, name, ok := strings.Cut(line, " ")
			if !ok || (len(code) != 2 && len(code) != 4 && len(code) != 6) {
				panic(fmt.Sprintf("cn: bad division line %q", line))
			}
			names[code] = name
			d := Division{Code: pad6(code), Name: name, Level: len(code) / 2}
			parent := ""
			switch d.Level {
			case LevelCity:
				parent = pad6(code[:2])
				// A municipality's 市辖区 shows as the municipality itself.
				if name == "市辖区" {
					d.Name = names[code[:2]]
				}
			case LevelCounty:
				parent = pad6(code[:4])
			}
			idx.byCode[d.Code] = d // a county sorts after its city: the county wins
			idx.byLevel[d.Level][d.Code] = d
			idx.children[parent] = append(idx.children[parent], d)
		}
		for _, list := range idx.children {
			sort.Slice(list, func(i, j int) bool { return list[i].Code < list[j].Code })
		}
		divIdx = idx
	})
	return divIdx
}

// LookupDivision returns the division with a six-digit code: the county for the three
// cities without counties, whose county-level entry shares the city's code.
func LookupDivision(code string) (Division, bool) {
	d, ok := divisions().byCode[code]
	return d, ok
}

// LookupDivisionAt returns the division with a six-digit code at one level.
func LookupDivisionAt(code string, level int) (Division, bool) {
	if level < LevelProvince || level > LevelCounty {
		return Division{}, false
	}
	d, ok := divisions().byLevel[level][code]
	return d, ok
}

// Provinces lists the provincial-level divisions in code order.
func Provinces() []Division { return divisions().children[""] }

// DivisionChildren lists a division's direct subdivisions in code order (none for a
// county or an unknown code). A city without counties (东莞 441900, 中山 442000,
// 儋州 460400) has one county-level entry carrying its own name and code.
func DivisionChildren(code string) []Division {
	if code == "" {
		return nil
	}
	return divisions().children[code]
}

// DivisionPath returns the province, city and county of a county code (shorter for a
// province or city code), or nil for an unknown code.
func DivisionPath(code string) []Division {
	d, ok := LookupDivision(code)
	if !ok {
		return nil
	}
	var out []Division
	if d.Level >= LevelProvince {
		p, _ := LookupDivisionAt(code[:2]+"0000", LevelProvince)
		out = append(out, p)
	}
	if d.Level >= LevelCity {
		c, _ := LookupDivisionAt(code[:4]+"00", LevelCity)
		out = append(out, c)
	}
	if d.Level == LevelCounty {
		out = append(out, d)
	}
	return out
}

// DivisionFullName joins a division's path into the name written on a parcel, without
// repeats and without the statistical placeholders: 440300 → 广东省深圳市,
// 110101 → 北京市东城区, 441900 → 广东省东莞市, 419001 → 河南省济源市. It is "" for an
// unknown code.
func DivisionFullName(code string) string {
	var b strings.Builder
	last := ""
	for _, d := range DivisionPath(code) {
		if d.Name == last || strings.HasSuffix(d.Name, "直辖县级行政区划") || d.Name == "县" {
			continue
		}
		b.WriteString(d.Name)
		last = d.Name
	}
	return b.String()
}

// ValidCounty checks that code is a known county-level division (the level an address
// is filed under). The error wraps ErrEmpty, ErrLength, ErrCharset or ErrUnknownDivision.
func ValidCounty(code string) error {
	if code == "" {
		return ErrEmpty
	}
	if len(code) != 6 {
		return fmt.Errorf("%w: division code has %d characters, want 6", ErrLength, len(code))
	}
	for i, r := range code {
		if r < '0' || r > '9' {
			return &CharError{Pos: i + 1, Char: r, What: "division codes are digits"}
		}
	}
	if _, ok := LookupDivisionAt(code, LevelCounty); !ok {
		return fmt.Errorf("%w: %s is not a county-level division", ErrUnknownDivision, code)
	}
	return nil
}

// ErrUnknownDivision reports a division code that is not in the embedded data at the
// level asked for.
var ErrUnknownDivision = errors.New("cn: unknown division")
