"""A readable, plain-text rendering of a ``Report`` (the caller decides where it goes)."""

from __future__ import annotations

from eventscope.evaluation.scores import PRF, Accuracy, Confusions, Report

_LABEL_WIDTH = 26


def _num(value: float | None) -> str:
    return "  -  " if value is None else f"{value:.3f}"


def _prf_line(label: str, prf: PRF) -> str:
    return (
        f"    {label:<{_LABEL_WIDTH}} P {_num(prf.precision)}  R {_num(prf.recall)}  "
        f"F1 {_num(prf.f1)}   ({prf.tp} matched; {prf.n_gold} gold, {prf.n_pred} predicted)"
    )


def _acc_line(label: str, acc: Accuracy) -> str:
    return f"    {label:<{_LABEL_WIDTH}} {_num(acc.value)}   ({acc.correct}/{acc.total})"


def _value_line(label: str, value: str) -> str:
    return f"    {label:<{_LABEL_WIDTH}} {value}"


def _confusion_line(confusions: Confusions) -> str | None:
    if not confusions:
        return None
    shown = ", ".join(f"{gold}->{pred} {count}" for gold, pred, count in confusions[:6])
    return _value_line("top confusions", shown)


def format_report(report: Report) -> str:
    """The report as an aligned text table, one section per scored part."""
    lines = [
        f"{report.name or '(records)'}  [{report.mode}]  {report.gold_records} gold records, "
        f"{report.predicted_records} predicted, {report.missing} without prediction"
    ]
    if report.events is not None:
        ev = report.events
        lines.append(f"  events ({ev.records} records)")
        lines += [
            _prf_line("typed", ev.typed),
            _prf_line("untyped", ev.untyped),
            _prf_line("typed, trigger overlap", ev.trigger_typed),
            _acc_line("type accuracy", ev.type_accuracy),
            _prf_line("source spans", ev.source),
            _prf_line("target spans", ev.target),
            _acc_line("country accuracy", ev.country),
            _acc_line("  of sources", ev.source_country),
            _acc_line("  of targets", ev.target_country),
            _acc_line("sector accuracy", ev.sector),
            _acc_line("  of sources", ev.source_sector),
            _acc_line("  of targets", ev.target_sector),
            _acc_line("quad accuracy", ev.quad),
            _acc_line("factuality accuracy", ev.factuality),
        ]
        lines += [
            _acc_line(label, acc)
            for label, acc in (
                ("location right", ev.location),
                ("date right", ev.date),
                ("location, gold has none", ev.location_extra),
                ("date, gold has none", ev.date_extra),
            )
            if acc.total
        ]
        if ev.must_not_entries:
            lines.append(
                _value_line(
                    "must_not violations", f"{ev.must_not_violations} ({ev.must_not_entries} rules)"
                )
            )
        lines.append(_confusion_line(ev.confusions) or "")
    if report.doc_quad is not None:
        lines.append("  document quad")
        lines.append(_acc_line("accuracy", report.doc_quad.accuracy))
        lines.append(_confusion_line(report.doc_quad.confusions) or "")
    if report.doc_acled is not None:
        lines.append("  document ACLED label")
        lines.append(_acc_line("accuracy", report.doc_acled.accuracy))
        if report.doc_acled.subset is not None and report.doc_acled.subset.total:
            lines.append(_acc_line("on ACLED classes", report.doc_acled.subset))
        lines.append(_confusion_line(report.doc_acled.confusions) or "")
        if report.doc_acled.per_label:
            lines.append("    by gold label            right/gold  predicted")
            lines += [
                f"      {label:<36} {r:>3}/{g:<3}   {p}"
                for label, r, g, p in report.doc_acled.per_label
            ]
    if report.places is not None:
        pl = report.places
        lines.append(f"  places ({pl.records} records)")
        lines += [
            _prf_line("toponym spans", pl.spans),
            _acc_line("within 161 km", pl.within_161km),
            _value_line(
                "error km",
                f"median {_num(pl.median_km)}  mean {_num(pl.mean_km)}  "
                f"({pl.resolved} resolved, {pl.unresolved} matched without coordinates)",
            ),
            _acc_line("geonameid accuracy", pl.geonameid),
        ]
    if report.quotes is not None:
        qt = report.quotes
        lines.append(f"  quotes ({qt.records} records)")
        lines += [
            _prf_line("content (all)", qt.content),
            _prf_line("content (direct)", qt.direct),
            _acc_line("speaker accuracy", qt.speaker),
        ]
    if report.classification is not None:
        cl = report.classification
        lines.append("  classification")
        lines.append(_acc_line("type accuracy", cl.type.accuracy))
        lines.append(_acc_line("quad accuracy", cl.quad))
        for name, acc in cl.per_type:
            lines.append(_acc_line(f"  {name}", acc))
        lines.append(_confusion_line(cl.type.confusions) or "")
    if len(lines) == 1:
        lines.append("  nothing annotated to score")
    return "\n".join(line for line in lines if line)
