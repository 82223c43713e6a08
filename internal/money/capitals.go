package money

// Amounts in Chinese capitals (中文大写金额) for contracts, quotes and payment
// documents, following the People's Bank of China's 《正确填写票据和结算凭证的
// 基本规定》 (annex 1 of 《支付结算办法》, 银发〔1997〕393号) and the Ministry of
// Finance's 《会计基础工作规范》 art. 52. The rules, and the choices Capitals
// makes where the rules allow two forms:
//
//  1. Digits are written 零壹贰叁肆伍陆柒捌玖 and units 拾佰仟万亿 元角分 (never
//     the everyday 一二三…十百千, which are easy to alter).
//  2. An amount that ends at 元 is followed by 整 ("壹元整"). The PBOC rule makes
//     整 optional after 角, the accounting rule requires it; Capitals writes it
//     ("壹拾贰元叁角整", "伍角整") so that nothing can be appended. An amount with
//     分 never ends in 整 ("壹拾元零伍分").
//  3. A zero between non-zero digits is written 零 ("壹仟肆佰零玖元");
//     consecutive zeros are written as a single 零 ("陆仟零柒元"), including
//     across 万 and 亿 ("壹万零壹元整", "壹亿零壹万元整").
//  4. When the 元 digit (or the 万 digit) is 0 but the 角 digit (or 仟 digit)
//     is not, the rule allows one 零 or none. Capitals writes none, which is
//     also how the amount is read aloud: ¥1,680.32 → "壹仟陆佰捌拾元叁角贰分",
//     ¥107,000.53 → "壹拾万柒仟元伍角叁分".
//  5. When the 角 digit is 0 but the 分 digit is not, 零 is written after 元
//     ("壹万陆仟肆佰零玖元零贰分", "叁佰贰拾伍元零肆分").
//  6. 拾 at the start of an amount is written 壹拾 ("壹拾元整", "壹拾万零壹元整"),
//     as everywhere else, so that no digit can be written in front of it
//     (the same reason dates are written 壹拾贰日).
//  7. Amounts under one yuan have no 元 part: "伍角整", "叁角伍分", "伍分". Zero is
//     "零元整".
//  8. Units above 亿 compose: 10^12 yuan is "壹万亿". The printed form adds the
//     "人民币" prefix; Capitals returns the amount only.
//
// Negative amounts (refunds, red-letter invoices) are prefixed with 负; the PBOC
// rules do not cover them.

import "strings"

var capitalDigits = [10]string{"零", "壹", "贰", "叁", "肆", "伍", "陆", "柒", "捌", "玖"}

// Capitals returns the amount in Chinese capitals as contracts and payment
// documents must show it next to the figures (大写), e.g. 123456789 fen →
// "壹佰贰拾叁万肆仟伍佰陆拾柒元捌角玖分". The rules followed are documented at the
// top of capitals.go.
func Capitals(f Fen) string {
	u, neg := abs(int64(f))
	var b strings.Builder
	if neg {
		b.WriteString("负")
	}
	yuan, jiao, fen := u/FenPerYuan, u/10%10, u%10
	switch {
	case u == 0:
		b.WriteString("零元整")
		return b.String()
	case yuan > 0:
		writeInt(&b, yuan)
		b.WriteString("元")
		if jiao == 0 && fen == 0 {
			b.WriteString("整")
			return b.String()
		}
		if jiao == 0 {
			b.WriteString("零")
		}
	}
	if jiao > 0 {
		b.WriteString(capitalDigits[jiao])
		b.WriteString("角")
	}
	if fen > 0 {
		b.WriteString(capitalDigits[fen])
		b.WriteString("分")
	} else {
		b.WriteString("整")
	}
	return b.String()
}

// writeInt writes n > 0 in capitals, grouping by 亿 and 万.
func writeInt(b *strings.Builder, n uint64) {
	switch {
	case n >= 1_0000_0000:
		hi, lo := n/1_0000_0000, n%1_0000_0000
		writeInt(b, hi)
		b.WriteString("亿")
		if lo > 0 {
			if lo < 1000_0000 { // the 仟万 digit is 0
				b.WriteString("零")
			}
			writeInt(b, lo)
		}
	case n >= 1_0000:
		hi, lo := n/1_0000, n%1_0000
		writeSection(b, hi)
		b.WriteString("万")
		if lo > 0 {
			if lo < 1000 { // the 仟 digit is 0
				b.WriteString("零")
			}
			writeSection(b, lo)
		}
	default:
		writeSection(b, n)
	}
}

// writeSection writes 0 < n < 10000 in capitals, one 零 for each run of zeros
// between non-zero digits and none at the end.
func writeSection(b *strings.Builder, n uint64) {
	units := [4]string{"仟", "佰", "拾", ""}
	div := uint64(1000)
	started, zero := false, false
	for i := 0; i < 4; i, div = i+1, div/10 {
		d := n / div % 10
		if d == 0 {
			zero = started
			continue
		}
		if zero {
			b.WriteString("零")
			zero = false
		}
		b.WriteString(capitalDigits[d])
		b.WriteString(units[i])
		started = true
	}
}
