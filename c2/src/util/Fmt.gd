class_name Fmt
extends RefCounted
## Numbers for people: thousands separators, percents, signs and gain/loss colours.

const GAIN := Color(0.30, 0.80, 0.45)
const LOSS := Color(0.93, 0.36, 0.36)
const NEUTRAL := Color(0.85, 0.85, 0.85)
const MISSING := "—"


## 1234567.891 -> "1,234,567.89"; null -> "—".
static func number(value: Variant, decimals: int = 2) -> String:
	if value == null or not (value is float or value is int):
		return MISSING
	var x := float(value)
	if is_nan(x) or is_inf(x):
		return MISSING
	var negative := x < 0.0
	var fixed := String.num(absf(x), decimals)
	if decimals > 0 and not fixed.contains("."):
		fixed += "." + "0".repeat(decimals)
	elif decimals > 0:
		var have := fixed.length() - fixed.find(".") - 1
		if have < decimals:
			fixed += "0".repeat(decimals - have)
	var int_part := fixed.get_slice(".", 0)
	var frac_part := fixed.get_slice(".", 1) if decimals > 0 else ""
	var grouped := ""
	var n := int_part.length()
	for i in n:
		if i > 0 and (n - i) % 3 == 0:
			grouped += ","
		grouped += int_part[i]
	var out := grouped if frac_part.is_empty() else grouped + "." + frac_part
	if negative and out.replace("0", "").replace(",", "").replace(".", "") != "":
		out = "-" + out
	return out


## Money with a sign when asked: 1500 -> "+1,500"; -2.5 -> "-2.50" (decimals 2).
static func money(value: Variant, decimals: int = 0, signed: bool = false) -> String:
	var text := number(value, decimals)
	if signed and text != MISSING and not text.begins_with("-") and float(value) != 0.0:
		text = "+" + text
	return text


## A fraction as a percent: 0.01234 -> "1.23%"; signed -> "+1.23%".
static func percent(fraction: Variant, decimals: int = 2, signed: bool = false) -> String:
	if fraction == null or not (fraction is float or fraction is int):
		return MISSING
	var text := number(float(fraction) * 100.0, decimals)
	if text == MISSING:
		return text
	if signed and not text.begins_with("-") and float(fraction) != 0.0:
		text = "+" + text
	return text + "%"


## Gains green, losses red, zero or missing neutral.
static func colour(value: Variant) -> Color:
	if value == null or not (value is float or value is int):
		return NEUTRAL
	if float(value) > 0.0:
		return GAIN
	if float(value) < 0.0:
		return LOSS
	return NEUTRAL


## A value as text; null -> "—" (never "<null>").
static func text(value: Variant) -> String:
	return MISSING if value == null else str(value)


## "2023-12-29T00:00:00+00:00" or "2023-12-29" -> "2023-12-29".
static func day(value: Variant) -> String:
	if value == null:
		return MISSING
	return str(value).substr(0, 10)


## Compact axis labels: 1250000 -> "1.25M", 3400 -> "3.4k".
static func compact(value: float) -> String:
	var a := absf(value)
	if a >= 1.0e9:
		return "%.2fB" % (value / 1.0e9)
	if a >= 1.0e6:
		return "%.2fM" % (value / 1.0e6)
	if a >= 1.0e4:
		return "%.1fk" % (value / 1.0e3)
	if a >= 100.0:
		return "%.0f" % value
	if a >= 1.0:
		return "%.2f" % value
	return "%.3f" % value
