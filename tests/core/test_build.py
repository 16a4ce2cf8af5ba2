"""The whole pipeline on the real content and on small sites: pages, backlinks, links, safety."""
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from site_builder import BuildFailed, Paths, build, load_site
from site_builder.tools.linkcheck import check_links

from ..conftest import ROOT, TEMPLATES

CONTENT = ROOT / "content"


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def real_site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("real") / "_site"
    build(Paths(CONTENT, TEMPLATES, out))
    return out


def test_every_entity_has_its_page(real_site):
    site, _, _ = load_site(CONTENT)
    for entity in site.by_id.values():
        page = real_site / entity.type.folder / entity.id / "index.html"
        assert page.is_file(), entity.id
        assert soup(page).h1.get_text(" ", strip=True).startswith(entity.title)
    for ctype in site.types:
        assert (real_site / ctype.folder / "index.html").is_file()
    assert (real_site / "index.html").is_file() and (real_site / "404.html").is_file()


def test_backlinks_on_real_pages(real_site):
    site, _, _ = load_site(CONTENT)
    for person in site.by_type["person"]:
        page = soup(real_site / "people" / person.id / "index.html")
        section = page.find(id="timeline-heading").parent   # meetings and events, in time order
        linked = [a["href"].rstrip("/").rsplit("/", 1)[-1] for a in section.find_all("a") if "/meetings/" in a["href"]]
        assert linked == [m.id for m in site.links_of(person)["meetings"]]
    for issue in site.by_type["issue"]:
        page = soup(real_site / "issues" / issue.id / "index.html")
        section = page.find(id="timeline-heading").parent
        linked = [a["href"].rstrip("/").rsplit("/", 1)[-1] for a in section.find_all("a") if "/meetings/" in a["href"]]
        assert linked == [m.id for m in site.links_of(issue)["meetings"]]
    for source in site.by_type["source"]:
        page = soup(real_site / "sources" / source.id / "index.html")
        section = page.find(id="cited-heading").parent
        assert len(section.find_all("a")) == len(site.links_of(source)["cited_by"])


def test_meeting_page_links_participants_issues_sources_and_neighbours(real_site):
    site, _, _ = load_site(CONTENT)
    meetings = site.by_type["meeting"]
    middle = meetings[1]
    page = soup(real_site / "meetings" / middle.id / "index.html")
    hrefs = {a["href"] for a in page.find_all("a")}
    base = "/diplomatic-explainer/" if "diplomatic-explainer" in site.settings["base_url"] else "/"
    for person_id in middle.values["participants"]:
        assert f"{base}people/{person_id}/" in hrefs
    for issue_id in middle.values["issues"] or ():
        assert f"{base}issues/{issue_id}/" in hrefs
    assert page.find("a", rel="prev")["href"] == f"{base}meetings/{meetings[0].id}/"
    assert page.find("a", rel="next")["href"] == f"{base}meetings/{meetings[2].id}/"
    cited = [li["id"] for li in page.find("section", class_="sources").find_all("li")]
    assert cited[: len(middle.values["sources"])] == [f"cite-{s}" for s in middle.values["sources"]]


def test_native_names_carry_their_language(real_site):
    page = soup(real_site / "people" / "wang-yi" / "index.html")
    assert page.h1.find("span", lang="zh-Hans").text == "王毅"


@pytest.mark.parametrize("base_url", ["https://user.github.io/repo/", "https://example.org/",
                                      "https://user.github.io/a/b/"])
def test_every_internal_link_and_asset_resolves(tmp_path, base_url):
    out = tmp_path / "_site"
    build(Paths(CONTENT, TEMPLATES, out), base_url=base_url)
    assert check_links(out, base_url) == []
    home = soup(out / "index.html")
    assert home.find("link", rel="stylesheet")["href"].startswith(base_url.split(".org")[-1].split(".io")[-1])


def test_link_checker_finds_a_broken_link(tmp_path):
    out = tmp_path / "_site"
    build(Paths(CONTENT, TEMPLATES, out), base_url="https://user.github.io/repo/")
    page = out / "people" / "wang-yi" / "index.html"
    page.write_text(page.read_text().replace("</main>", '<a href="/repo/nowhere/">x</a>'
                                             '<a href="/repo/#missing">y</a></main>'))
    broken = [str(b) for b in check_links(out, "https://user.github.io/repo/")]
    assert broken == ["people/wang-yi/index.html: broken link /repo/nowhere/ (no such page or file)",
                      "people/wang-yi/index.html: broken link /repo/#missing (no such #fragment)"]


def test_building_twice_gives_identical_bytes(tmp_path):
    first, second = tmp_path / "one", tmp_path / "two"
    build(Paths(CONTENT, TEMPLATES, first))
    build(Paths(CONTENT, TEMPLATES, second))
    assert snapshot(first) == snapshot(second)


def test_failed_build_leaves_previous_output_untouched(make_site, tmp_path):
    content = make_site()
    out = tmp_path / "_site"
    build(Paths(content, TEMPLATES, out))
    before = snapshot(out)
    (content / "people" / "wang-yi.yaml").write_text("name: [unclosed\n")
    with pytest.raises(BuildFailed):
        build(Paths(content, TEMPLATES, out))
    assert snapshot(out) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_deleted_yaml_removes_its_page(make_site, tmp_path):
    content = make_site()
    out = tmp_path / "_site"
    build(Paths(content, TEMPLATES, out))
    assert (out / "issues" / "fentanyl" / "index.html").exists()
    make_site({"issues/fentanyl.yaml": None,
               "meetings/talks.yaml": (content / "meetings/talks.yaml").read_text().replace(
                   "issues:\n  - fentanyl\n", "")})
    build(Paths(content, TEMPLATES, out))
    assert not (out / "issues" / "fentanyl").exists()


def test_refuses_to_replace_a_folder_it_did_not_make(make_site, tmp_path):
    out = tmp_path / "precious"
    out.mkdir()
    (out / "thesis.txt").write_text("keep me")
    with pytest.raises(BuildFailed, match="not made by this builder"):
        build(Paths(make_site(), TEMPLATES, out))
    assert (out / "thesis.txt").read_text() == "keep me"


def test_template_error_names_template_line_and_content_file(make_site, tmp_path):
    templates = tmp_path / "templates"
    subprocess.run(["cp", "-r", str(TEMPLATES), str(templates)], check=True)
    person = templates / "person.html"
    person.write_text(person.read_text().replace("{{ p.role }}", "{{ p.nmae }}"))
    with pytest.raises(BuildFailed) as failed:
        build(Paths(make_site(), templates, tmp_path / "_site"))
    messages = [str(p) for p in failed.value.problems]
    line = next(i for i, text in enumerate(person.read_text().splitlines(), 1) if "p.nmae" in text)
    assert len(messages) == 1
    assert messages[0].endswith(f"person.html:{line}:1: template error: 'dict object' has no attribute "
                                f"'nmae' (while rendering {tmp_path}/content/people/antony-blinken.yaml)")


def run_cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "build.py"), *args], cwd=cwd,
                          capture_output=True, text=True)


def test_cli_reports_all_errors_without_traceback(make_site, tmp_path):
    content = make_site({
        "meetings/talks.yaml": (make_site() / "meetings/talks.yaml").read_text().replace("wang-yi\n", "wang-yl\n"),
        "people/antony-blinken.yaml": "name: A\nrole: r\ncountry: c\nsummary: s\nrole: again\n",
    })
    result = run_cli("--content", str(content), "--out", str(tmp_path / "out"), "--templates", str(TEMPLATES))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert f"{content}/meetings/talks.yaml:7:5: participants[1]: unknown person 'wang-yl' " \
           f"(did you mean 'wang-yi'?)" in lines
    assert f"{content}/people/antony-blinken.yaml:5:1: role: duplicate key (first defined on line 2)" in lines
    assert lines[-1] == f"build failed: 2 problems; {tmp_path / 'out'} left unchanged"
    assert not (tmp_path / "out").exists()


def test_cli_builds_and_prints_one_summary_line(make_site, tmp_path):
    out = tmp_path / "out"
    result = run_cli("build", "--content", str(make_site()), "--out", str(out), "--templates", str(TEMPLATES))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"built {len(list(out.rglob('*.html')))} pages into {out} in ")
    assert len(result.stdout.splitlines()) == 1


def test_check_validates_without_writing(make_site, tmp_path):
    content = make_site({"issues/fentanyl.yaml": "title: F\nsummary: x\nsources: [src-b]\n"})
    result = run_cli("check", "--content", str(content), "--out", str(tmp_path / "out"))
    assert result.returncode == 1
    assert f"{content}/issues/fentanyl.yaml:3:11: sources[0]: unknown source 'src-b' (did you mean 'src-a'?)" \
        in result.stderr.splitlines()
    assert not (tmp_path / "out").exists()


def test_check_site_reports_broken_links(make_site, tmp_path):
    content, out = make_site(), tmp_path / "out"
    build(Paths(content, TEMPLATES, out))
    assert run_cli("check", "--site", "--content", str(content), "--out", str(out)).returncode == 0
    (out / "issues" / "fentanyl" / "index.html").unlink()
    result = run_cli("check", "--site", "--content", str(content), "--out", str(out))
    assert result.returncode == 1
    assert "meetings/talks/index.html: broken link /repo/issues/fentanyl/ (no such page or file)" in result.stderr


def test_template_output_is_escaped_exactly_as_markupsafe_escapes_it(tmp_path):
    # render.py compiles {{ value }} to its own escape_str(); the bytes must stay Jinja's.
    import jinja2
    from markupsafe import Markup

    from site_builder.core.render import make_environment

    class Html:
        def __html__(self):
            return "<i>as is</i>"

    class Text(str):
        pass

    (tmp_path / "page.html").write_text(
        '{% macro m(x) %}<b>{{ x }}</b>{% endmacro %}'
        '{% for v in values %}[{{ v }}|{{ m(v) }}|{% set s %}{{ v }}{% endset %}{{ s }}|'
        '{% autoescape false %}{{ v }}{% endautoescape %}]{% endfor %}')
    values = ["plain", "<a href=\"x\">'&amp;'</a>", "", "ünïcødé & <>", Text("<sub>"), Markup("<em>kept</em>"),
              Html(), 3, 2.5, None, True, ["<l>"], {"k": "<v>"}]
    stock = jinja2.Environment(loader=jinja2.FileSystemLoader(str(tmp_path)), autoescape=True)
    ours = make_environment(tmp_path)
    expected = stock.get_template("page.html").render(values=values)
    assert ours.get_template("page.html").render(values=values) == expected
    assert "&lt;a href=&#34;x&#34;&gt;&#39;&amp;amp;&#39;&lt;/a&gt;" in expected
