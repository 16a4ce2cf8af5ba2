"""The GitHub Pages workflow parses, passes actionlint, follows the official Pages flow,
and its build step builds for the repository's Pages URL without touching site.yaml."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from .conftest import ROOT

WORKFLOW = ROOT / ".github" / "workflows" / "pages.yml"
ACTIONLINT = Path(sys.executable).parent / "actionlint"


@pytest.fixture(scope="module")
def workflow() -> dict:
    # PyYAML reads the key `on` as the boolean True (YAML 1.1); take it back.
    data = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    data["on"] = data.pop(True)
    return data


def step(job: dict, uses: str | None = None, name: str | None = None) -> dict:
    found = [s for s in job["steps"] if (uses and s.get("uses", "").startswith(uses + "@"))
             or (name and s.get("name") == name)]
    assert len(found) == 1, (uses, name)
    return found[0]


def test_workflow_follows_the_official_pages_flow(workflow):
    assert set(workflow["on"]) == {"push", "workflow_dispatch"}
    assert workflow["concurrency"] == {"group": "pages", "cancel-in-progress": False}
    jobs = workflow["jobs"]
    assert jobs["test"]["steps"][-1]["run"] == "make test"
    build, deploy = jobs["build"], jobs["deploy"]
    assert build["needs"] == "test" and deploy["needs"] == "build"
    order = [s.get("uses", s.get("name", "")).split("@")[0] for s in build["steps"]]
    assert order == ["actions/checkout", "actions/setup-python", "Install the project", "actions/configure-pages",
                     "Build for the Pages URL", "Check every link, asset and fragment as served under the base path",
                     "actions/upload-pages-artifact"]
    assert step(build, name="Install the project")["run"] == "python -m pip install ."
    artifact = step(build, uses="actions/upload-pages-artifact")["with"]
    assert artifact == {"path": "_site", "include-hidden-files": True}   # .nojekyll is a dot-file
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    assert step(deploy, uses="actions/deploy-pages")["id"] == "deployment"
    assert workflow["permissions"] == {"contents": "read"}


def test_build_takes_its_base_url_from_configure_pages(workflow):
    build = workflow["jobs"]["build"]
    assert step(build, uses="actions/configure-pages")["id"] == "pages"
    building = step(build, name="Build for the Pages URL")
    assert building["env"] == {"BASE_URL": "${{ steps.pages.outputs.base_url }}"}
    assert "--base-url" in building["run"]
    checking = step(build, name="Check every link, asset and fragment as served under the base path")
    assert "check --site" in checking["run"] and "--base-url" in checking["run"]


def test_workflow_passes_actionlint():
    result = subprocess.run([str(ACTIONLINT), "-no-color", "-oneline", str(WORKFLOW)], capture_output=True, text=True)
    assert (result.returncode, result.stdout) == (0, "")


def test_actionlint_catches_a_broken_workflow(tmp_path):
    broken = tmp_path / "pages.yml"
    broken.write_text(WORKFLOW.read_text().replace("id-token: write", "id-token: writ")
                      .replace("needs: build", "needs: biuld"))
    result = subprocess.run([str(ACTIONLINT), "-no-color", "-oneline", str(broken)], capture_output=True, text=True)
    assert result.returncode == 1
    assert "writ" in result.stdout and "biuld" in result.stdout


@pytest.mark.parametrize("env, expected_prefix", [
    ({"BASE_URL": "https://octo.github.io/explainer"}, "/explainer/"),
    ({"BASE_URL": "https://explainer.example.org"}, "/"),
    ({"BASE_URL": "", "GITHUB_REPOSITORY": "octo/my-repo", "GITHUB_REPOSITORY_OWNER": "octo"}, "/my-repo/"),
])
def test_build_step_builds_for_the_pages_url(workflow, tmp_path, env, expected_prefix):
    # Run the workflow's own build script in a copy of the project, as the runner would.
    for folder in ("content", "templates"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    shutil.copy(ROOT / "build.py", tmp_path / "build.py")
    github_env = tmp_path / "github_env"
    script = step(workflow["jobs"]["build"], name="Build for the Pages URL")["run"]
    run_env = {**os.environ, **env, "GITHUB_ENV": str(github_env), "PYTHONPATH": str(ROOT),
               "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    result = subprocess.run(["bash", "-e", "-c", script], cwd=tmp_path, env=run_env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    home = BeautifulSoup((tmp_path / "_site" / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert home.find("link", rel="stylesheet")["href"] == expected_prefix + "static/style.css"
    base = github_env.read_text().strip().removeprefix("SITE_BASE_URL=")
    assert home.find("link", rel="canonical")["href"] == base
    assert (tmp_path / "content" / "site.yaml").read_bytes() == (ROOT / "content" / "site.yaml").read_bytes()
