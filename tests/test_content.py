"""The bundled content is faithful to its sources: every item cites one, every quote is in it."""

import os
import re
import tomllib
from pathlib import Path

import pytest

from exercise import bundled, model
from exercise.loading import load_library, load_scenario

# The five documents: ../shared/seeds beside the clone (as in CI), or a copy named by EXERCISE_SEEDS.
SEEDS = Path(os.environ.get("EXERCISE_SEEDS") or Path(__file__).parent.parent.parent / "shared" / "seeds")
FIVE = {"rothman-2025", "evans-2021", "putin-paradox", "bristow-2025", "right-strategy-2025"}

LIBRARY, LIBRARY_PROBLEMS = load_library()
SCENARIOS = {p.stem: load_scenario(p) for p in bundled.bundled_scenarios()}
FLAGSHIP = SCENARIOS["ukraine-ceasefire-2025"]


def normalise(text: str) -> str:
    """Whitespace, quote marks and dashes made uniform; the letters themselves kept as they are."""
    for a, b in {"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-", "\u00a0": " "}.items():
        text = text.replace(a, b)
    return " ".join(text.split())


def quoted_in(quote: str, text: str) -> bool:
    """A quote is in a (normalised) text verbatim; only its first letter may change case, as
    quoting does at the start of a sentence."""
    q = normalise(quote).strip()
    return bool(q) and (q in text or q[0].swapcase() + q[1:] in text)


def cited_items(scenario: model.Scenario):
    """Every (where, item) in a scenario that must cite a source."""
    for team in scenario.teams.values():
        pos = team.position
        for group in ("stance", "objectives", "red_lines", "levers", "assumptions", "advisors"):
            for i, item in enumerate(getattr(pos, group)):
                yield f"{team.id}.{group}[{i}]", item
    for inject in scenario.injects.values():
        yield f"inject {inject.id}", inject
    for state in scenario.end_states.values():
        if state.source:
            yield f"end state {state.id}", state


def test_library_is_valid_and_large_enough():
    assert LIBRARY_PROBLEMS == []
    assert len(LIBRARY.injects) >= 12


@pytest.mark.parametrize("inject_id,proposal", [
    ("energy-moratorium", True), ("ceasefire-30-day", True), ("troops-on-the-table", False),
    ("border-buildup", False), ("g7-readmission", True), ("leaders-call-readout", False),
    ("sanctions-and-assets-demand", False), ("security-talks-offer", True),
    ("neutrality-and-provinces-demand", False), ("reassurance-force", True),
    ("critical-minerals-deal", True), ("ceasefire-violation-report", False),
])
def test_required_injects_exist_with_questions_and_expected_actions(inject_id, proposal):
    inject = LIBRARY.injects[inject_id]
    assert (inject.proposal is not None) == proposal
    assert inject.questions and inject.expected_actions
    assert inject.source in FIVE


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_every_item_cites_a_source_the_scenario_lists(name):
    scenario = SCENARIOS[name]
    sources = {s.id for s in scenario.sources}
    for where, item in cited_items(scenario):
        assert item.source in sources, f"{name}: {where} cites {item.source!r}"


def test_every_library_inject_cites_one_of_the_five_documents():
    for inject in LIBRARY.injects.values():
        assert inject.source in FIVE, inject.id
        assert inject.source in LIBRARY.sources


def test_flagship_cites_all_five_documents():
    cited = {item.source for _, item in cited_items(FLAGSHIP)}
    assert FIVE <= cited


def test_flagship_shape():
    assert set(FLAGSHIP.teams) == {"us", "russia", "ukraine", "europe"}
    assert FLAGSHIP.info.turns >= 6
    us_briefs = {a.source for a in FLAGSHIP.teams["us"].position.advisors}
    assert {"evans-2021", "bristow-2025", "right-strategy-2025"} <= us_briefs
    assert us_briefs & {"putin-paradox", "rothman-2025"}
    triggers = {("turn" if e.turn else "when" if e.when else "after_move") for e in FLAGSHIP.msel}
    assert triggers == {"turn", "when", "after_move"}
    assert sum(1 for s in FLAGSHIP.end_states.values() if s.source == "right-strategy-2025") >= 4
    assert "escalation" in FLAGSHIP.tracks


def test_security_talks_2021_is_built_around_evans():
    scenario = SCENARIOS["security-talks-2021"]
    assert scenario.info.setting_date.year == 2021
    assert "security-talks-offer" in {e.inject for e in scenario.msel} | {
        i.id for i in scenario.injects.values() if i.source == "evans-2021"
    }
    assert any(a.source == "evans-2021" for a in scenario.teams["us"].position.advisors)


def test_2021_offers_no_sanctions_relief_no_document_proposes():
    """Evans (2021) asks for restraint while talks run, after a pull-back; none of the five
    documents proposes lifting the 2014 sanctions in December 2021. The concession on the table
    is holding penalties back, and paying it before the pull-back crosses the US red line."""
    scenario = SCENARIOS["security-talks-2021"]
    assert "ease-sanctions" not in scenario.move_kinds and "sanctions_relief" not in scenario.flags
    assert scenario.move_kinds["hold-penalties"].commitment is model.Commitment.CONCESSION
    levers = {lever.kind: lever for lever in scenario.teams["us"].position.levers}
    assert levers["hold-penalties"].source == "evans-2021"
    red_line = next(r for r in scenario.teams["us"].position.red_lines if r.id == "paid-before-pullback")
    assert "flags.penalties_on_hold" in red_line.when


def test_flagship_us_sanction_lever_is_the_administration_pattern_putin_paradox_describes():
    levers = {lever.kind: lever for lever in FLAGSHIP.teams["us"].position.levers}
    assert levers["sanction"].source == "putin-paradox"
    assert "targeted penalties" in levers["sanction"].quote


needs_seeds = pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds is not beside the project")


@needs_seeds
def test_source_files_exist():
    for scenario in SCENARIOS.values():
        for source in scenario.sources:
            if source.file:
                assert (SEEDS / source.file).is_file(), f"{scenario.info.id}: {source.id} names {source.file}"


@needs_seeds
@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_every_quote_is_in_its_source_document(name):
    scenario = SCENARIOS[name]
    texts = {s.id: normalise((SEEDS / s.file).read_text()) for s in scenario.sources if s.file}
    missing = []
    for where, item in cited_items(scenario):
        if item.quote and not quoted_in(item.quote, texts.get(item.source, "")):
            missing.append(f"{where} [{item.source}]: {item.quote!r}")
    assert not missing, "quotes not found in their source:\n" + "\n".join(missing)


@needs_seeds
def test_every_library_quote_is_in_its_source_document():
    missing = []
    for inject in LIBRARY.injects.values():
        source = LIBRARY.sources[inject.source]
        if inject.quote and not quoted_in(inject.quote, normalise((SEEDS / source.file).read_text())):
            missing.append(f"{inject.id}: {inject.quote!r}")
    assert not missing, missing


# --- quotation marks inside the prose ---------------------------------------------------------

CONTENT_FILES = sorted(bundled.bundled_scenarios()) + sorted(bundled.bundled_dir("injects").glob("*.toml"))
DOUBLE_QUOTED = re.compile(r'["“]([^"“”]+)["”]')
SINGLE_QUOTED = re.compile(r"(?<!\w)['‘]([^'‘’\n]{1,200}?)['’](?!\w)")


def strings(node, path=""):
    """Every (field path, string) in a parsed TOML file, and the ids it defines (keys, ids, kinds)."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield from strings(value, f"{path}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from strings(value, f"{path}[{i}]")
    elif isinstance(node, str):
        yield path, node


def names_in(node) -> set[str]:
    """What a file names rather than quotes: table keys and id-like values (a red line called 'us-umbrella')."""
    found: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            found.add(key)
            if key in {"id", "kind", "inject", "after_move", "title", "label"} and isinstance(value, str):
                found.add(value)
            found |= names_in(value)
    elif isinstance(node, list):
        for value in node:
            found |= names_in(value)
    return found


def inline_quotes(text: str):
    for pattern in (DOUBLE_QUOTED, SINGLE_QUOTED):
        for match in pattern.finditer(text):
            yield match.group(1).strip(" .,;:")


def test_inline_quote_finder_sees_quotes_not_apostrophes():
    found = list(inline_quotes("Russia's allies' line: 'create a problem' and \"no more NATO\" (the 'us-umbrella')"))
    assert found == ["no more NATO", "create a problem", "us-umbrella"]


@needs_seeds
@pytest.mark.parametrize("path", CONTENT_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_phrase_in_quotation_marks_is_literal_text_of_a_document(path):
    """Prose (stances, bodies, summaries, controller notes) that puts words in quotation marks
    quotes one of the five documents word for word; an item's own `quote` is checked above
    against its cited source."""
    documents = normalise(" ".join(p.read_text() for p in sorted(SEEDS.glob("*.txt"))))
    data = tomllib.loads(path.read_text())
    names = names_in(data)
    wrong = [
        f"{where}: {phrase!r}"
        for where, text in strings(data) if not where.endswith(".quote")
        for phrase in inline_quotes(text)
        if phrase not in names and not quoted_in(phrase, documents)
    ]
    assert not wrong, f"{path.name}: quoted words not found in any of the five documents:\n" + "\n".join(wrong)


# --- the 2021 scenario does not know what came after December 2021 ----------------------------

TALKS_2021 = SCENARIOS["security-talks-2021"]
HINDSIGHT = {"putin-paradox", "bristow-2025", "right-strategy-2025", "rothman-2025"}
GIVEAWAYS = ("post-invasion", "after the invasion", "before the invasion", "since the invasion",
             "special military operation", "since the war began", "2022 invasion", "invasion of 2022")


def test_2021_items_rest_on_what_was_known_in_december_2021():
    """Hindsight documents may brief advisors (each titled as hindsight), nothing else: every
    stance, objective, red line, lever, assumption, inject, end state, track and flag cites evans-2021."""
    later = [f"{where} cites {item.source}" for where, item in cited_items(TALKS_2021)
             if ".advisors[" not in where and item.source in HINDSIGHT]
    later += [f"{kind} {name} cites {item.source}"
              for kind, table in (("track", TALKS_2021.tracks), ("flag", TALKS_2021.flags))
              for name, item in table.items() if item.source in HINDSIGHT]
    assert not later, "\n".join(later)
    for team in TALKS_2021.teams.values():
        for advisor in team.position.advisors:
            if advisor.source in HINDSIGHT:
                assert advisor.title.startswith("Hindsight"), f"{team.id}.{advisor.id}: {advisor.title!r}"


@pytest.mark.parametrize("document", ["manual", *sorted(TALKS_2021.teams)])
def test_2021_manual_and_briefs_do_not_give_the_invasion_away(document):
    from exercise import reports

    context = (reports.manual_context(TALKS_2021) if document == "manual"
               else reports.brief_context(TALKS_2021, document))
    text = reports.render("manual" if document == "manual" else "brief", "md", context).lower()
    assert not [phrase for phrase in GIVEAWAYS if phrase in text]


def test_2021_manual_leaves_what_the_later_documents_argue_to_the_hindsight_briefs():
    """The situation manual is every player's: it may say that later documents exist, not what they argue."""
    from exercise import reports

    text = reports.render("manual", "md", reports.manual_context(TALKS_2021))
    before_sources = text.split("## 8. Sources")[0]
    for phrase in ("Create a problem", "neutral and weakened", "Trump", "softened or vanished", "up front"):
        assert phrase not in before_sources, phrase
    assert "advisor briefs titled *Hindsight*" in before_sources


# --- positions the documents argue, made playable in the flagship -----------------------------


def holds(text: str, scenario: model.Scenario = FLAGSHIP, turn: int = 3, **changes) -> bool:
    """Does condition ``text`` hold in the scenario's starting state with ``changes`` made?"""
    from exercise.conditions import compile_condition

    tracks = {name: track.start for name, track in scenario.tracks.items()}
    flags = {name: flag.start for name, flag in scenario.flags.items()}
    for name, value in changes.items():
        (flags if isinstance(value, bool) else tracks)[name] = value
    return compile_condition(text, tracks, flags)(tracks, flags, turn)


def position_item(team: str, group: str, item_id: str):
    return next(item for item in getattr(FLAGSHIP.teams[team].position, group) if item.id == item_id)


@pytest.mark.parametrize("team,group,item_id,source,met,not_met", [
    # right-strategy-2025, WHY UKRAINE MATTERS: four core US interests
    ("us", "objectives", "four-core-interests", "right-strategy-2025",
     {"ceasefire": True, "ukraine_defence": 7, "alliance_cohesion": 6}, {"ceasefire": True, "ukraine_neutral": True}),
    # bristow-2025: Putin's goals include hegemony over Central and Eastern Europe, cutting the US down to size
    ("russia", "objectives", "hegemony", "bristow-2025",
     {"ukraine_neutral": True, "alliance_cohesion": 4}, {"ukraine_neutral": True}),
    ("russia", "objectives", "cut-us-down", "bristow-2025", {"us_credibility": 2}, {}),
    # bristow-2025: questioning Zelensky's legitimacy, a concession given up front; taken back, Kyiv's objective is met
    ("ukraine", "objectives", "legitimacy-affirmed", "bristow-2025", {"legitimacy_affirmed": True}, {}),
    # rothman-2025: a deal that mimics Minsk, a frozen line with nothing behind it
    ("ukraine", "red_lines", "no-minsk", "rothman-2025", {"ceasefire": True}, {"ceasefire": True, "israel_model": True}),
    # bristow-2025: autonomous capabilities not reliant on the United States
    ("europe", "objectives", "autonomous-capability", "bristow-2025", {"european_autonomy": True}, {}),
])
def test_flagship_items_the_documents_argue_are_playable(team, group, item_id, source, met, not_met):
    item = position_item(team, group, item_id)
    assert item.source == source and item.quote
    assert holds(item.when, **met) and not holds(item.when, **not_met)


@pytest.mark.parametrize("entry_id,inject_id,source", [
    ("frontline-letter", "frontline-letter", "right-strategy-2025"),         # why Ukraine matters
    ("t4-kremlin-dilemmas", "kremlin-dilemmas", "right-strategy-2025"),      # Moscow's side of the dilemma
    ("legitimacy-challenge", "legitimacy-challenge", "bristow-2025"),        # the legitimacy concession comes due
    ("minsk-warning", "minsk-warning", "rothman-2025"),                      # the Minsk analogy
    ("european-defence-compact", "european-defence-compact", "bristow-2025"),  # Europe's own capabilities
])
def test_flagship_msel_delivers_them(entry_id, inject_id, source):
    entry = next(e for e in FLAGSHIP.msel if e.id == entry_id)
    inject = FLAGSHIP.injects[entry.inject]
    assert entry.inject == inject_id and inject.source == source and inject.quote
    assert inject.questions and inject.expected_actions and inject.response_options
    if entry.when:
        assert not holds(entry.when, turn=1), "not due at the start: it answers what the teams do"


def test_kremlin_dilemmas_go_to_russia_and_each_option_crosses_a_russian_red_line():
    assert FLAGSHIP.injects["kremlin-dilemmas"].recipients == ["russia"]
    red_lines = FLAGSHIP.teams["russia"].position.red_lines
    for option in ("ukraine_in_nato", "israel_model", "european_guarantee"):
        assert any(r.when and holds(r.when, **{option: True}) for r in red_lines), option


def test_the_defence_compact_is_a_deal_that_sets_european_autonomy():
    proposal = FLAGSHIP.injects["european-defence-compact"].proposal
    assert proposal is not None and set(proposal.parties) == {"europe", "ukraine"}
    assert proposal.effects.flags == {"european_autonomy": True}


def test_the_us_concede_lever_names_the_legitimacy_concession():
    lever = next(lever for lever in FLAGSHIP.teams["us"].position.levers if lever.kind == "concede")
    assert "Zelensky's legitimacy" in lever.text and lever.source == "bristow-2025"


def test_the_us_team_can_take_the_legitimacy_concession_back_from_turn_1():
    # the flag starts unset (the statements stand); a US lever says how to set it, not only the mid-game inject
    assert not FLAGSHIP.flags["legitimacy_affirmed"].start
    levers = [lever for lever in FLAGSHIP.teams["us"].position.levers if "affirming his authority to sign" in lever.text]
    assert [lever.kind for lever in levers] == ["public-statement"]
