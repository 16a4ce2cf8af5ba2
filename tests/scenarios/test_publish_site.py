"""The built site works when served at a sub-path, at the root and on a custom domain;
404.html works from any depth; `check --site` crawls it over HTTP and names what breaks."""
import os
import subprocess
import sys
import xml.etree.ElementTree as etree
from urllib.parse import urljoin, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from site_builder import BuildFailed, Paths, build
from site_builder.tools.linkcheck import check_links
from site_builder.tools.static_server import serve_site

from ..conftest import MINIMAL, ROOT, TEMPLATES, write_tree
from ..publish_helpers import CONTENT, build_real, crawl, data_file, data_index, fetch, mount, soup, stock_server

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
DOMAIN = "explainer.example.org"
CASES = {
    "project site": ("https://user.github.io/repo/", ""),
    "nested sub-path": ("https://user.github.io/a/b/", ""),
    "root": ("https://example.org/", ""),
    "custom domain": (f"https://{DOMAIN}/", f"domain: {DOMAIN}\n"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_served_site_resolves_every_link_asset_and_fragment(tmp_path, case):
    base_url, extra = CASES[case]
    out = build_real(tmp_path, base_url, extra)
    root = mount(out, tmp_path, base_url)
    prefix = "/" + base_url.split("/", 3)[3]
    html_files = sorted(out.rglob("*.html"))
    with stock_server(root) as origin:
        start = [origin + prefix + p.relative_to(out).as_posix().removesuffix("index.html") for p in html_files]
        result = crawl(origin, base_url, start)
        home_result = crawl(origin, base_url, [origin + prefix])
    assert result.problems == []
    assert len(result.pages) == len(html_files)
    sitemap = [loc.text for loc in etree.parse(out / "sitemap.xml").getroot().iter(f"{SITEMAP}loc")]
    assert all(loc.startswith(base_url) for loc in sitemap)
    reached_from_home = {url[len(origin):] for url in home_result.pages}
    assert {urlsplit(loc).path for loc in sitemap} <= reached_from_home
    assert check_links(out, base_url) == []


@pytest.mark.parametrize("case", list(CASES))
def test_output_has_pages_control_files_and_no_symlinks(tmp_path, case):
    base_url, extra = CASES[case]
    out = build_real(tmp_path, base_url, extra)
    assert (out / ".nojekyll").is_file() and (out / "404.html").is_file()
    assert ((out / "CNAME").read_text() == f"{DOMAIN}\n") if extra else not (out / "CNAME").exists()
    assert [p for p in out.rglob("*") if p.is_symlink()] == []
    robots = (out / "robots.txt").read_text().splitlines()
    assert f"Sitemap: {base_url}sitemap.xml" in robots


@pytest.mark.parametrize("base_url", ["https://user.github.io/repo/", "https://example.org/"])
def test_404_page_works_from_any_depth(tmp_path, base_url):
    out = build_real(tmp_path, base_url)
    prefix = "/" + base_url.split("/", 3)[3]
    with serve_site(out, prefix) as origin:
        for missing in ("nope", "people/nobody/", "a/b/c/d/e.html"):
            url = origin + prefix + missing
            status, kind, body = fetch(url)
            assert (status, kind) == (404, "text/html")
            page = soup(body)
            assert page.h1.get_text(strip=True) == "Page not found"
            links = [tag["href"] for tag in page.find_all(["a", "link"], href=True)
                     if not tag["href"].startswith(("https://", "#"))]
            assert {"stylesheet"} <= {rel for tag in page.find_all("link", href=True) for rel in tag["rel"]}
            assert len(links) > 5, "the 404 page links home, to every section and to its stylesheet"
            for link in links:
                assert fetch(urljoin(url, link))[0] == 200, f"{link} from {url}"


def test_pages_server_behaves_like_github_pages(tmp_path):
    out = build_real(tmp_path, "https://user.github.io/repo/")
    with serve_site(out, "/repo/") as origin:
        assert fetch(origin + "/repo/")[0] == 200
        assert fetch(origin + "/repo")[0] == 200                         # redirected to /repo/
        assert fetch(origin + "/repo/people")[0] == 200                  # redirected to /repo/people/
        assert fetch(origin + "/people/")[0] == 404                      # outside the base path
        (out / "people" / "empty").mkdir()
        status, _, body = fetch(origin + "/repo/people/empty/")           # no folder listings
        assert status == 404 and soup(body).h1.get_text(strip=True) == "Page not found"


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "build.py"), *args], capture_output=True, text=True,
                          cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})


def test_check_site_names_the_page_and_each_broken_link(tmp_path):
    base_url = "https://user.github.io/repo/"
    out = tmp_path / "_site"
    common = ["--content", str(CONTENT), "--out", str(out), "--base-url", base_url]
    assert run_cli("build", *common).returncode == 0
    assert run_cli("check", "--site", *common).returncode == 0
    page = out / "people" / "wang-yi" / "index.html"
    page.write_text(page.read_text(encoding="utf-8").replace("</main>", (
        '<a href="/people/xi-jinping/">outside the base path</a>'
        '<a href="../no-such-person/">missing page</a>'
        '<img src="/repo/static/missing.png" alt="">'
        '<a href="/repo/meetings/#nowhere">missing fragment</a>'
        '<a href="https://user.github.io/repo/issues/nothing/">absolute, missing</a>'
        '<a href="https://user.github.io/other-repo/">another project: not ours to check</a>'
        '<a href="/repo/static/two words.css">a space</a><a href="/repo/static/图.png">non-ASCII</a>'
        '<a href="http://[::1">malformed</a>'
        '</main>')), encoding="utf-8")
    (out / "static" / "style.css").unlink()
    result = run_cli("check", "--site", *common)
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    name = "people/wang-yi/index.html"
    for expected in (f"{name}: broken link /people/xi-jinping/ (no such page or file)",
                     f"{name}: broken link ../no-such-person/ (no such page or file)",
                     f"{name}: broken link /repo/static/missing.png (no such page or file)",
                     f"{name}: broken link /repo/meetings/#nowhere (no such #fragment)",
                     f"{name}: broken link https://user.github.io/repo/issues/nothing/ (no such page or file)",
                     "index.html: broken link /repo/static/style.css (no such page or file)",
                     f"{name}: broken link /repo/static/two words.css (no such page or file)",
                     f"{name}: broken link /repo/static/图.png (no such page or file)",
                     f"{name}: broken link http://[::1 (malformed URL: Invalid IPv6 URL)",
                     "404.html (served at /repo/no/such/page/here/): broken link /repo/static/style.css "
                     "(no such page or file)"):
        assert expected in lines
    assert not any("other-repo" in line for line in lines)
    assert lines[-1].startswith("check failed: ")


@pytest.mark.facts_of("blinken-wang-yi")
def test_check_site_finds_links_in_sitemap_feed_and_data(tmp_path):
    base_url = "https://user.github.io/repo/"
    out = build_real(tmp_path, base_url)
    (out / "meetings" / "blinken-wang-yi" / "index.html").unlink()
    gone = data_index(out)["types"]["terms"]["files"][0]["url"]
    data_file(out, gone).unlink()
    found = check_links(out, base_url)
    broken = {(b.page, b.reason) for b in found if b.link == f"{base_url}meetings/blinken-wang-yi/"}
    assert {("sitemap.xml", "no such page or file"), ("feed.xml", "no such page or file")} <= broken
    # In the meeting's own record and in its participants', each in the data file data.json lists.
    in_data = {page.split("/")[1] for page, _ in broken if page.startswith("data/")}
    assert {"meetings", "people"} <= in_data
    assert ("data.json", gone, "no such page or file") in {(b.page, b.link, b.reason) for b in found}


def test_custom_domain_must_match_the_base_url(make_site, tmp_path):
    content = make_site({"site.yaml": """
        title: Test explainer
        description: A tiny site for tests.
        base_url: https://example.org/repo/
        language: en
        domain: explainer.example.org
    """})
    with pytest.raises(BuildFailed) as failed:
        build(Paths(content, TEMPLATES, tmp_path / "_site"), base_url="https://user.github.io/repo/")
    assert [str(p) for p in failed.value.problems] == [
        f"{content}/site.yaml:5:9: domain: custom domain 'explainer.example.org' does not match the base URL "
        "https://user.github.io/repo/ (build with --base-url https://explainer.example.org/ (a custom domain "
        "serves the site at its root), or remove domain)"]
    assert not (tmp_path / "_site").exists()
    build(Paths(content, TEMPLATES, tmp_path / "_site"), base_url="https://explainer.example.org/")
    assert (tmp_path / "_site" / "CNAME").read_text() == "explainer.example.org\n"


def test_domain_must_be_a_bare_host_name(make_site, tmp_path):
    content = make_site({"site.yaml": """
        title: Test explainer
        description: A tiny site for tests.
        base_url: https://example.org/
        language: en
        domain: https://explainer.example.org/
    """})
    with pytest.raises(BuildFailed) as failed:
        build(Paths(content, TEMPLATES, tmp_path / "_site"))
    assert [str(p) for p in failed.value.problems] == [
        f"{content}/site.yaml:5:9: domain: expected a host name such as 'explainer.example.org', got "
        "'https://explainer.example.org/' (write the domain only: no https://, no port, no path)"]


def test_check_site_with_another_base_url_says_so_once(tmp_path):
    out = build_real(tmp_path, "https://user.github.io/repo/")
    assert [str(b) for b in check_links(out, "https://example.org/")] == [
        "index.html: broken link https://user.github.io/repo/ (the site was built for another base URL than "
        "https://example.org/; pass the same --base-url to build and check)"]


SEGMENT = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~", min_size=1,
                  max_size=12).filter(lambda s: s.strip(".") != "")


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(segments=st.lists(SEGMENT, max_size=3), host=st.sampled_from(["user.github.io", "explainer.example.org"]))
def test_any_base_path_gives_a_site_whose_links_all_resolve(tmp_path_factory, segments, host):
    tmp = tmp_path_factory.mktemp("anybase")
    base_url = f"https://{host}/" + "".join(f"{s}/" for s in segments)
    content = write_tree(tmp / "content", MINIMAL)
    build(Paths(content, TEMPLATES, tmp / "_site"), base_url=base_url)
    assert check_links(tmp / "_site", base_url) == []
