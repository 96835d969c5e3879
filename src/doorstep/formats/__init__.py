"""Date and time formats that override Django's per language (FORMAT_MODULE_PATH).

- Input formats put ISO 8601 first in every language: an <input type="date"> only
  accepts "2026-12-04", and Django renders a date field's value with the first input
  format, so Chinese's "2026/12/04" left required dates empty (issue 17).
- Uyghur has no DATETIME_FORMAT of its own in Django, so timestamps fell back to the
  English "Dec. 4, 2026, 5 p.m."; it gets a 24-hour day-month-year form.
Only the names set in a module override Django's; the rest come from Django.
"""
