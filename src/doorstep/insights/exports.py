"""Reports as files: PDF (WeasyPrint, from the print template) and XLSX (openpyxl), in
Chinese, English or Uyghur (right to left). The numbers are the Report's, already
suppressed for analysts; nothing here computes a figure.

Fonts: Chinese needs a CJK font (fonts-wqy-microhei) and Uyghur an Arabic-script one
(DejaVu Sans has the Uyghur letters); the print style sheet names both, in that order.
"""

from __future__ import annotations

import io
from decimal import Decimal

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import get_language, get_language_bidi
from django.utils.translation import gettext as _

from doorstep.insights import dashboard as dash
from doorstep.insights import figures as fig
from doorstep.insights.reports import COMPARED, LEADER_FIGURES, Report

LANGUAGES = [(code, name) for code, name in settings.LANGUAGES]
_CODES = {code for code, _name in LANGUAGES}


def language_or_error(lang: str | None) -> str:
    if not lang:
        current = get_language() or settings.LANGUAGE_CODE
        return current if current in _CODES else settings.LANGUAGE_CODE
    if lang not in _CODES:
        raise ValidationError({"lang": _("Choose zh-hans, en or ug.")})
    return lang


def shown(value) -> str:
    """A figure as text: "—" for no data, "<5" as is, numbers without trailing noise."""
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:g}" if value != int(value) else f"{int(value)}"
    return str(value)


def report_context(report: Report) -> dict:
    """What the report's templates (page and print) need."""
    return {
        "report": report,
        "rows": dash.labelled(report.board.values),
        "livelihood_rows": dash.labelled(report.board.livelihoods or {}),
        "monitoring_rows": dash.labelled(report.board.monitoring or {}),
        "compared": [(name, fig.FIGURES[name][0]) for name in COMPARED],
        "leader_figures": [(name, fig.FIGURES[name][0]) for name in LEADER_FIGURES],
        "figure_labels": {name: label for name, (label, _basis) in fig.FIGURES.items()},
        "rtl": get_language_bidi(),
        "lang": get_language(),
    }


def pdf_bytes(report: Report, *, language: str) -> bytes:
    from weasyprint import CSS, HTML  # heavy import, only when a PDF is asked for

    with translation.override(language):
        html = render_to_string("insights/report_print.html", report_context(report))
    css = CSS(filename=finders.find("insights/report-print.css"))
    return HTML(string=html).write_pdf(stylesheets=[css])


def pdf_response(report: Report, *, language: str) -> HttpResponse:
    response = HttpResponse(pdf_bytes(report, language=language), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{report.filename}-{language}.pdf"'
    return response


def _cell(value):
    if value is None:
        return "—"
    if isinstance(value, Decimal):
        return float(value)
    return value


def xlsx_bytes(report: Report, *, language: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    bold = Font(bold=True)
    with translation.override(language):
        rtl = get_language_bidi()
        book = Workbook()
        summary = book.active
        summary.title = _("Summary")[:31]
        summary.append([report.title])
        summary["A1"].font = bold
        summary.append(
            [_("Period"), report.period.start.isoformat(), report.period.end.isoformat()]
        )
        summary.append([_("Team leaders"), ", ".join(ld["name"] for ld in report.leaders)])
        if report.board.figures.snapshot_day:
            summary.append(
                [_("Households and needs as of"), report.board.figures.snapshot_day.isoformat()]
            )
        summary.append([])
        summary.append([_("Figure"), _("Value")])
        for _name, label, value in dash.labelled(report.board.values):
            summary.append([str(label), _cell(value)])
        for _name, label, value in dash.labelled(report.board.livelihoods or {}):
            summary.append([str(label), _cell(value)])
        if report.board.monitoring:
            summary.append([])
            summary.append([_("Poverty monitoring")])
            for _name, label, value in dash.labelled(report.board.monitoring):
                summary.append([str(label), _cell(value)])

        targets = book.create_sheet(_("Targets")[:31])
        targets.append([_("Figure"), _("Target"), _("Value"), _("Met")])
        for t in report.board.targets:
            direction = _("at least") if t["direction"] == fig.AT_LEAST else _("at most")
            met = {True: _("yes"), False: _("no"), None: "—"}[t["met"]]
            targets.append(
                [str(t["label"]), f"{direction} {shown(t['target'])}", _cell(t["value"]), met]
            )

        units = book.create_sheet(_("Departments")[:31])
        units.append(
            [
                _("Department"),
                _("Referrals sent"),
                _("Answered"),
                _("Answered late"),
                _("Declined"),
                _("Mean hours to answer"),
            ]
        )
        for u in report.board.units:
            units.append(
                [
                    u["name"],
                    _cell(u["referrals"]),
                    _cell(u["answered"]),
                    _cell(u["answered_late"]),
                    _cell(u["declined"]),
                    _cell(u["mean_answer_hours"]),
                ]
            )

        compare = book.create_sheet(_("Teams of the county")[:31])
        compare.append([_("Team")] + [str(fig.FIGURES[n][0]) for n in COMPARED])
        for row in report.comparison:
            compare.append(
                [row["area"].name + (" ★" if row["is_self"] else "")]
                + [_cell(row["values"].get(n)) for n in COMPARED]
            )

        leaders = book.create_sheet(_("Team leaders")[:31])
        leaders.append([_("Team leader")] + [str(fig.FIGURES[n][0]) for n in LEADER_FIGURES])
        for leader in report.leaders:
            leaders.append(
                [leader["name"]] + [_cell(leader["values"].get(n)) for n in LEADER_FIGURES]
            )

        problems = book.create_sheet(_("Open problems")[:31])
        op = report.open_problems
        for label, key in (
            (_("Needs open longer than 30 days"), "long_open_needs"),
            (_("Overdue for a contact"), "overdue"),
            (_("Referrals past their answer date"), "referrals_overdue"),
            (_("Service-level breaches"), "breaches"),
        ):
            problems.append([label, _cell(op[key])])
        for t in op["missed_targets"]:
            problems.append([_("Target missed"), str(t["label"])])
        if op["needs"]:
            problems.append([])
            problems.append([_("Need"), _("Household"), _("Category"), _("Opened")])
            for need in op["needs"]:
                problems.append(
                    [
                        need.shown_title,
                        need.household.household_no,
                        str(need.get_category_display()),
                        need.opened_at.date().isoformat(),
                    ]
                )

        if report.quarters:
            quarters = book.create_sheet(_("Quarters")[:31])
            quarters.append(
                [_("Figure")] + [f"Q{q['quarter']}" for q in report.quarters] + [_("Year")]
            )
            for name, label, value in dash.labelled(report.board.values):
                quarters.append(
                    [str(label)]
                    + [_cell(q["values"].get(name)) for q in report.quarters]
                    + [_cell(value)]
                )
        for sheet in book.worksheets:
            sheet.sheet_view.rightToLeft = rtl
            sheet.column_dimensions["A"].width = 40
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def xlsx_response(report: Report, *, language: str) -> HttpResponse:
    response = HttpResponse(
        xlsx_bytes(report, language=language),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{report.filename}-{language}.xlsx"'
    return response
