"""The import file's format, shared by the reader, the checks, the writer and the export:
the columns (`COLUMNS` is the one definition), the fixed Chinese vocabulary, the
messages, and the report every run returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from doorstep.registry.models import Relationship, Vulnerability

# (key, English header, Chinese header), in file order. The export writes exactly these.
COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("household_no", "household_no", "户编号"),
    ("name", "name", "姓名"),
    ("relationship", "relationship", "与户主关系"),
    ("sex", "sex", "性别"),
    ("birth_date", "birth_date", "出生日期"),
    ("id_number", "id_number", "身份证号"),
    ("phone", "phone", "联系电话"),
    ("area_code", "area_code", "区划代码"),
    ("address", "address", "详细地址"),
    ("longitude", "longitude", "经度"),
    ("latitude", "latitude", "纬度"),
    ("annual_income", "annual_income", "家庭年收入"),
    # Issue #13: on any row; a person's category (disability...) is that row's resident's,
    # a household's (低保, 五保户) the household's.
    ("vulnerability", "vulnerability", "困难类型"),
    ("languages", "languages", "常用语言"),
)
KEYS = tuple(key for key, _en, _zh in COLUMNS)
HEADERS_EN = tuple(en for _key, en, _zh in COLUMNS)
HEADERS_ZH = tuple(zh for _key, _en, zh in COLUMNS)
REQUIRED_COLUMNS = ("household_no", "name", "relationship", "area_code")
HOUSEHOLD_KEYS = (
    "area_code",
    "address",
    "longitude",
    "latitude",
    "annual_income",
    "languages",
)
(
    C_HNO,
    C_NAME,
    C_REL,
    C_SEX,
    C_BIRTH,
    C_ID,
    C_PHONE,
    C_AREA,
    C_ADDRESS,
    C_LON,
    C_LAT,
    C_INCOME,
    C_VULN,
    C_LANG,
) = range(len(KEYS))


# The file's Chinese vocabulary is fixed by the format, not by the UI catalogue, so a
# file written today imports the same after a translation is reworded.
RELATIONSHIP_ZH = {
    Relationship.HEAD: "户主",
    Relationship.SPOUSE: "配偶",
    Relationship.CHILD: "子女",
    Relationship.PARENT: "父母",
    Relationship.GRANDCHILD: "孙子女",
    Relationship.SIBLING: "兄弟姐妹",
    Relationship.OTHER: "其他",
}
SEX_ZH = {"M": "男", "F": "女"}
VULNERABILITY_ZH = {
    Vulnerability.ELDERLY_ALONE: "独居老人",
    Vulnerability.LEFT_BEHIND_SENIOR: "留守老人",
    Vulnerability.WIDOWED_ELDERLY: "丧偶老人",
    Vulnerability.DISABILITY: "残疾人",
    Vulnerability.SERIOUS_ILLNESS: "大病重病",
    Vulnerability.LOW_INCOME: "低保",
    Vulnerability.FIVE_GUARANTEE: "五保户",
    Vulnerability.UNEMPLOYED: "失业人员",
    Vulnerability.LEFT_BEHIND_CHILD: "留守儿童",
}

ERROR_CAP = 1000  # errors listed; the total is always counted
BATCH_HOUSEHOLDS = 2000  # households validated (and written) together

# Messages. Reasons are translated when the import runs, in the language of whoever
# started it (ImportJob.language); the row and the column are separate fields.
M_REQUIRED = gettext_lazy("This field is required.")
M_AREA_ON_HEAD = gettext_lazy("The head's row must give the area code.")
M_NO_HEAD = gettext_lazy("Household %(household_no)s has no head (relationship “head”).")
M_TWO_HEADS = gettext_lazy("Household %(household_no)s already has a head on row %(row)s.")
M_REUSED = gettext_lazy(
    "Household number %(household_no)s is already used above (row %(row)s) for another "
    "household; keep each household's rows together."
)
# Uniqueness clashes answer alike whether the other record is in the importer's area
# or not (issue 18, defect 6): "cannot be used", never "exists".
M_HNO_EXISTS = gettext_lazy("Household number %(household_no)s cannot be used.")
M_ID_DUPLICATE = gettext_lazy("This resident ID number is also on row %(row)s.")
M_ID_EXISTS = gettext_lazy("This resident ID number cannot be used.")
M_ID_BIRTH = gettext_lazy(
    "The birth date does not agree with the resident ID number, which says %(date)s."
)
M_ID_SEX = gettext_lazy("The sex does not agree with the resident ID number.")
M_AREA_UNKNOWN = gettext_lazy("Unknown area code %(code)s.")
M_AREA_SCOPE = gettext_lazy("Area %(code)s is outside your own area.")
M_AREA_LEVEL = gettext_lazy("Area %(code)s is not a village, community or grid.")
M_DATE = gettext_lazy("Write the date as YYYY-MM-DD, YYYY/MM/DD or YYYYMMDD.")
M_DATE_RANGE = gettext_lazy("The birth date is impossible (before 1900 or in the future).")
M_RELATIONSHIP = gettext_lazy("Unknown relationship “%(value)s”. Use one of: %(choices)s.")
M_SEX = gettext_lazy("Write the sex as M, F, 男 or 女.")
M_NUMBER = gettext_lazy("“%(value)s” is not a number.")
M_LONGITUDE = gettext_lazy("Longitude must be between -180 and 180.")
M_LATITUDE = gettext_lazy("Latitude must be between -90 and 90.")
M_INCOME = gettext_lazy(
    "Write the yearly income in yuan as a number of zero or more with at most two decimals."
)
M_VULNERABILITY = gettext_lazy("Unknown vulnerability category “%(value)s”.")
M_TOO_LONG = gettext_lazy("At most %(max)s characters.")
M_CONFLICT = gettext_lazy(
    "Differs from the head's row (row %(row)s); household columns are taken from the head's row."
)
M_CONTROL = gettext_lazy(
    "The cell holds a null or control character, which cannot be stored. Remove it."
)
M_FORMULA = gettext_lazy(
    "The cell begins with =, +, -, @, a tab or a carriage return, which spreadsheets may "
    "run as a formula; it is imported as text, and exports will begin it with an apostrophe."
)
M_FILE_TOO_LARGE = gettext_lazy("The file is larger than %(size)s MB.")
M_UNCOMPRESSED_TOO_LARGE = gettext_lazy(
    "The spreadsheet unpacks to more than %(size)s MB; split it into smaller files."
)
M_TOO_MANY_ROWS = gettext_lazy("The file has more than %(rows)s rows; split it into smaller files.")
M_CSV_FIELD = gettext_lazy("Near row %(row)s a cell is too long or a quote is not closed.")
M_FILE_TYPE = gettext_lazy("Upload a .csv or .xlsx file.")
M_ENCODING = gettext_lazy("The file is neither UTF-8 nor GB18030/GBK text (near row %(row)s).")
M_EMPTY = gettext_lazy("The file has no header row.")
M_NO_ROWS = gettext_lazy("The file has a header but no rows.")
M_UNKNOWN_COLUMNS = gettext_lazy("Unknown columns: %(columns)s.")
M_MISSING_COLUMNS = gettext_lazy("Missing required columns: %(columns)s.")
M_DUPLICATE_COLUMNS = gettext_lazy("Columns given twice: %(columns)s.")
M_BAD_XLSX = gettext_lazy("The spreadsheet cannot be read: %(reason)s")
M_CONFLICTED = gettext_lazy(
    "The import conflicted with records saved at the same time; nothing was written. Try again."
)
M_ROW_LINE = gettext_lazy("Row %(row)s, column %(column)s: %(message)s")


class ImportFileError(Exception):
    """The file as a whole cannot be read (type, encoding, header)."""

    def __init__(self, message: str, *, row: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.row = row


@dataclass
class ImportReport:
    dry_run: bool
    rows: int = 0
    households: int = 0
    residents: int = 0
    vulnerabilities: int = 0
    error_count: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    # Cells imported as they are but worth a look (formula-like text), at most ERROR_CAP.
    warnings: list[dict[str, Any]] = field(default_factory=list)
    written: bool = False

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "dry_run": self.dry_run,
            "ok": self.ok,
            "written": self.written,
            "rows": self.rows,
            "households": self.households,
            "residents": self.residents,
            "vulnerabilities": self.vulnerabilities,
            "error_count": self.error_count,
            "errors": self.errors,
            "warnings": self.warnings,
        }


def error_line(error: dict[str, Any]) -> str:
    return _(str(M_ROW_LINE)) % {
        "row": error["row"],
        "column": error["column"] or "-",
        "message": error["message"],
    }
