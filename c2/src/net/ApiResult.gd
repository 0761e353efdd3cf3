class_name ApiResult
extends RefCounted
## The outcome of one API call: the decoded JSON on success, or PostgREST's
## {code, message, details, hint} error (or a network failure) for the panels to show.

enum Kind { OK, HTTP_ERROR, NETWORK_ERROR, TIMEOUT, BAD_RESPONSE }

var kind: Kind = Kind.OK
var status: int = 0
var data: Variant = null
var code: String = ""
var message: String = ""
var details: String = ""
var hint: String = ""
var total_count: int = -1


static func success(http_status: int, payload: Variant, count: int = -1) -> ApiResult:
	var r := ApiResult.new()
	r.kind = Kind.OK
	r.status = http_status
	r.data = payload
	r.total_count = count
	return r


static func failure(
	what: Kind, http_status: int, error_code: String, text: String, more: String = "", tip: String = ""
) -> ApiResult:
	var r := ApiResult.new()
	r.kind = what
	r.status = http_status
	r.code = error_code
	r.message = text
	r.details = more
	r.hint = tip
	return r


## Builds the result of an HTTP exchange: PostgREST bodies are JSON, errors carry code/message/details/hint.
static func from_response(http_status: int, body: PackedByteArray, content_range: String = "") -> ApiResult:
	var text := body.get_string_from_utf8()
	var parsed: Variant = null
	if not text.is_empty():
		var json := JSON.new()
		if json.parse(text) != OK:
			return failure(Kind.BAD_RESPONSE, http_status, "BAD_JSON", "the server sent something that is not JSON")
		parsed = json.data
	if http_status >= 200 and http_status < 300:
		return success(http_status, parsed, parse_total(content_range))
	if parsed is Dictionary:
		var err: Dictionary = parsed
		return failure(
			Kind.HTTP_ERROR,
			http_status,
			_text(err.get("code")),
			_text(err.get("message")),
			_text(err.get("details")),
			_text(err.get("hint"))
		)
	return failure(Kind.HTTP_ERROR, http_status, str(http_status), "HTTP %d" % http_status)


## "0-24/3573" -> 3573; "*" or missing -> -1.
static func parse_total(content_range: String) -> int:
	var slash := content_range.rfind("/")
	if slash < 0:
		return -1
	var tail := content_range.substr(slash + 1)
	return int(tail) if tail.is_valid_int() else -1


static func _text(v: Variant) -> String:
	return "" if v == null else str(v)


func is_ok() -> bool:
	return kind == Kind.OK


func rows() -> Array:
	return data if data is Array else []


func first() -> Dictionary:
	var r := rows()
	return r[0] if not r.is_empty() and r[0] is Dictionary else {}


func is_unreachable() -> bool:
	return kind == Kind.NETWORK_ERROR or kind == Kind.TIMEOUT


## One line for a status bar.
func describe() -> String:
	match kind:
		Kind.OK:
			return "OK (%d)" % status
		Kind.NETWORK_ERROR:
			return "API unreachable: %s" % message
		Kind.TIMEOUT:
			return "API timed out: %s" % message
		Kind.BAD_RESPONSE:
			return "bad response (%d): %s" % [status, message]
	var line := "%d %s: %s" % [status, code, message]
	if not details.is_empty():
		line += " (%s)" % details
	if not hint.is_empty():
		line += " hint: %s" % hint
	return line
