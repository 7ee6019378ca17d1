"""Run every benchmark: ``python -m benchmarks [NAME ...]``."""

from __future__ import annotations

import sys

from benchmarks import (
    api_load,
    cpm,
    csv_ical,
    end_to_end,
    entity_edit,
    impact,
    leveling,
    montecarlo,
    montecarlo_leveled,
    mspdi_import,
    plan_leveling,
    plan_load,
    report_html,
    storage,
    tj3,
    web_dashboard,
    web_gantt,
    xer_import,
)

BENCHMARKS = {
    "end_to_end": end_to_end.main,
    "plan_load": plan_load.main,
    "cpm": cpm.main,
    "impact": impact.main,
    "montecarlo": montecarlo.main,
    "montecarlo_leveled": montecarlo_leveled.main,
    "mspdi_import": mspdi_import.main,
    "leveling": leveling.main,
    "plan_leveling": plan_leveling.main,
    "storage": storage.main,
    "tj3": tj3.main,
    "entity_edit": entity_edit.main,
    "api_load": api_load.main,
    "web_dashboard": web_dashboard.main,
    "web_gantt": web_gantt.main,
    "xer_import": xer_import.main,
    "report_html": report_html.main,
    "csv_ical": csv_ical.main,
}


def main(argv: list[str]) -> int:
    names = argv or list(BENCHMARKS)
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        print(f"unknown benchmark(s) {unknown}; choose from {sorted(BENCHMARKS)}", file=sys.stderr)
        return 2
    for name in names:
        BENCHMARKS[name]()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
