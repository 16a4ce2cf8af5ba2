"""The data between stages is made once and never changed: a later stage cannot write into
what an earlier one made, and linking leaves the validated entities as they were."""
from __future__ import annotations

import copy
import dataclasses

import pytest

from site_builder.core.links import link
from site_builder.core.loader import load_content
from site_builder.core.validate import validate, validate_doc
from site_builder.model.entities import NO_LINKS, Entity, Page, RawDoc, Site
from site_builder.model.errors import Problems
from site_builder.model.schema import CONTENT_TYPES, SITE

from ..conftest import ROOT

CONTENT = ROOT / "content"


@pytest.fixture(scope="module")
def stages():
    problems = Problems()
    site_doc, docs, _ = load_content(CONTENT, CONTENT_TYPES, SITE, problems)
    entities = validate(docs, problems)
    settings = validate_doc(site_doc, problems)
    before = [(e.type, e.id, e.path, copy.deepcopy(e.values), e.doc) for e in entities]
    site = link(entities, settings, CONTENT_TYPES, problems)
    assert not problems.errors
    return docs, entities, settings, before, site


@pytest.mark.parametrize("kind", [RawDoc, Entity, Site, Page])
def test_every_stage_result_is_a_frozen_dataclass(kind):
    assert dataclasses.is_dataclass(kind) and kind.__dataclass_params__.frozen


def test_no_field_of_an_entity_or_a_site_can_be_set(stages):
    docs, entities, _, _, site = stages
    with pytest.raises(dataclasses.FrozenInstanceError):
        entities[0].values = {}
    with pytest.raises(dataclasses.FrozenInstanceError):
        docs[0].data = {}
    with pytest.raises(dataclasses.FrozenInstanceError):
        site.by_id = {}
    with pytest.raises(AttributeError):   # slots: no attribute can be added either
        object.__setattr__(entities[0], "links", {})


def test_linking_leaves_the_validated_entities_as_they_were(stages):
    _, entities, _, before, _ = stages
    assert [(e.type, e.id, e.path, e.values, e.doc) for e in entities] == before


def test_an_entitys_links_are_the_sites_and_read_only(stages):
    _, entities, settings, _, site = stages
    meeting = next(e for e in entities if e.type.attendees and site.links_of(e).get(e.type.attendees))
    links = site.links_of(meeting)
    assert all(isinstance(items, tuple) for items in links.values())
    with pytest.raises(TypeError):
        links["participants"] = ()   # type: ignore[index]
    assert site.links_of(settings) is site.links[settings.key] and settings.key == "site"
    unknown = dataclasses.replace(meeting, id="not-in-the-site")
    assert site.links_of(unknown) is NO_LINKS


def test_linking_twice_gives_the_same_site(stages):
    _, entities, settings, _, site = stages
    again = link(entities, settings, CONTENT_TYPES, Problems())
    assert again.by_id == site.by_id and again.by_type == site.by_type
    assert {k: {n: [e.id for e in v] for n, v in links.items()} for k, links in again.links.items()} == \
           {k: {n: [e.id for e in v] for n, v in links.items()} for k, links in site.links.items()}
