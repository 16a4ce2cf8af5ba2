import pytest

from site_builder.model import urls


@pytest.mark.parametrize("path, base_url, expected", [
    ("/people/wang-yi/", "https://user.github.io/repo/", "/repo/people/wang-yi/"),
    ("/people/wang-yi/", "https://user.github.io/repo", "/repo/people/wang-yi/"),
    ("/people/wang-yi/", "https://example.org/", "/people/wang-yi/"),
    ("/people/wang-yi/", "https://example.org", "/people/wang-yi/"),
    ("/", "https://user.github.io/repo/", "/repo/"),
    ("/static/style.css", "https://user.github.io/a/b/", "/a/b/static/style.css"),
    ("https://other.org/x", "https://user.github.io/repo/", "https://other.org/x"),
])
def test_href_adds_base_path_exactly_once(path, base_url, expected):
    assert urls.href(path, base_url) == expected


@pytest.mark.parametrize("path, expected", [
    ("/people/wang-yi/", "people/wang-yi/index.html"),
    ("/", "index.html"),
    ("/404.html", "404.html"),
    (urls.DATA_INDEX_PATH, "data.json"),
    (urls.data_file_path("meetings", "blinken-wang-yi"), "data/meetings/blinken-wang-yi.json"),
])
def test_output_file_maps_pretty_urls_to_index_files(path, expected):
    assert urls.output_file(path) == expected


def test_absolute_url_keeps_host_and_base_path():
    assert urls.absolute("/people/", "https://user.github.io/repo/") == "https://user.github.io/repo/people/"


def test_url_path_and_index_path():
    assert urls.url_path("people", "wang-yi") == "/people/wang-yi/"
    assert urls.index_path("meetings") == "/meetings/"


def test_data_file_path_is_absolute_under_the_base_path():
    path = urls.data_file_path("people", "wang-yi")
    assert urls.absolute(path, "https://user.github.io/repo/") == "https://user.github.io/repo/data/people/wang-yi.json"
