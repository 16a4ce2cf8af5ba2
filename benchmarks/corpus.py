"""Generate a synthetic explainer corpus, deterministic from a seed, for the benchmark.

Writes the project's own content format (`content/<folder>/<id>.yaml`) and, with
--hugo, the same entities as a Hugo site (Markdown with YAML front matter, and
layouts that show the same lists: participants, backlinks, citations), so both
generators do the same work. Knows nothing about site_builder's code.

    python benchmarks/corpus.py medium /tmp/corpus --hugo /tmp/corpus-hugo
"""
from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
from dataclasses import dataclass, field
from pathlib import Path

# people, meetings, issues, sources per preset (meetings carry most of the text).
PRESETS = {
    "small": (45, 108, 27, 4),
    "medium": (450, 1080, 270, 36),
    "large": (2500, 6000, 1500, 200),
}

WORDS = (
    "talks delegation minister bilateral relations trade security dialogue agreement framework cooperation "
    "tariffs export controls semiconductors climate fentanyl precursors maritime strait navigation exercise "
    "summit readout statement concerns stability channels military communication visas students journalists "
    "investment market access sanctions entities supply chains critical minerals technology standards "
    "counterparts officials embassy consulate negotiations principles commitments consultations working group "
    "the a of and in on with for to by at from about during after before over under between across toward "
    "both sides agreed noted stressed urged expressed welcomed reaffirmed discussed raised pressed signalled "
    "regional global economic strategic diplomatic humanitarian nuclear energy agriculture health finance "
    "future peaceful constructive candid substantive productive frank detailed broad narrow limited"
).split()
FIRST = ("Wei Li Ming Hua Jun Yan Lei Tao Ping Xin Anna James Mary John Susan Robert Linda David Karen Paul "
         "Laura Mark Emily Daniel Sarah Kevin Helen Peter Grace Thomas").split()
LAST = ("Wang Zhang Liu Chen Yang Zhao Huang Zhou Wu Xu Sun Hu Zhu Gao Lin Smith Johnson Brown Davis Miller "
        "Wilson Moore Taylor Anderson Clark Lewis Walker Hall Young King").split()
COUNTRIES = ("China", "United States", "Japan", "South Korea", "Vietnam", "Philippines", "Australia", "India")
ROLES = ("Foreign Minister", "Secretary of State", "Ambassador", "Deputy Foreign Minister", "Trade Representative",
         "National Security Adviser", "Vice Premier", "Defense Minister", "Special Envoy", "Party Secretary")
PLACES = ("Beijing", "Washington", "Shanghai", "New York", "Geneva", "Singapore", "Jakarta", "Tokyo", "Bali")
TOPICS = ("trade", "maritime security", "export controls", "climate", "fentanyl", "visas", "students",
          "nuclear arms", "energy", "agriculture", "health", "finance", "technology standards", "fisheries")


@dataclass
class Corpus:
    """The generated entities as plain data, shared by both writers."""

    people: list[dict] = field(default_factory=list)
    meetings: list[dict] = field(default_factory=list)
    issues: list[dict] = field(default_factory=list)
    sources: list[dict] = field(default_factory=list)


def _skewed(rng: random.Random, items: list[dict], count: int) -> list[dict]:
    """Pick `count` distinct items, a few far more often than the rest (Zipf-like weights)."""
    chosen: list[dict] = []
    while len(chosen) < count:
        index = min(int(rng.paretovariate(1.16)) - 1, len(items) - 1)
        item = items[(index * 7919) % len(items)] if index else items[rng.randrange(len(items))]
        if item not in chosen:
            chosen.append(item)
    return chosen


def _sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def _prose(rng: random.Random, words: int, links: list[str], cite: str) -> str:
    """Return about `words` words of prose with bold, an external link, [[id]] links and a citation."""
    parts, total = [], 0
    while total < words:
        n = rng.randint(8, 16)
        parts.append(_sentence(rng, n))
        total += n
    for link in links:
        parts.insert(rng.randrange(len(parts) + 1), f"They met [[{link}]].")
    bold = rng.randrange(len(parts))
    parts[bold] = f"**{parts[bold][:-1]}**."
    parts.append(f"See [the statement](https://example.org/statements/{rng.randrange(10**6)}) [[{cite}]].")
    return " ".join(parts)


def _body(rng: random.Random, links: list[str], cite: str) -> str:
    """Return a 150-word body: two paragraphs and a three-item list."""
    items = "\n".join(f"- {_sentence(rng, rng.randint(5, 9))}" for _ in range(3))
    return f"{_prose(rng, 70, links[:1], cite)}\n\n{items}\n\n{_prose(rng, 55, links[1:2], cite)}"


def generate(preset: str, seed: int = 7) -> Corpus:
    """Return the corpus of a preset; the same seed gives the same corpus."""
    rng = random.Random(f"{preset}-{seed}")
    n_people, n_meetings, n_issues, n_sources = PRESETS[preset]
    corpus = Corpus()
    for i in range(n_sources):
        corpus.sources.append({"id": f"source-{i:05d}", "title": f"Readout {i}: {rng.choice(TOPICS)}",
                               "publisher": rng.choice(("Xinhua", "State Department", "Reuters", "AP", "MFA")),
                               "kind": "official",
                               "date": (dt.date(1972, 1, 1) + dt.timedelta(days=i * 97 % 19000)).isoformat(),
                               "url": f"https://example.org/source/{i}"})
    for i in range(n_people):
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)} {i}"
        corpus.people.append({"id": f"person-{i:05d}", "name": name, "role": rng.choice(ROLES),
                              "country": rng.choice(COUNTRIES)})
    for i in range(n_issues):
        corpus.issues.append({"id": f"issue-{i:05d}", "title": f"{rng.choice(TOPICS).capitalize()} question {i}"})
    start = dt.date(1972, 2, 21)
    for i in range(n_meetings):
        people = _skewed(rng, corpus.people, rng.randint(2, 6))
        issues = _skewed(rng, corpus.issues, rng.randint(1, 4))
        sources = _skewed(rng, corpus.sources, rng.randint(1, 2))
        corpus.meetings.append({
            "id": f"meeting-{i:05d}", "title": f"{people[0]['name']} meets {people[1]['name']} in {rng.choice(PLACES)}",
            "date": (start + dt.timedelta(days=i * 19000 // n_meetings)).isoformat(),
            "location": rng.choice(PLACES), "participants": people, "issues": issues, "sources": sources})
    _fill_text(rng, corpus)
    return corpus


def _fill_text(rng: random.Random, corpus: Corpus) -> None:
    for m in corpus.meetings:
        cite = m["sources"][0]["id"]
        m["summary"] = _prose(rng, 40, [m["participants"][0]["id"]], cite)
        m["body"] = _body(rng, [m["participants"][1]["id"], m["issues"][0]["id"]], cite)
    for p in corpus.people:
        cite = rng.choice(corpus.sources)["id"]
        p["summary"] = _prose(rng, 40, [], cite)
        p["body"] = _body(rng, [rng.choice(corpus.issues)["id"]], cite)
        p["sources"] = [cite]
    for issue in corpus.issues:
        cite = rng.choice(corpus.sources)["id"]
        issue["summary"] = _prose(rng, 40, [], cite)
        issue["positions"] = {"United States": _prose(rng, 40, [], cite), "China": _prose(rng, 40, [], cite)}
        issue["body"] = _body(rng, [rng.choice(corpus.people)["id"]], cite)
        issue["related"] = [rng.choice(corpus.issues)["id"]]
        issue["related"] = [r for r in issue["related"] if r != issue["id"]]
        issue["sources"] = [cite]


def _block(name: str, text: str, indent: str = "") -> str:
    lines = "\n".join(f"{indent}  {line}" if line else "" for line in text.split("\n"))
    return f"{indent}{name}: |\n{lines}\n"


def _ids(name: str, items: list) -> str:
    return f"{name}:\n" + "".join(f"  - {item if isinstance(item, str) else item['id']}\n" for item in items)


def write_content(corpus: Corpus, folder: Path, title: str = "Synthetic explainer") -> int:
    """Write the corpus in site_builder's format into folder (replaced); return the entity count."""
    shutil.rmtree(folder, ignore_errors=True)
    for sub in ("people", "meetings", "issues", "sources"):
        (folder / sub).mkdir(parents=True)
    first = corpus.meetings[0]["participants"][0]["id"]
    (folder / "site.yaml").write_text(
        f'title: "{title}"\ndescription: "A generated corpus for the benchmark."\n'
        f'base_url: "https://example.github.io/bench/"\nlanguage: en\n'
        + _block("intro", f"Every meeting since 1972, starting with [[{first}]]."), encoding="utf-8")
    for s in corpus.sources:
        text = "".join(f'{k}: "{s[k]}"\n' for k in ("title", "publisher", "kind", "date", "url"))
        (folder / "sources" / f"{s['id']}.yaml").write_text(text, encoding="utf-8")
    for p in corpus.people:
        text = (f"name: {p['name']}\nrole: {p['role']}\ncountry: {p['country']}\n"
                + _block("summary", p["summary"]) + _block("body", p["body"]) + _ids("sources", p["sources"]))
        (folder / "people" / f"{p['id']}.yaml").write_text(text, encoding="utf-8")
    for i in corpus.issues:
        positions = "positions:\n" + "".join(_block(k, v, "  ") for k, v in i["positions"].items())
        text = (f"title: {i['title']}\n" + _block("summary", i["summary"]) + positions + _block("body", i["body"])
                + (_ids("related", i["related"]) if i["related"] else "") + _ids("sources", i["sources"]))
        (folder / "issues" / f"{i['id']}.yaml").write_text(text, encoding="utf-8")
    for m in corpus.meetings:
        text = (f"title: {m['title']}\ndate: {m['date']}\nlocation: {m['location']}\nstatus: held\n"
                + _ids("participants", m["participants"]) + _ids("issues", m["issues"])
                + _block("summary", m["summary"]) + _block("body", m["body"]) + _ids("sources", m["sources"]))
        (folder / "meetings" / f"{m['id']}.yaml").write_text(text, encoding="utf-8")
    return len(corpus.people) + len(corpus.meetings) + len(corpus.issues) + len(corpus.sources)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("preset", choices=sorted(PRESETS))
    parser.add_argument("out", type=Path, help="content folder to (re)create")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--hugo", type=Path, default=None, help="also write a Hugo site here")
    args = parser.parse_args(argv)
    corpus = generate(args.preset, args.seed)
    count = write_content(corpus, args.out)
    if args.hugo:
        from hugo_site import write_hugo  # noqa: PLC0415 (only needed for the comparison)
        write_hugo(corpus, args.hugo)
    print(f"wrote {count} entities ({args.preset}, seed {args.seed}) into {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
