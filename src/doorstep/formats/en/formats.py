from django.conf.locale.en import formats as django_formats

from doorstep.formats.iso import DATE_INPUT_FORMATS_ISO, DATETIME_INPUT_FORMATS_ISO

DATE_INPUT_FORMATS = DATE_INPUT_FORMATS_ISO + [
    f for f in django_formats.DATE_INPUT_FORMATS if f not in DATE_INPUT_FORMATS_ISO
]
DATETIME_INPUT_FORMATS = DATETIME_INPUT_FORMATS_ISO + [
    f for f in django_formats.DATETIME_INPUT_FORMATS if f not in DATETIME_INPUT_FORMATS_ISO
]
