class_name EventsClientService
extends Node
## Live updates (autoload "EventsClient"): one WebSocket to the push service (python -m pycore.events), its messages
## turned into typed signals. Reconnects with a growing backoff (1 s doubling to 30 s) and resumes from the last event
## it saw; when events were missed (a gap in the sequence, a restart of the service or of the database) it emits
## refetch_requested so panels read the API again. While it is not live, panels keep polling.

signal live_changed(live: bool)
signal job_changed(event: Dictionary)
signal chunk_committed(event: Dictionary)
signal run_changed(event: Dictionary)
signal proposal_changed(event: Dictionary)
signal data_loaded(event: Dictionary)
signal refetch_requested(reason: String)

enum Kind { OTHER, HELLO, HEARTBEAT, JOB, CHUNK, RUN, PROPOSAL, DATA, REFETCH, DATABASE }

const SETTING_URL := "prometheus/events/url"
const DEFAULT_URL := "ws://127.0.0.1:3001/ws"
const MAX_BACKOFF := 30.0
const KINDS := {
	"hello": Kind.HELLO,
	"heartbeat": Kind.HEARTBEAT,
	"job": Kind.JOB,
	"chunk": Kind.CHUNK,
	"run": Kind.RUN,
	"proposal": Kind.PROPOSAL,
	"data": Kind.DATA,
	"refetch": Kind.REFETCH,
	"database": Kind.DATABASE,
}

var url: String = DEFAULT_URL
var live: bool = false
var enabled: bool = true
var epoch: String = ""
var last_seq: int = -1
var events_received: int = 0
var reconnects: int = 0

var _socket: WebSocketPeer
var _backoff: float = 1.0
var _retry_in: float = 0.0


func _ready() -> void:
	configure_from_environment()
	if enabled:
		open()


## Settings, then PROMETHEUS_EVENTS_URL ("off" disables live updates), then --events=URL after "--".
func configure_from_environment() -> void:
	url = str(ProjectSettings.get_setting(SETTING_URL, DEFAULT_URL))
	var env := OS.get_environment("PROMETHEUS_EVENTS_URL")
	if not env.is_empty():
		url = env
	for arg in OS.get_cmdline_user_args():
		if arg.begins_with("--events="):
			url = arg.substr(9)
	enabled = url != "off"


## Connects (again), resuming after the last event seen.
func open() -> void:
	_socket = WebSocketPeer.new()
	var api := get_node_or_null("/root/ApiClient") as ApiClientService
	if api != null and not api.token.is_empty():
		_socket.handshake_headers = PackedStringArray(["Authorization: Bearer " + api.token])
	var target := url
	if last_seq >= 0:
		target += ("&" if target.contains("?") else "?") + "since=%d&epoch=%s" % [last_seq, epoch.uri_encode()]
	if _socket.connect_to_url(target) != OK:
		_schedule_retry()


func close() -> void:
	enabled = false
	if _socket != null:
		_socket.close(1000, "console closed")
	_set_live(false)


func _process(delta: float) -> void:
	if not enabled:
		return
	if _socket == null:
		_retry_in -= delta
		if _retry_in <= 0.0:
			reconnects += 1
			open()
		return
	_socket.poll()
	match _socket.get_ready_state():
		WebSocketPeer.STATE_OPEN:
			while _socket.get_available_packet_count() > 0:
				handle_message(_socket.get_packet().get_string_from_utf8())
		WebSocketPeer.STATE_CLOSED:
			_schedule_retry()


func _schedule_retry() -> void:
	_socket = null
	_set_live(false)
	_retry_in = _backoff
	_backoff = minf(_backoff * 2.0, MAX_BACKOFF)


func _set_live(value: bool) -> void:
	if live != value:
		live = value
		live_changed.emit(value)


## One message of the service: checks the sequence, then emits the signal of its kind.
func handle_message(text: String) -> void:
	var parsed: Variant = JSON.parse_string(text)
	if not parsed is Dictionary:
		return
	var event := parsed as Dictionary
	var kind: Kind = KINDS.get(str(event.get("type", "")), Kind.OTHER)
	if kind == Kind.HELLO:
		_backoff = 1.0
		if not epoch.is_empty() and str(event.get("epoch")) != epoch:
			refetch_requested.emit("the push service restarted")
		epoch = str(event.get("epoch"))
		last_seq = int(event.get("seq", 0))
		_set_live(true)
		return
	if kind == Kind.HEARTBEAT:
		if int(event.get("seq", 0)) > last_seq:
			refetch_requested.emit("events were missed")
		last_seq = maxi(last_seq, int(event.get("seq", 0)))
		return
	if event.has("seq"):
		var seq := int(event["seq"])
		if last_seq >= 0 and seq > last_seq + 1 and kind != Kind.REFETCH:
			refetch_requested.emit("events were missed")
		last_seq = maxi(last_seq, seq)
	events_received += 1
	match kind:
		Kind.JOB:
			job_changed.emit(event)
		Kind.CHUNK:
			chunk_committed.emit(event)
		Kind.RUN:
			run_changed.emit(event)
		Kind.PROPOSAL:
			proposal_changed.emit(event)
		Kind.DATA:
			data_loaded.emit(event)
		Kind.REFETCH:
			refetch_requested.emit(str(event.get("reason", "")))
		Kind.DATABASE:
			refetch_requested.emit("the database is unreachable")
