extends TestCase
## The console live (run with TEST_DIR=res://tests/live by tests/c2/test_console_live.py, with the push service and a
## worker): a job driven from the terminal is followed by its events alone (polling is set to an hour, so a poll
## would never come back in time), the jobs table and the equity chart of the running backtest move with them; and
## when the service goes away mid-watch, the watch falls back to polling and still sees the job's end.

const TERMINAL := preload("res://src/panels/TerminalPanel.tscn")


func _events() -> EventsClientService:
	return get_node("/root/EventsClient") as EventsClientService


func test_terminal_follows_a_job_without_a_poll() -> void:
	var events := _events()
	var waited := 0.0
	while not events.live and waited < 15.0:
		await get_tree().create_timer(0.1).timeout
		waited += 0.1
	assert_true(events.live, "the console is live (connected to %s)" % events.url)
	if not events.live:
		return
	var backtests := (load("res://src/panels/BacktestsPanel.tscn") as PackedScene).instantiate() as BasePanel
	add_child(backtests)
	var panel := TERMINAL.instantiate() as BasePanel
	add_child(panel)
	panel.set("poll_seconds", 3600.0)
	var requests: Array[String] = []
	api().request_finished.connect(func(path: String, _r: ApiResult) -> void: requests.append(path))
	var before := events.events_received
	await panel.call("execute", "backtest run US_CORE_LONG_EQ 2022-01-01 2022-12-31 US_EQ")
	var out: String = panel.call("text")
	assert_true(out.contains("(live)"), "the job is followed live: " + out)
	assert_true(out.contains("RUNNING"), "its progress was seen: " + out)
	assert_true(out.contains("SUCCEEDED"), "to its end: " + out)
	assert_true(int(panel.get("live_lines")) >= 4, "at least four changes came as events: " + out)
	assert_true(events.events_received - before >= 8, "events arrived: %d" % (events.events_received - before))
	var jobs_requests := requests.filter(func(p: String) -> bool: return p.begins_with("/jobs"))
	assert_true(jobs_requests.size() <= 3, "no polling of the job: %s" % str(jobs_requests))
	var dates: PackedStringArray = backtests.get("live_dates")
	assert_true(dates.size() >= 240, "the running backtest's equity grew chunk by chunk: %d points" % dates.size())
	assert_eq(dates[0], "2022-01-03", "from its first session")
	panel.queue_free()
	backtests.queue_free()


func test_a_watch_falls_back_to_polling_when_the_service_goes_away() -> void:
	var events := _events()
	var waited := 0.0
	while not events.live and waited < 15.0:
		await get_tree().create_timer(0.1).timeout
		waited += 0.1
	assert_true(events.live, "the console is live (connected to %s)" % events.url)
	if not events.live:
		return
	var panel := TERMINAL.instantiate() as BasePanel
	add_child(panel)
	panel.set("poll_seconds", 0.2)
	var submitted := await api().run_backtest("US_CORE_LONG_EQ", "2015-01-01", "2019-12-31", "US_EQ")
	assert_ok(submitted, "run_backtest")
	var job_id := int(submitted.data)
	var ended := {}
	panel.connect("job_finished", func(id: int, status: String) -> void: ended[id] = status)
	panel.call("watch", job_id)  # not awaited: it follows the job while the test pulls the service away
	waited = 0.0
	while not str(panel.call("text")).contains("(live)") and waited < 30.0:
		await get_tree().create_timer(0.05).timeout
		waited += 0.05
	assert_true(str(panel.call("text")).contains("(live)"), "the watch started live: " + str(panel.call("text")))
	events.close()  # the push service is gone: the watch must not wait for events that never come
	waited = 0.0
	while not ended.has(job_id) and waited < 240.0:
		await get_tree().create_timer(0.1).timeout
		waited += 0.1
	events.enabled = true
	events.open()
	var out: String = panel.call("text")
	assert_true(out.contains("live updates unavailable, polling"), "the watch fell back to polling: " + out)
	assert_eq(ended.get(job_id), "SUCCEEDED", "the watch followed the job to its end by polling: " + out)
	panel.queue_free()
