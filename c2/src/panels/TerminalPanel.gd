extends BasePanel
## Terminal: the recent jobs (refreshed like every panel), and a command line for
## `backtest run STRATEGY START END MARKET`, `strategies`, `jobs`, `job ID`, `watch ID`, `cancel ID`, `help`, `clear`;
## follows a job's progress until it ends (live over the push service, `watch ID`; by polling when it is unreachable);
## the jobs table moves with the job events; command history on Up/Down.

signal job_finished(job_id: int, status: String)

const TERMINAL_STATES: PackedStringArray = ["SUCCEEDED", "FAILED", "CANCELLED"]
const RECENT_JOBS := 6

var jobs_table: Tree
var output: RichTextLabel
var input: LineEdit
var history: PackedStringArray = []
var poll_seconds: float = 1.0
var live_lines: int = 0
var _history_index: int = 0
var _watching: Dictionary = {}


func _init() -> void:
	super()
	title_text = "Terminal"


func empty_message() -> String:
	return (
		EMPTY_PREFIX
		+ "no jobs have been submitted. Type one below: backtest run US_CORE_LONG_EQ 2023-01-01 2024-01-01 US_EQ"
		+ " (help lists the commands)."
	)


func _build() -> void:
	jobs_table = make_table(["job", "status", "progress", "simulated date", "strategy", "period", "run"])
	jobs_table.size_flags_vertical = Control.SIZE_FILL
	jobs_table.custom_minimum_size = Vector2(0, 170)
	add_data_view(jobs_table)
	output = RichTextLabel.new()
	output.scroll_following = true
	output.selection_enabled = true
	output.size_flags_vertical = Control.SIZE_EXPAND_FILL
	output.custom_minimum_size = Vector2(0, 300)
	body.add_child(output)
	input = LineEdit.new()
	input.placeholder_text = "backtest run US_CORE_LONG_EQ 2023-01-01 2024-01-01 US_EQ   (help lists the commands)"
	input.text_submitted.connect(_on_input_text_submitted)
	input.gui_input.connect(_on_input_gui_input)
	body.add_child(input)
	print_line("Prometheus C2 terminal — " + CommandParser.USAGE[CommandParser.Kind.BACKTEST_RUN])
	var live := get_node_or_null("/root/EventsClient") as EventsClientService
	if live != null:
		live.job_changed.connect(_on_events_job_changed)
		live.chunk_committed.connect(_on_events_chunk_committed)


func _load() -> ApiResult:
	var r := await api.get_jobs(RECENT_JOBS)
	if not r.is_ok():
		return r
	has_data = not r.rows().is_empty()
	clear_table(jobs_table)
	for j: Dictionary in r.rows():
		var status := Fmt.text(j.get("status"))
		add_row(
			jobs_table,
			[
				Fmt.number(j.get("job_id"), 0),
				status,
				_progress_text(j),
				Fmt.day(j.get("progress_date")),
				Fmt.text(j.get("strategy_id")),
				"%s .. %s" % [Fmt.day(j.get("start_date")), Fmt.day(j.get("end_date"))],
				Fmt.text(j.get("run_id")),
			],
			{1: _status_colour(status)}
		)
	return r


func print_line(text: String, colour: Color = Fmt.NEUTRAL) -> void:
	output.push_color(colour)
	output.add_text(text + "\n")
	output.pop()


func text() -> String:
	return output.get_parsed_text()


## Runs one command line; returns when the command (and a job it started) is done.
func execute(line: String) -> void:
	if not line.strip_edges().is_empty():
		history.append(line)
		_history_index = history.size()
	print_line("> " + line, Color(0.6, 0.8, 1.0))
	var cmd := CommandParser.parse(line)
	match cmd.kind:
		CommandParser.Kind.INVALID:
			print_line(cmd.error, Fmt.LOSS)
		CommandParser.Kind.HELP:
			print_line(CommandParser.help_text())
		CommandParser.Kind.CLEAR:
			output.clear()
		CommandParser.Kind.STRATEGIES:
			await _show_strategies()
		CommandParser.Kind.JOBS:
			await _show_jobs()
		CommandParser.Kind.JOB:
			await _show_job(cmd.job_id)
		CommandParser.Kind.WATCH:
			await watch(cmd.job_id)
		CommandParser.Kind.CANCEL:
			await _cancel(cmd.job_id)
		CommandParser.Kind.BACKTEST_RUN:
			await _run_backtest(cmd)


func _run_backtest(cmd: CommandParser.Command) -> void:
	var submitted := await api.run_backtest(cmd.strategy_id, cmd.start_date, cmd.end_date, cmd.market_id)
	if not submitted.is_ok():
		print_line("refused: " + submitted.describe(), Fmt.LOSS)
		return
	var job_id := int(submitted.data)
	print_line("job %d submitted; following its progress (cancel %d to stop it)" % [job_id, job_id])
	refresh()
	await watch(job_id)
	await refresh()


## Follows a job until it ends: live when the push service is reachable (its events print as they come), else by
## polling; when the service goes away or events were missed mid-watch, the job is read again and, if the console
## is no longer live, polled to its end. Returns the final status.
func watch(job_id: int) -> String:
	if events == null or not events.live:
		return await follow(job_id)
	_watching[job_id] = {}  # events that come while the job is read are kept, not lost
	var r := await api.get_job(job_id)
	if not r.is_ok() or r.rows().is_empty():
		_watching.erase(job_id)
		print_line("no job %d" % job_id if r.is_ok() else r.describe(), Fmt.LOSS)
		return "ERROR"
	var j := r.first()
	var seen: Dictionary = _watching.get(job_id, {})
	if seen.has("ended") or (not seen.is_empty() and not str(j.get("status")) in TERMINAL_STATES):
		j.merge(seen, true)  # what events said while the job was read is as new as the read, or it ended
	print_line(_job_line(j) + "   (live)", _status_colour(str(j.get("status"))))
	if str(j.get("status")) in TERMINAL_STATES:
		_watching.erase(job_id)
		return str(j.get("status"))
	_watching[job_id] = j
	if not events.live:  # the service went away while the job was read
		_poll_watched(job_id)
	while true:
		var ended: Array = await job_finished
		if int(ended[0]) == job_id:
			return str(ended[1])
	return "ERROR"


## The push service went away: the jobs being watched are polled to their end.
func _on_events_live_changed(live: bool) -> void:
	super(live)
	if not live:
		for job_id: int in _watching.keys():
			if not (_watching[job_id] as Dictionary).is_empty():
				_poll_watched(job_id)


## Events may have been missed: each job being watched is read again (it may have ended meanwhile).
func _on_events_refetch_requested(reason: String) -> void:
	super(reason)
	for job_id: int in _watching.keys():
		if (_watching[job_id] as Dictionary).is_empty():
			continue
		var r := await api.get_job(job_id)
		if r.is_ok() and not r.rows().is_empty() and _watching.has(job_id):
			_on_events_job_changed(r.first())


func _poll_watched(job_id: int) -> void:
	_watching.erase(job_id)
	print_line("job %d: live updates unavailable, polling" % job_id, Fmt.LOSS)
	await follow(job_id)


func _on_events_job_changed(event: Dictionary) -> void:
	var job_id := int(event.get("job_id", 0))
	var pct := float(event.get("progress", 0.0)) * 100.0
	var root := jobs_table.get_root()
	for item: TreeItem in root.get_children() if root != null else []:
		if item.get_text(0) == Fmt.number(job_id, 0):
			item.set_text(1, str(event.get("status")))
			item.set_text(2, Fmt.number(pct, 1) + "%")
			item.set_text(3, Fmt.day(event.get("progress_date")))
	if not _watching.has(job_id):
		return
	var j: Dictionary = _watching[job_id]
	var reading := j.is_empty()  # watch() is still reading the job: it prints the state it settles on
	j.merge(event, true)
	j["progress_pct"] = pct
	var status := str(event.get("status"))
	if reading:
		if status in TERMINAL_STATES:
			j["ended"] = true  # watch() sees the job ended and returns this status
		return
	print_line(_job_line(j), _status_colour(status))
	live_lines += 1
	if status in TERMINAL_STATES:
		_watching.erase(job_id)
		if status == "FAILED":
			print_line("error: " + str(event.get("error")), Fmt.LOSS)
		job_finished.emit(job_id, status)


func _on_events_chunk_committed(event: Dictionary) -> void:
	if not _watching.has(int(event.get("job_id", 0))):
		return
	var points: Array = event.get("points", [])
	if not points.is_empty():
		var last: Array = points[-1]
		print_line("  %s: equity %s" % [str(last[0]), Fmt.number(last[1], 2)])


## Polls a job until it ends, printing each change of progress.
func follow(job_id: int) -> String:
	var last := ""
	while true:
		var r := await api.get_job(job_id)
		if not r.is_ok():
			print_line("job %d: %s" % [job_id, r.describe()], Fmt.LOSS)
			if not r.is_unreachable():
				return "ERROR"
		elif r.rows().is_empty():
			print_line("no job %d" % job_id, Fmt.LOSS)
			return "ERROR"
		else:
			var j := r.first()
			var status := str(j.get("status"))
			var line := _job_line(j)
			if line != last:
				print_line(line, _status_colour(status))
				last = line
			if status in TERMINAL_STATES:
				if status == "FAILED":
					print_line("error: " + str(j.get("error")), Fmt.LOSS)
				job_finished.emit(job_id, status)
				return status
		await get_tree().create_timer(poll_seconds).timeout
	return "ERROR"


func _show_strategies() -> void:
	var r := await api.get_strategies()
	if not r.is_ok():
		print_line("strategies: " + r.describe(), Fmt.LOSS)
		return
	if r.rows().is_empty():
		print_line("no strategies registered")
		return
	for s: Dictionary in r.rows():
		print_line(
			(
				"%-18s %-8s v%s  %s"
				% [
					Fmt.text(s.get("strategy_id")),
					Fmt.text(s.get("kind")),
					Fmt.number(s.get("active_version"), 0),
					Fmt.text(s.get("description")),
				]
			)
		)


func _show_jobs() -> void:
	var r := await api.get_jobs(15)
	if not r.is_ok():
		print_line(r.describe(), Fmt.LOSS)
		return
	if r.rows().is_empty():
		print_line("no jobs yet")
	for j: Dictionary in r.rows():
		print_line(_job_line(j), _status_colour(str(j.get("status"))))


func _show_job(job_id: int) -> void:
	var r := await api.get_job(job_id)
	if not r.is_ok():
		print_line(r.describe(), Fmt.LOSS)
	elif r.rows().is_empty():
		print_line("no job %d" % job_id, Fmt.LOSS)
	else:
		var j := r.first()
		print_line(_job_line(j), _status_colour(str(j.get("status"))))
		if j.get("run_id") != null:
			print_line("  run %s" % str(j.get("run_id")))
		if j.get("error") != null:
			print_line("  error: %s" % str(j.get("error")), Fmt.LOSS)


func _cancel(job_id: int) -> void:
	var r := await api.cancel_job(job_id)
	if r.is_ok():
		print_line("job %d: %s" % [job_id, str(r.data)])
		refresh()
	else:
		print_line("cancel refused: " + r.describe(), Fmt.LOSS)


static func _job_line(j: Dictionary) -> String:
	return (
		"job %s  %-9s %6s  %s  %s %s .. %s"
		% [
			Fmt.number(j.get("job_id"), 0),
			str(j.get("status")),
			_progress_text(j),
			Fmt.day(j.get("progress_date")),
			str(j.get("strategy_id", "")),
			Fmt.day(j.get("start_date")),
			Fmt.day(j.get("end_date")),
		]
	)


static func _progress_text(j: Dictionary) -> String:
	var pct: Variant = j.get("progress_pct")
	return Fmt.MISSING if pct == null else Fmt.number(pct, 1) + "%"


static func _status_colour(status: String) -> Color:
	match status:
		"SUCCEEDED":
			return Fmt.GAIN
		"FAILED", "CANCELLED":
			return Fmt.LOSS
	return Fmt.NEUTRAL


func _on_input_text_submitted(line: String) -> void:
	input.clear()
	execute(line)


func _on_input_gui_input(event: InputEvent) -> void:
	var key := event as InputEventKey
	if key == null or not key.pressed or history.is_empty():
		return
	if key.keycode == KEY_UP:
		_history_index = maxi(0, _history_index - 1)
	elif key.keycode == KEY_DOWN:
		_history_index = mini(history.size(), _history_index + 1)
	else:
		return
	input.text = history[_history_index] if _history_index < history.size() else ""
	input.caret_column = input.text.length()
	input.accept_event()
