class_name TestCase
extends Node
## Assertions for the in-project test runner (tests/run.gd); failures are collected, not thrown.

var failures: Array[String] = []
var skipped: String = ""


func assert_eq(actual: Variant, expected: Variant, msg: String = "") -> void:
	if typeof(actual) != typeof(expected) or actual != expected:
		failures.append("%s: expected <%s>, got <%s>" % [msg, str(expected), str(actual)])


func assert_true(cond: bool, msg: String = "") -> void:
	if not cond:
		failures.append("expected true: " + msg)


func assert_false(cond: bool, msg: String = "") -> void:
	if cond:
		failures.append("expected false: " + msg)


func assert_ok(result: ApiResult, msg: String = "") -> void:
	if result == null or not result.is_ok():
		failures.append("%s: %s" % [msg, "null" if result == null else result.describe()])


func skip(reason: String) -> void:
	skipped = reason


## The console's API client (the autoload).
func api() -> ApiClientService:
	return get_node("/root/ApiClient") as ApiClientService


func integration_configured() -> bool:
	return not OS.get_environment("PROMETHEUS_API_URL").is_empty()
