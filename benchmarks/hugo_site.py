"""Write a generated corpus as a Hugo site that does the same work as site_builder.

Same entities and Markdown; every entity page lists what site_builder's page lists
(participants, issues, backlinks through taxonomies, derived lists, citations), the
home page lists every meeting with its summary, each section an index. Benchmark
only: Hugo is never a dependency of the project.
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

WIKILINK = re.compile(r"\[\[([^\[\]|]+?)(?:\|([^\[\]]+?))?\]\]")
FOLDERS = {"person": "people", "meeting": "meetings", "issue": "issues", "source": "sources"}

CONFIG = """baseURL = "https://example.github.io/bench/"
title = "Synthetic explainer"
languageCode = "en"
disableKinds = ["RSS", "sitemap", "robotsTXT"]
# Taxonomies give the backlinks; their own pages are not rendered (site_builder has none).
[[cascade]]
[cascade._build]
render = "never"
list = "always"
[cascade._target]
kind = "{taxonomy,term}"
[taxonomies]
participant = "participants"
issue = "issues"
source = "sources"
"""

BASE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ .Title }} · {{ site.Title }}</title>
<meta name="description" content="{{ .Params.description | default site.Title }}">
<link rel="canonical" href="{{ .Permalink }}"><link rel="stylesheet" href="{{ "static/style.css" | relURL }}"></head>
<body><header><p><a href="{{ "/" | relURL }}">{{ site.Title }}</a></p><nav><ul>
{{ range site.Sections }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul></nav></header>
<main id="main">{{ block "main" . }}{{ end }}</main><footer><p>A generated corpus.</p></footer></body></html>
"""

REF_LIST = """{{ if . }}<ul class="ref-list">{{ range . }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a>
{{ with .Params.date }} <span class="meta">{{ . }}</span>{{ end }}</li>{{ end }}</ul>{{ else }}<p>None.</p>{{ end }}
"""

CITATIONS = """{{ with .Params.sources }}<section class="sources"><h2>Sources</h2><ol>
{{ range . }}{{ with site.GetPage (printf "/sources/%s" .) }}<li id="cite-{{ .File.ContentBaseName }}">
<a href="{{ .RelPermalink }}">{{ .Title }}</a>, {{ .Params.publisher }}</li>{{ end }}{{ end }}</ol></section>{{ end }}
"""

SINGLE = {
    "meetings": """{{ define "main" }}<article><h1>{{ .Title }}</h1><dl><dt>Date</dt><dd>{{ .Params.date }}</dd>
<dt>Place</dt><dd>{{ .Params.location }}</dd><dt>Participants</dt><dd><ul>{{ range .Params.participants }}
{{ with site.GetPage (printf "/people/%s" .) }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}{{ end }}</ul></dd></dl>
<div class="prose">{{ .Params.summary | markdownify }}</div><div class="prose">{{ .Content }}</div>
<h2>Issues raised</h2><ul>{{ range .Params.issues }}{{ with site.GetPage (printf "/issues/%s" .) }}
<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}{{ end }}</ul>
<nav>{{ with .NextInSection }}<a rel="prev" href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}
{{ with .PrevInSection }}<a rel="next" href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}</nav>
{{ partial "citations.html" . }}</article>{{ end }}
""",
    "people": """{{ define "main" }}<article><h1>{{ .Title }}</h1><dl><dt>Role</dt><dd>{{ .Params.role }}</dd>
<dt>Country</dt><dd>{{ .Params.country }}</dd></dl><div class="prose">{{ .Params.summary | markdownify }}</div>
<div class="prose">{{ .Content }}</div>
{{ $meetings := slice }}{{ with index site.Taxonomies.participants .File.ContentBaseName }}{{ $meetings = .Pages.ByDate }}{{ end }}
<h2>Meetings attended</h2>{{ partial "ref_list.html" $meetings }}
{{ $issues := slice }}{{ range $meetings }}{{ range .Params.issues }}{{ if not (in $issues .) }}{{ $issues = $issues | append . }}{{ end }}{{ end }}{{ end }}
<h2>Issues raised in those meetings</h2><ul>{{ range sort $issues }}{{ with site.GetPage (printf "/issues/%s" .) }}
<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}{{ end }}</ul>
{{ partial "citations.html" . }}</article>{{ end }}
""",
    "issues": """{{ define "main" }}<article><h1>{{ .Title }}</h1><div class="prose">{{ .Params.summary | markdownify }}</div>
<h2>Positions</h2>{{ range $party, $text := .Params.positions }}<section><h3>{{ $party }}</h3>{{ $text | markdownify }}</section>{{ end }}
<div class="prose">{{ .Content }}</div>
{{ $meetings := slice }}{{ with index site.Taxonomies.issues .File.ContentBaseName }}{{ $meetings = .Pages.ByDate }}{{ end }}
<h2>Meetings where it came up</h2>{{ partial "ref_list.html" $meetings }}
{{ $people := slice }}{{ range $meetings }}{{ range .Params.participants }}{{ if not (in $people .) }}{{ $people = $people | append . }}{{ end }}{{ end }}{{ end }}
<h2>People involved</h2><ul>{{ range sort $people }}{{ with site.GetPage (printf "/people/%s" .) }}
<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}{{ end }}</ul>
<h2>Related issues</h2><ul>{{ range .Params.related }}{{ with site.GetPage (printf "/issues/%s" .) }}
<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}{{ end }}</ul>
{{ partial "citations.html" . }}</article>{{ end }}
""",
    "sources": """{{ define "main" }}<article><h1>{{ .Title }}</h1><dl><dt>Publisher</dt><dd>{{ .Params.publisher }}</dd>
<dt>Link</dt><dd><a href="{{ .Params.link }}">{{ .Params.link }}</a></dd></dl>
{{ $cited := slice }}{{ with index site.Taxonomies.sources .File.ContentBaseName }}{{ $cited = .Pages }}{{ end }}
<h2>Cited by</h2>{{ partial "ref_list.html" $cited }}</article>{{ end }}
""",
}

LIST = """{{ define "main" }}<h1>{{ .Title }}</h1><ul class="cards">{{ range .Pages }}
<li><a href="{{ .RelPermalink }}">{{ .Title }}</a><p class="meta">{{ .Params.description }}</p></li>{{ end }}</ul>{{ end }}
"""

HOME = """{{ define "main" }}<h1>{{ site.Title }}</h1><ol class="cards">
{{ range (where site.RegularPages "Section" "meetings").ByDate }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a>
<span class="meta">{{ .Params.date }} · {{ .Params.location }}</span><div class="summary">{{ .Params.summary | markdownify }}</div></li>{{ end }}
</ol>{{ end }}
"""


def _linker(titles: dict[str, tuple[str, str]]):
    def replace(match: re.Match) -> str:
        ref, text = match.group(1).strip(), match.group(2)
        title, folder = titles[ref]
        return f"[{text or title}](/bench/{folder}/{ref}/)"
    return lambda text: WIKILINK.sub(replace, text)


def _yaml_text(text: str, indent: str = "  ") -> str:
    return "|\n" + "\n".join(f"{indent}{line}" if line else "" for line in text.split("\n"))


def _front(fields: dict) -> str:
    out = ["---"]
    for key, value in fields.items():
        if isinstance(value, list):
            out.append(f"{key}: [{', '.join(value)}]")
        elif isinstance(value, dict):
            out.append(f"{key}:")
            out += [f"  {k}: {_yaml_text(v, '    ')}" for k, v in value.items()]
        elif "\n" in value or len(value) > 80:
            out.append(f"{key}: {_yaml_text(value)}")
        else:
            out.append(f'{key}: "{value}"')
    return "\n".join(out) + "\n---\n"


def write_hugo(corpus, folder: Path) -> None:
    """Write the corpus as a Hugo site into folder (replaced)."""
    shutil.rmtree(folder, ignore_errors=True)
    for sub in ("layouts/_default", "layouts/partials", "static/static", *(f"content/{f}" for f in FOLDERS.values())):
        (folder / sub).mkdir(parents=True)
    (folder / "config.toml").write_text(CONFIG)
    (folder / "layouts/_default/baseof.html").write_text(BASE)
    (folder / "layouts/_default/list.html").write_text(LIST)
    (folder / "layouts/_default/single.html").write_text(SINGLE["sources"])
    (folder / "layouts/index.html").write_text(HOME)
    (folder / "layouts/partials/ref_list.html").write_text(REF_LIST)
    (folder / "layouts/partials/citations.html").write_text(CITATIONS)
    for section, layout in SINGLE.items():
        (folder / f"layouts/{section}").mkdir(parents=True, exist_ok=True)
        (folder / f"layouts/{section}/single.html").write_text(layout)
    titles = {p["id"]: (p["name"], "people") for p in corpus.people}
    titles |= {m["id"]: (m["title"], "meetings") for m in corpus.meetings}
    titles |= {i["id"]: (i["title"], "issues") for i in corpus.issues}
    titles |= {s["id"]: (s["title"], "sources") for s in corpus.sources}
    link = _linker(titles)
    for folder_name, title in (("people", "People"), ("meetings", "Meetings"), ("issues", "Issues"),
                               ("sources", "Sources")):
        (folder / "content" / folder_name / "_index.md").write_text(f'---\ntitle: "{title}"\n---\n')
    for s in corpus.sources:
        _write(folder, "sources", s["id"], {"title": s["title"], "publisher": s["publisher"], "date": s["date"],
                                            "link": s["url"]}, "")
    for p in corpus.people:
        _write(folder, "people", p["id"], {"title": p["name"], "role": p["role"], "country": p["country"],
                                           "summary": link(p["summary"]), "sources": p["sources"]}, link(p["body"]))
    for i in corpus.issues:
        _write(folder, "issues", i["id"], {
            "title": i["title"], "summary": link(i["summary"]), "related": i["related"], "sources": i["sources"],
            "positions": {k: link(v) for k, v in i["positions"].items()}}, link(i["body"]))
    for m in corpus.meetings:
        _write(folder, "meetings", m["id"], {
            "title": m["title"], "date": m["date"], "location": m["location"],
            "participants": [p["id"] for p in m["participants"]], "issues": [i["id"] for i in m["issues"]],
            "sources": [s["id"] for s in m["sources"]], "summary": link(m["summary"])}, link(m["body"]))


def _write(folder: Path, section: str, entity_id: str, fields: dict, body: str) -> None:
    (folder / "content" / section / f"{entity_id}.md").write_text(_front(fields) + body + "\n", encoding="utf-8")
