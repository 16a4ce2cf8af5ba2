"""An editor's valid change never blocks the deploy.

In a clean checkout, an editor adds a meeting, a person and an issue the way docs/editing.md
says (`build.py new`, then filling in the fields), and deletes a meeting and every reference to
it. Then the gate the Pages workflow runs before it deploys runs on that checkout, verbatim:
the test job's steps (`make test`: the whole suite but this file) and the build job's steps
(`check --strict`, the build, `check --site`, the upload). Both must stay green.

The gate runs the whole suite again, so this file is the slowest in the suite; both changes
share one checkout so that it runs once.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from ..conftest import ROOT
from ..workflow_runner import Runner, clean_checkout, commit_all, load_workflow, run_job

WORKFLOW = ROOT / ".github" / "workflows" / "pages.yml"


def new(checkout: Path, type_name: str, entity_id: str, fields: dict[str, str]) -> Path:
    """`python build.py new TYPE ID`, then fill in fields as an editor would: each value is
    typed after its `name:` line (block values indented below it)."""
    done = subprocess.run([sys.executable, "build.py", "new", type_name, entity_id], cwd=checkout,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    path = Path(checkout, done.stdout.split()[1].rstrip(":,"))
    text = path.read_text(encoding="utf-8")
    for name, value in fields.items():
        text, count = re.subn(rf"^{name}:$", lambda _: f"{name}:{value}", text, count=1, flags=re.M)
        assert count == 1, f"the new {type_name} file has no empty '{name}:' line"
    # `new` writes a draft; the editor publishes it as its message says.
    text, count = re.subn(r"^draft: true\n", "", text, count=1, flags=re.M)
    assert count == 1, f"the new {type_name} file is not a draft"
    path.write_text(text, encoding="utf-8")
    return path


def add_meeting_person_and_issue(checkout: Path) -> None:
    new(checkout, "person", "jane-roe", {
        "name": " Jane Roe",
        "role": " Deputy Chief of Mission, US Embassy in Beijing",
        "country": " United States",
        "summary": " A diplomat at the US Embassy in Beijing [[seed-article]].",
    })
    new(checkout, "issue", "student-exchanges", {
        "title": " Student exchanges",
        "summary": " |\n  Both governments speak of more exchanges between young people [[seed-article]].",
        "sources": "\n  - seed-article",
        "positions": ("\n  United States: Washington says it welcomes more students [[seed-article]]."
                      "\n  China: Beijing says it welcomes more students [[seed-article]]."),
    })
    new(checkout, "meeting", "embassy-reception", {
        "title": " Reception at the US Embassy",
        "date": " 2024-04-27",
        "location": " US Embassy, Beijing",
        "status": " held",
        "participants": "\n  - antony-blinken\n  - jane-roe",
        "summary": " A reception on [[student-exchanges]] with [[jane-roe]] [[seed-article]].",
        "sources": "\n  - seed-article",
        "time": ' "18:30"',
        "timezone": " Asia/Shanghai",
        "issues": "\n  - student-exchanges",
    })


def delete_meeting_and_references(checkout: Path, meeting: str = "blinken-wang-yi") -> None:
    """Delete the meeting file; drop it from every list, unlink it in every text; then delete
    whatever `check --strict` says is no longer linked from anywhere, as the warning advises."""
    content = checkout / "content"
    (content / "meetings" / f"{meeting}.yaml").unlink()
    for path in content.rglob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        changed = re.sub(rf"^\s*- {meeting}\n", "", text, flags=re.M)
        changed = re.sub(rf"\[\[{meeting}\|([^\]]+)\]\]", r"\1", changed)
        changed = re.sub(rf"\[\[{meeting}\]\]", "the talks with Wang Yi", changed)
        if changed != text:
            path.write_text(changed, encoding="utf-8")
    for _ in range(5):
        done = subprocess.run([sys.executable, "build.py", "check", "--strict"], cwd=checkout,
                              capture_output=True, text=True)
        orphans = re.findall(r"^(content/\S+\.yaml):\d+:\d+: warning: \S+ '[^']+' is not linked from anywhere",
                             done.stderr, flags=re.M)
        if done.returncode == 0 or not orphans:
            break
        for orphan in orphans:
            (checkout / orphan).unlink()
    assert done.returncode == 0, done.stderr


def run_the_gate(checkout: Path, work: Path) -> None:
    """The test job's and the build job's steps, as the workflow has them, on `checkout`."""
    workflow = load_workflow(WORKFLOW)
    # The test job, verbatim, with this suite's virtual environment (the same pins) so it is not
    # installed again, and without this file (it would run itself).
    env = {**os.environ, "VENV": str(Path(sys.executable).parent.parent),
           "PYTEST_ADDOPTS": "--ignore=tests/scenarios/test_deploy_gate.py -p no:cacheprovider -q"}
    for step in workflow["jobs"]["test"]["steps"]:
        if "run" in step:
            done = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
                                  cwd=checkout, env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL)
            assert done.returncode == 0, f"{step['run']}:\n{done.stdout[-6000:]}\n{done.stderr[-3000:]}"
    job = run_job(Runner(work), workflow, "build", checkout, event="push")
    assert (job.uploaded / "index.html").is_file()


def test_an_editors_additions_and_deletions_keep_the_deploy_gate_green(tmp_path):
    """One checkout holds both kinds of change, so the whole suite runs once more, not twice:
    a new meeting, person and issue, and a meeting deleted with whatever it alone linked to."""
    checkout = clean_checkout(ROOT, tmp_path / "checkout")
    add_meeting_person_and_issue(checkout)
    delete_meeting_and_references(checkout)
    assert (checkout / "content" / "meetings" / "embassy-reception.yaml").is_file()
    commit_all(checkout, "An editor's change")
    run_the_gate(checkout, tmp_path / "runner")
