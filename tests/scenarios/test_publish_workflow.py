"""The GitHub Pages workflow, run as GitHub runs it: its build job's steps verbatim, in a
fresh virtual environment on a clean checkout (tests/workflow_runner.py), then the folder
the upload step would hand to Pages is checked as a reader would meet it. actionlint keeps
the file itself valid."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from site_builder.publish.files import pages_url

from ..conftest import ROOT
from ..workflow_runner import Runner, _Context, clean_checkout, load_workflow, run_job

WORKFLOW = ROOT / ".github" / "workflows" / "pages.yml"
ACTIONLINT = Path(sys.executable).parent / "actionlint"
PAGES_URL = "https://octo.github.io/explainer"


@pytest.fixture(scope="module")
def workflow() -> dict:
    return load_workflow(WORKFLOW)


@pytest.fixture(scope="module")
def runner(tmp_path_factory) -> Runner:
    return Runner(tmp_path_factory.mktemp("runner"), pages_base_url=PAGES_URL)


@pytest.fixture(scope="module")
def pushed(runner, workflow, tmp_path_factory):
    """A push to main: the build job, step by step, on a clean checkout."""
    checkout = clean_checkout(ROOT, tmp_path_factory.mktemp("checkout"))
    return checkout, run_job(runner, workflow, "build", checkout, event="push")


def test_push_to_main_uploads_a_deployable_site_with_search(pushed):
    checkout, job = pushed
    site = job.uploaded
    assert job.artifact == "github-pages"
    assert (site / "index.html").is_file() and (site / "404.html").is_file()
    assert (site / ".nojekyll").is_file(), "GitHub Pages would run Jekyll over the site"
    assert (site / "pagefind" / "pagefind.js").is_file(), "the search index is missing"
    assert list((site / "pagefind").glob("index/*.pf_index")), "the search index has no pages"
    home = BeautifulSoup((site / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert home.find("link", rel="canonical")["href"] == PAGES_URL + "/"
    assert home.find("link", rel="stylesheet")["href"] == "/explainer/static/style.css"
    assert home.find("link", rel="icon")["href"] == "/explainer/static/favicon.svg"
    assert (site / "static" / "favicon.svg").is_file()
    # The content in the checkout is untouched: nobody edits base_url for a deploy.
    assert (checkout / "content" / "site.yaml").read_bytes() == (ROOT / "content" / "site.yaml").read_bytes()


def test_uploaded_folder_resolves_every_link_under_the_project_path(pushed):
    checkout, job = pushed
    result = subprocess.run([sys.executable, "build.py", "check", "--site", "--out", str(job.uploaded),
                             "--base-url", PAGES_URL + "/"], cwd=checkout, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_plain_install_gives_everything_the_commands_need(pushed):
    """`pip install .` alone: build (with search), check, new and schema run from it."""
    checkout, job = pushed
    python = job.python   # the fresh environment the job's setup-python step made
    tools = subprocess.run([str(python), "-m", "pip", "list", "--format=freeze"], capture_output=True, text=True)
    names = {line.split("==")[0].lower() for line in tools.stdout.splitlines()}
    assert "pagefind" in names
    assert not names & {"pytest", "playwright", "hypothesis", "beautifulsoup4"}, "test tools in the runtime"
    for command in (["new", "person", "jane-doe", "--content", "scratch"], ["schema", "--schemas", "scratch-schemas"]):
        done = subprocess.run([str(python), "build.py", *command], cwd=checkout, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr


def test_a_one_file_change_is_published_by_a_warm_build(runner, workflow, pushed, tmp_path):
    checkout = clean_checkout(ROOT, tmp_path / "checkout")
    person = checkout / "content" / "people" / "antony-blinken.yaml"
    person.write_text(person.read_text(encoding="utf-8").replace("US Secretary of State",
                                                                 "US Secretary of State (warm)", 1),
                      encoding="utf-8")
    job = run_job(runner, workflow, "build", checkout, event="push")
    assert job.cache_hit, "the second run did not restore the builder's cache"
    page = job.uploaded / "people" / "antony-blinken" / "index.html"
    assert "US Secretary of State (warm)" in page.read_text(encoding="utf-8")


def test_a_pull_request_is_built_and_uploaded_for_review_but_not_deployed(runner, workflow, tmp_path):
    """Without configure-pages (a pull request) the address comes from the repository, or from
    site.yaml's custom domain: a site with `domain:` must not fail its previews."""
    checkout = clean_checkout(ROOT, tmp_path / "checkout")
    settings = checkout / "content" / "site.yaml"
    settings.write_text(settings.read_text(encoding="utf-8") + "domain: explainer.example.org\n", encoding="utf-8")
    job = run_job(runner, workflow, "build", checkout, event="pull_request", ref="refs/pull/7/merge")
    assert job.artifact == "site-preview"
    assert "pages" not in job.outputs, "configure-pages ran on a pull request"
    assert (job.uploaded / "index.html").is_file() and (job.uploaded / ".nojekyll").is_file()
    assert (job.uploaded / "CNAME").read_text() == "explainer.example.org\n"
    home = BeautifulSoup((job.uploaded / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert home.find("link", rel="canonical")["href"] == "https://explainer.example.org/"


@pytest.mark.parametrize("domain, repository, expected", [
    (None, "octo/explainer", "https://octo.github.io/explainer/"),
    (None, "Octo/Explainer", "https://octo.github.io/Explainer/"),
    (None, "octo/octo.github.io", "https://octo.github.io/"),
    ("explainer.example.org", "octo/explainer", "https://explainer.example.org/"),
])
def test_pages_url_is_where_github_serves_the_site(domain, repository, expected):
    assert pages_url(domain, repository) == expected


def test_pages_url_without_a_repository_says_what_to_set():
    done = subprocess.run([sys.executable, "build.py", "pages-url", "--repository", ""], cwd=ROOT,
                          capture_output=True, text=True)
    assert done.returncode == 2 and "GITHUB_REPOSITORY" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize("event, ref, deploys", [
    ("push", "refs/heads/main", True),
    ("workflow_dispatch", "refs/heads/main", True),
    ("pull_request", "refs/pull/7/merge", False),
    ("workflow_dispatch", "refs/heads/feature", False),
])
def test_only_main_deploys(workflow, runner, event, ref, deploys):
    deploy = workflow["jobs"]["deploy"]
    context = _Context(runner, event, ref, ROOT, {})
    assert bool(context.evaluate(deploy.get("if", "true"))) is deploys
    assert deploy["needs"] == "build" and workflow["jobs"]["build"]["needs"] == "test"
    assert "pull_request" in workflow["on"] and workflow["on"]["push"]["branches"] == ["main"]


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


def test_runner_leaves_out_dot_files_unless_asked(workflow, tmp_path):
    """The stand-in upload behaves like the real one, so dropping include-hidden-files fails
    the deploy test above (.nojekyll missing) instead of passing unnoticed."""
    checkout = tmp_path / "checkout"
    (checkout / "_site").mkdir(parents=True)
    (checkout / "_site" / ".nojekyll").touch()
    (checkout / "_site" / "index.html").touch()
    job = {"jobs": {"upload": {"steps": [{"uses": "actions/upload-pages-artifact@v5", "with": {"path": "_site"}}]}}}
    result = run_job(Runner(tmp_path / "work"), job, "upload", checkout)
    assert sorted(p.name for p in result.uploaded.iterdir()) == ["index.html"]
