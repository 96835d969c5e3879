from doorstep.formats.iso import DATE_INPUT_FORMATS_ISO, DATETIME_INPUT_FORMATS_ISO

# Django's Uyghur formats give dates and times but no date-and-time: 24-hour clock, as
# TIME_FORMAT ("G:i") already is, never "a.m."/"p.m.".
DATETIME_FORMAT = "j F Y G:i"
DATE_INPUT_FORMATS = DATE_INPUT_FORMATS_ISO + ["%Y/%m/%d", "%d/%m/%Y"]
DATETIME_INPUT_FORMATS = DATETIME_INPUT_FORMATS_ISO + ["%Y/%m/%d %H:%M", "%Y/%m/%d %H:%M:%S"]
