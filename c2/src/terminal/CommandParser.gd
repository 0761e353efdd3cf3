class_name CommandParser
extends RefCounted
## Parses the terminal's command lines into typed commands (never dispatched on strings).

enum Kind { INVALID, HELP, BACKTEST_RUN, STRATEGIES, JOBS, JOB, WATCH, CANCEL, CLEAR }

const USAGE := {
	Kind.HELP: "help",
	Kind.BACKTEST_RUN:
	"backtest run STRATEGY START END MARKET   e.g. backtest run US_CORE_LONG_EQ 2023-01-01 2024-01-01 US_EQ",
	Kind.STRATEGIES: "strategies   (the registered strategies: built-in, Python and SQL)",
	Kind.JOBS: "jobs",
	Kind.JOB: "job ID",
	Kind.WATCH: "watch ID   (follow a job live until it ends)",
	Kind.CANCEL: "cancel ID",
	Kind.CLEAR: "clear",
}


class Command:
	extends RefCounted
	var kind: Kind = Kind.INVALID
	var strategy_id: String = ""
	var start_date: String = ""
	var end_date: String = ""
	var market_id: String = ""
	var job_id: int = 0
	var error: String = ""


static func help_text() -> String:
	var lines: PackedStringArray = ["commands:"]
	for k: Kind in USAGE:
		lines.append("  " + USAGE[k])
	return "\n".join(lines)


static func is_date(text: String) -> bool:
	var parts := text.split("-")
	if parts.size() != 3 or parts[0].length() != 4 or parts[1].length() != 2 or parts[2].length() != 2:
		return false
	for p in parts:
		if not p.is_valid_int():
			return false
	var month := int(parts[1])
	var dom := int(parts[2])
	return month >= 1 and month <= 12 and dom >= 1 and dom <= 31


static func parse(line: String) -> Command:
	var cmd := Command.new()
	var words: PackedStringArray = []
	for w in line.strip_edges().split(" ", false):
		words.append(w)
	if words.is_empty():
		cmd.error = "type a command; help lists them"
		return cmd
	var verb := words[0].to_lower()
	match verb:
		"help", "?":
			cmd.kind = Kind.HELP
		"clear":
			cmd.kind = Kind.CLEAR
		"strategies":
			if words.size() == 1:
				cmd.kind = Kind.STRATEGIES
			else:
				cmd.error = "usage: strategies"
		"jobs":
			if words.size() == 1:
				cmd.kind = Kind.JOBS
			else:
				cmd.error = "usage: " + USAGE[Kind.JOBS]
		"job", "watch", "cancel":
			var want: Kind = {"job": Kind.JOB, "watch": Kind.WATCH, "cancel": Kind.CANCEL}[verb]
			if words.size() != 2 or not words[1].is_valid_int() or int(words[1]) <= 0:
				cmd.error = "usage: " + USAGE[want]
			else:
				cmd.kind = want
				cmd.job_id = int(words[1])
		"backtest":
			_parse_backtest(words, cmd)
		_:
			cmd.error = "unknown command %s; help lists the commands" % words[0]
	return cmd


static func _parse_backtest(words: PackedStringArray, cmd: Command) -> void:
	var usage: String = "usage: " + USAGE[Kind.BACKTEST_RUN]
	if words.size() != 6 or words[1].to_lower() != "run":
		cmd.error = usage
		return
	if not is_date(words[3]) or not is_date(words[4]):
		cmd.error = "dates are YYYY-MM-DD; " + usage
		return
	if words[4] < words[3]:
		cmd.error = "END %s is before START %s" % [words[4], words[3]]
		return
	cmd.kind = Kind.BACKTEST_RUN
	cmd.strategy_id = words[2].to_upper()
	cmd.start_date = words[3]
	cmd.end_date = words[4]
	cmd.market_id = words[5].to_upper()
