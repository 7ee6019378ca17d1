"""The Monte Carlo page's "leveled" switch: the figures of ``progman simulate --leveled``."""

from __future__ import annotations

import html
import json

from tests.api_support import PASSWORD

from progman.cli.main import main as cli
from progman.samples import sample_plan_path


def test_the_leveled_switch_shows_the_leveled_simulation(api, capsys):
    api.client.post(
        "/login",
        data={"username": "victor", "password": PASSWORD, "next": "/programs/DPL"},
    )
    plain = api.client.get("/programs/DPL/montecarlo?iterations=300&seed=3")
    assert plain.status_code == 200, plain.text[:500]
    assert 'id="leveled" name="leveled" type="checkbox" value="true">' in plain.text
    page = api.client.get("/programs/DPL/montecarlo?iterations=300&seed=3&leveled=true")
    assert page.status_code == 200, page.text[:500]
    main = html.unescape(page.text.split('<main id="main">', 1)[1])
    assert 'name="leveled" type="checkbox" value="true" checked>' in main
    sample = str(sample_plan_path())
    args = ["simulate", sample, "--iterations", "300", "--seed", "3", "--json", "--leveled"]
    assert cli(args) == 0
    answer = json.loads(capsys.readouterr().out)
    for level in ("p50", "p80", "p95"):
        assert answer["finish"][level].replace("T", " ") in main
    planned = answer["deterministic"]
    assert "Leveled planned finish" in main
    assert planned["finish"].replace("T", " ") in main
    assert f"{100 * planned['probability']:.1f} % of runs finish by the plan's date" in main
