extends TestCase
## The terminal's command parser, PostgREST query strings and API results.


func test_backtest_run_is_parsed() -> void:
	var c := CommandParser.parse("backtest run us_core_long_eq 2023-01-01 2024-01-01 us_eq")
	assert_eq(c.kind, CommandParser.Kind.BACKTEST_RUN, "kind")
	assert_eq(c.strategy_id, "US_CORE_LONG_EQ", "strategy upper-cased")
	assert_eq(c.start_date, "2023-01-01", "start")
	assert_eq(c.end_date, "2024-01-01", "end")
	assert_eq(c.market_id, "US_EQ", "market")


func test_bad_commands_get_a_usage_line() -> void:
	for line: String in [
		"backtest run US_CORE_LONG_EQ 2023-01-01",
		"backtest go US_CORE_LONG_EQ 2023-01-01 2024-01-01 US_EQ",
		"backtest run US_CORE_LONG_EQ 2023/01/01 2024-01-01 US_EQ",
		"job",
		"job abc",
		"cancel -3",
		"jobs now",
		"strategies all",
	]:
		var c := CommandParser.parse(line)
		assert_eq(c.kind, CommandParser.Kind.INVALID, line)
		assert_true(c.error.contains("usage") or c.error.contains("YYYY-MM-DD"), "usage for: " + line)
	assert_true(CommandParser.parse("frobnicate").error.contains("unknown command"), "unknown command")
	assert_true(CommandParser.parse("backtest run X 2024-01-01 2023-01-01 US_EQ").error.contains("before"), "reversed")


func test_job_commands() -> void:
	var j := CommandParser.parse("job 42")
	assert_eq(j.kind, CommandParser.Kind.JOB, "job")
	assert_eq(j.job_id, 42, "job id")
	assert_eq(CommandParser.parse("cancel 7").kind, CommandParser.Kind.CANCEL, "cancel")
	assert_eq(CommandParser.parse("  jobs ").kind, CommandParser.Kind.JOBS, "jobs")
	assert_eq(CommandParser.parse("help").kind, CommandParser.Kind.HELP, "help")
	assert_eq(CommandParser.parse(" strategies").kind, CommandParser.Kind.STRATEGIES, "strategies")
	assert_true(CommandParser.help_text().contains("strategies"), "help lists strategies")
	assert_true(CommandParser.help_text().contains("backtest run"), "help lists backtest run")


func test_dates() -> void:
	assert_true(CommandParser.is_date("2020-02-29"), "leap day")
	assert_false(CommandParser.is_date("2020-13-01"), "month 13")
	assert_false(CommandParser.is_date("20-01-01"), "short year")


func test_query_strings_are_encoded() -> void:
	assert_eq(ApiClientService.query([["select", "a,b"], ["id", "eq.5"]]), "?select=a%2Cb&id=eq.5", "pairs in order")
	assert_eq(ApiClientService.query([]), "", "no pairs")
	assert_eq(ApiClientService.query([["name", "eq.A&B C"]]), "?name=eq.A%26B%20C", "reserved characters")
	assert_eq(ApiClientService.in_list(["a", "b c"]), 'in.("a","b c")', "in list")


func test_results_from_postgrest_responses() -> void:
	var ok := ApiResult.from_response(200, '[{"a": 1}]'.to_utf8_buffer(), "0-0/17")
	assert_true(ok.is_ok(), "200 is ok")
	assert_eq(ok.first()["a"], 1.0, "JSON numbers are floats")
	assert_eq(ok.total_count, 17, "Content-Range total")
	var err := ApiResult.from_response(
		404, '{"code":"PT404","message":"no job 9","details":null,"hint":"x"}'.to_utf8_buffer()
	)
	assert_false(err.is_ok(), "404 is an error")
	assert_eq(err.code, "PT404", "code")
	assert_eq(err.message, "no job 9", "message")
	assert_eq(err.details, "", "null details")
	assert_true(err.describe().contains("404 PT404: no job 9"), "describe")
	var bad := ApiResult.from_response(200, "<html>".to_utf8_buffer())
	assert_eq(bad.kind, ApiResult.Kind.BAD_RESPONSE, "not JSON")
	assert_eq(ApiResult.parse_total("0-9/*"), -1, "unknown total")
