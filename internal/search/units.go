package search

// unitInfo places a unit in its dimension with the factor to that dimension's base.
type unitInfo struct {
	dim    string
	factor float64
}

// units lists the units catalogue templates and buyers use (normalized spelling).
var units = map[string]unitInfo{
	"mm": {"length", 1}, "cm": {"length", 10}, "m": {"length", 1000}, "μm": {"length", 0.001}, "um": {"length", 0.001},
	"in": {"length", 25.4}, "inch": {"length", 25.4}, "毫米": {"length", 1}, "厘米": {"length", 10}, "米": {"length", 1000},
	"w": {"power", 1}, "kw": {"power", 1000}, "瓦": {"power", 1}, "千瓦": {"power", 1000},
	"v": {"voltage", 1}, "kv": {"voltage", 1000}, "伏": {"voltage", 1},
	"a": {"current", 1}, "ma": {"current", 0.001}, "安": {"current", 1},
	"bar": {"pressure", 100000}, "mpa": {"pressure", 1e6}, "kpa": {"pressure", 1000}, "pa": {"pressure", 1},
	"n": {"force", 1}, "kn": {"force", 1000},
	"g": {"mass", 1}, "kg": {"mass", 1000}, "t": {"mass", 1e6}, "克": {"mass", 1}, "千克": {"mass", 1000}, "公斤": {"mass", 1000},
	"°c":    {"temperature", 1},
	"l/min": {"flow", 1}, "m3/h": {"flow", 1000.0 / 60},
	"n·m": {"torque", 1}, "nm": {"torque", 1},
	"rpm": {"speed", 1}, "r/min": {"speed", 1},
}

// unitOf returns a unit's dimension and factor; ok is false for units it does not know.
func unitOf(u string) (unitInfo, bool) {
	ui, ok := units[Normalize(u)]
	return ui, ok
}

// convert turns v in unit from into unit to; ok is false across dimensions.
func convert(v float64, from, to string) (float64, bool) {
	a, ok1 := unitOf(from)
	b, ok2 := unitOf(to)
	if !ok1 || !ok2 || a.dim != b.dim {
		return 0, false
	}
	return v * a.factor / b.factor, true
}
