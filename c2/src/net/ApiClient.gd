class_name ApiClientService
extends Node
## The one place for HTTP (autoload "ApiClient"; panels reach it as BasePanel.api): base URL and JWT from settings, the
## command line or the environment; typed async methods for every read model and RPC
## of the PostgREST-grammar API; errors as ApiResult; timeouts; never crashes when the
## server is down.

signal request_finished(path: String, result: ApiResult)
signal connection_changed(reachable: bool)

const SETTING_URL := "prometheus/api/base_url"
const SETTING_TOKEN := "prometheus/api/token"
const SETTING_TIMEOUT := "prometheus/api/timeout_seconds"
const DEFAULT_URL := "http://127.0.0.1:3000"
## The seed's example portfolio: the seed's backtest books into it (get_status_portfolio("MAIN")).
const DEFAULT_PORTFOLIO := "MAIN"
## The strategy the Meta panel diagnoses first.
const DEFAULT_STRATEGY := "US_CORE_LONG_EQ"

var base_url: String = DEFAULT_URL
var token: String = ""
var timeout_seconds: float = 15.0
var reachable: bool = true


func _ready() -> void:
	configure_from_environment()


## Settings, then environment (PROMETHEUS_API_URL, PROMETHEUS_API_TOKEN), then user
## arguments after "--" (--api=URL, --token=JWT) win.
func configure_from_environment() -> void:
	base_url = str(ProjectSettings.get_setting(SETTING_URL, DEFAULT_URL))
	token = str(ProjectSettings.get_setting(SETTING_TOKEN, ""))
	timeout_seconds = float(ProjectSettings.get_setting(SETTING_TIMEOUT, 15.0))
	var env_url := OS.get_environment("PROMETHEUS_API_URL")
	if not env_url.is_empty():
		base_url = env_url
	var env_token := OS.get_environment("PROMETHEUS_API_TOKEN")
	if not env_token.is_empty():
		token = env_token
	for arg in OS.get_cmdline_user_args():
		if arg.begins_with("--api="):
			base_url = arg.substr(6)
		elif arg.begins_with("--token="):
			token = arg.substr(8)
	base_url = base_url.rstrip("/")


## PostgREST query string from ordered pairs: [["select", "a,b"], ["id", "eq.5"]].
static func query(pairs: Array) -> String:
	var parts: PackedStringArray = []
	for pair: Array in pairs:
		parts.append("%s=%s" % [str(pair[0]).uri_encode(), str(pair[1]).uri_encode()])
	return "" if parts.is_empty() else "?" + "&".join(parts)


## PostgREST's in.() list.
static func in_list(values: Array) -> String:
	var quoted: PackedStringArray = []
	for v: Variant in values:
		quoted.append('"%s"' % str(v))
	return "in.(%s)" % ",".join(quoted)


func get_rows(resource: String, pairs: Array = [], count: bool = false) -> ApiResult:
	var headers: PackedStringArray = []
	if count:
		headers.append("Prefer: count=exact")
	return await _send(HTTPClient.METHOD_GET, "/" + resource + query(pairs), "", headers)


func call_rpc(function_name: String, args: Dictionary = {}) -> ApiResult:
	return await _send(HTTPClient.METHOD_POST, "/rpc/" + function_name, JSON.stringify(args))


# ---------------------------------------------------------------- read models
func get_status_overview(portfolio_id: String = "") -> ApiResult:
	var pairs: Array = [["order", "as_of_date.desc"]]
	if not portfolio_id.is_empty():
		pairs.append(["portfolio_id", "eq." + portfolio_id])
	return await get_rows("status_overview", pairs)


func get_status_portfolio(portfolio_id: String) -> ApiResult:
	return await get_rows("status_portfolio", [["portfolio_id", "eq." + portfolio_id], ["order", "weight.desc"]])


func get_status_portfolio_risk(portfolio_id: String) -> ApiResult:
	return await get_rows("status_portfolio_risk", [["portfolio_id", "eq." + portfolio_id]])


func get_job(job_id: int) -> ApiResult:
	return await get_rows("jobs", [["job_id", "eq.%d" % job_id]])


func get_jobs(limit: int = 20) -> ApiResult:
	return await get_rows("jobs", [["order", "job_id.desc"], ["limit", str(limit)]])


## api.backtest_runs, newest first, with the total in total_count: run_id, strategy_id, portfolio_id, start_date,
## end_date, status, cagr, sharpe_ratio, sortino_ratio, calmar_ratio, max_drawdown, trade_count, ...
func get_runs(limit: int = 50) -> ApiResult:
	return await get_rows("backtest_runs", [["order", "created_at.desc"], ["limit", str(limit)]], true)


## api.equity_curve of one run in date order: as_of_date, equity, drawdown, daily_return, cash, exposures.
func get_equity_curve(run_id: String) -> ApiResult:
	return await get_rows("equity_curve", [["run_id", "eq." + run_id], ["order", "as_of_date.asc"]])


## api.run_comparison: the metrics of backtest_runs plus dates and equity_normalized (arrays) per run.
func get_run_comparison(run_ids: Array) -> ApiResult:
	return await get_rows("run_comparison", [["run_id", in_list(run_ids)]])


func get_regimes(since: String = "") -> ApiResult:
	var pairs: Array = [["order", "as_of_date.asc"]]
	if not since.is_empty():
		pairs.append(["as_of_date", "gte." + since])
	return await get_rows("regime_history", pairs)


func get_stability(since: String = "") -> ApiResult:
	var pairs: Array = [["order", "as_of_date.asc"]]
	if not since.is_empty():
		pairs.append(["as_of_date", "gte." + since])
	return await get_rows("stability_history", pairs)


## The most fragile entities of the latest scored date.
func get_fragile_entities(limit: int = 25) -> ApiResult:
	var latest := await get_rows("fragile_entities_latest_date")
	if not latest.is_ok():
		return latest
	if latest.rows().is_empty() or latest.first().get("as_of_date") == null:
		return ApiResult.success(200, [])
	return await get_rows(
		"fragile_entities",
		[
			["as_of_date", "eq." + str(latest.first()["as_of_date"])],
			["order", "fragility_rank.asc"],
			["limit", str(limit)]
		]
	)


func get_instrument_scores(order: String = "score_rank.asc", limit: int = 200) -> ApiResult:
	return await get_rows("instrument_scores_latest", [["order", order], ["limit", str(limit)]])


## api.strategies: every registered strategy (strategy_id, kind, code, description, active_version, config_json,
## config_schema), by id.
func get_strategies() -> ApiResult:
	return await get_rows(
		"strategies",
		[["select", "strategy_id,kind,code,description,active_version,config_json"], ["order", "strategy_id.asc"]]
	)


func get_proposals(strategy_id: String) -> ApiResult:
	return await get_rows(
		"meta_config_proposals", [["strategy_id", "eq." + strategy_id], ["order", "proposal_id.desc"], ["limit", "50"]]
	)


# ---------------------------------------------------------------- control and meta (RPC)
func run_backtest(
	strategy_id: String,
	start_date: String,
	end_date: String,
	market_id: String = "US_EQ",
	config_overrides: Dictionary = {}
) -> ApiResult:
	return await call_rpc(
		"run_backtest",
		{
			"strategy_id": strategy_id,
			"start_date": start_date,
			"end_date": end_date,
			"market_ids": [market_id],
			"config_overrides": config_overrides,
		}
	)


func cancel_job(job_id: int) -> ApiResult:
	return await call_rpc("cancel_job", {"job_id": job_id})


## api.diagnostics: {runs, message, overall, by_regime: [{regime, days, runs, annual_return, sharpe_ratio, ...}],
## by_config: [{config, runs, sharpe_ratio, annual_return, max_drawdown, ...}]}.
func get_diagnostics(strategy_id: String) -> ApiResult:
	return await call_rpc("diagnostics", {"strategy_id": strategy_id})


func generate_proposals(strategy_id: String) -> ApiResult:
	return await call_rpc("generate_proposals", {"strategy_id": strategy_id})


func apply_proposal(proposal_id: int) -> ApiResult:
	return await call_rpc("apply_proposal", {"proposal_id": proposal_id})


func reject_proposal(proposal_id: int, reason: String = "") -> ApiResult:
	return await call_rpc("reject_proposal", {"proposal_id": proposal_id, "reason": reason})


# ---------------------------------------------------------------- transport
func _send(method: HTTPClient.Method, path: String, body: String = "", extra: PackedStringArray = []) -> ApiResult:
	var http := HTTPRequest.new()
	http.timeout = timeout_seconds
	http.use_threads = false
	add_child(http)
	var headers: PackedStringArray = ["Accept: application/json"]
	headers.append_array(extra)
	if not body.is_empty():
		headers.append("Content-Type: application/json")
	if not token.is_empty():
		headers.append("Authorization: Bearer " + token)
	var result: ApiResult
	var err := http.request(base_url + path, headers, method, body)
	if err != OK:
		result = ApiResult.failure(
			ApiResult.Kind.NETWORK_ERROR, 0, "REQUEST", "could not send (%s)" % error_string(err)
		)
	else:
		var reply: Array = await http.request_completed
		result = _to_result(reply)
	http.queue_free()
	_set_reachable(not result.is_unreachable())
	request_finished.emit(path, result)
	return result


func _to_result(reply: Array) -> ApiResult:
	var outcome: int = reply[0]
	var status: int = reply[1]
	var headers: PackedStringArray = reply[2]
	var body: PackedByteArray = reply[3]
	if outcome == HTTPRequest.RESULT_TIMEOUT:
		return ApiResult.failure(ApiResult.Kind.TIMEOUT, 0, "TIMEOUT", "no answer in %.0f s" % timeout_seconds)
	if outcome != HTTPRequest.RESULT_SUCCESS:
		return ApiResult.failure(
			ApiResult.Kind.NETWORK_ERROR, 0, "NETWORK", "%s (%s)" % [base_url, _outcome_text(outcome)]
		)
	var content_range := ""
	for h in headers:
		if h.to_lower().begins_with("content-range:"):
			content_range = h.substr(14).strip_edges()
	return ApiResult.from_response(status, body, content_range)


func _set_reachable(now: bool) -> void:
	if now != reachable:
		reachable = now
		connection_changed.emit(now)


static func _outcome_text(outcome: int) -> String:
	match outcome:
		HTTPRequest.RESULT_CANT_CONNECT:
			return "connection refused"
		HTTPRequest.RESULT_CANT_RESOLVE:
			return "host not found"
		HTTPRequest.RESULT_CONNECTION_ERROR:
			return "connection error"
		HTTPRequest.RESULT_NO_RESPONSE:
			return "no response"
	return "request failed (%d)" % outcome
