"""``progman report --format pdf``: WeasyPrint prints the HTML report; the PDF's text names
the milestones ``schedule --json`` gives, and its first page is kept as a PNG under
tests/reports/artifacts/ (gitignored) for a reader to look at."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pypdf
import pypdfium2
import pytest

from progman.cli.main import main

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("level", ["exec", "program", "team"])
def test_the_pdf_says_what_the_schedule_says_and_a_page_becomes_a_picture(
    capsys, tmp_path, sample_plan, level
):
    code, out, err = run(capsys, "schedule", str(sample_plan), "--json")
    assert code == 0, err
    schedule = json.loads(out)
    target = tmp_path / f"{level}.pdf"
    code, out, err = run(capsys, "report", str(sample_plan), "--level", level, "--format", "pdf",
                         "-o", str(target))  # fmt: skip
    assert code == 0, err
    data = target.read_bytes()
    assert data.startswith(b"%PDF-")
    reader = pypdf.PdfReader(io.BytesIO(data))
    text = " ".join(page.extract_text() for page in reader.pages)
    words = " ".join(text.split())  # a table cell may wrap
    assert "Digital Platform Launch" in words
    if level == "exec":
        for task in (t for t in schedule["tasks"] if t["milestone"]):
            assert task["id"] in words.replace(" ", "") or task["id"] in words, task["id"]
        assert f"finishes on {schedule['finish'][:10]}" in words
    elif level == "program":
        for ident, figures in schedule["projects"].items():
            assert f"({ident})" in words and figures["finish"][:10] in words
    else:
        assert "Sprint progress" in words and "Assignments per person" in words
    assert len(reader.pages) >= 2
    ARTIFACTS.mkdir(exist_ok=True)
    document = pypdfium2.PdfDocument(data)
    try:
        picture = document[0].render(scale=1.5).to_pil()
    finally:
        document.close()
    width, height = picture.size
    assert width > 800 and height > width  # A4 portrait
    picture.save(ARTIFACTS / f"report-{level}-page1.png")
    assert (ARTIFACTS / f"report-{level}-page1.png").stat().st_size > 10_000
