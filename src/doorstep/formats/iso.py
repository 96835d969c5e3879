"""The input formats every language shares: ISO 8601 first (what <input type="date">
and <input type="datetime-local"> send and accept), then each language's own."""

DATE_INPUT_FORMATS_ISO = ["%Y-%m-%d"]
DATETIME_INPUT_FORMATS_ISO = [
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d %H:%M:%S",
]
