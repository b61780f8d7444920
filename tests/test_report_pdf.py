"""The report as a document to hand out (issue 12): the handling marking, dates and place on the
cover; the appendices (participants, acronyms, dice rolls); and in the PDF a cover page with the
contents and their pages, the marking and section at the top of every page and 'Page N of M'."""

from __future__ import annotations

import re

import pytest
from test_reports import FLAGSHIP, MINIMAL, play_flagship

from exercise import commands as cmd
from exercise import events as ev
from exercise import reports
from exercise.cli_report import DEFAULT_MARKING
from exercise.session import Session


@pytest.fixture(scope="module")
def flagship(tmp_path_factory):
    with play_flagship(tmp_path_factory.mktemp("pdf") / "flagship.session") as s:
        yield s


def render(s: Session, fmt: str, **options) -> str:
    return reports.render("aar", fmt, reports.report_context(s.scenario, s.events(), s.state, fmt, **options))


def test_the_cover_carries_the_marking_and_the_dates_and_place_given(flagship):
    md = render(flagship, "md", dates="2 to 3 December 2026", place="Staff College <Room 4>")
    assert md.startswith(f"# {FLAGSHIP.info.title}\n\n**{DEFAULT_MARKING}**\n\n**After-Action Report")
    assert "**Conducted**: 2 to 3 December 2026 · Staff College &lt;Room 4&gt;" in md
    html = render(flagship, "html", marking="EXERCISE - CONTROL ONLY", place="Staff College <Room 4>")
    assert html.count('class="marking') == 2, "on the cover and at the end"
    assert '<p class="marking">EXERCISE - CONTROL ONLY</p>' in html
    assert "Staff College &lt;Room 4&gt;" in html and "2 to 3 December" not in html
    assert reports.DEFAULT_MARKING == DEFAULT_MARKING, "the command's default is the reports' own"
    plain = render(flagship, "md", marking="")
    assert DEFAULT_MARKING not in plain and "**Conducted**" not in plain


def test_the_appendices_list_participants_acronyms_and_every_dice_roll(flagship):
    md = render(flagship, "md")
    assert "## Appendix C. Participants" in md and "## Appendix D. Acronyms" in md
    assert "| **United States** (us) | The Trump administration" in md
    assert "Restraint-minded policy adviser; Former ambassador to Moscow" in md, "the advisors a team argued from"
    assert "| **NATO** | North Atlantic Treaty Organization |" in md and "| **G-7** | Group of Seven |" in md
    assert "| **MSEL** |" in md and "| **2d6** |" in md
    assert "OSCE" not in md, "only the acronyms the report uses"
    dice = md[md.index("## Appendix E. Dice rolls"):]
    rows = re.findall(r"^\| \d+ \| \*\*m\d+\*\* \|.*2d6 rolled \d and \d.*\|$", dice, flags=re.M)
    analysis = reports.report_context(flagship.scenario, flagship.events(), flagship.state)["report"]
    assert len(rows) == analysis.counts.dice_rulings == 12


def test_a_private_dice_roll_is_left_out_for_the_participants(tmp_path):
    with Session.create(tmp_path / "g.session", MINIMAL) as s:
        s.act(cmd.Advance())
        s.act(cmd.Submit("red", "threaten", "Loud"), "red")
        s.act(cmd.Submit("blue", "propose", "Quiet", ["red"]), "blue")
        s.act(cmd.Advance())
        s.act(cmd.Adjudicate("m1", strong_for=1))
        s.act(cmd.Adjudicate("m2", strong_for=1, public=False))
        control, participants = render(s, "md"), render(s, "md", audience="participants")
    assert len(re.findall(r"^\| 1 \| \*\*m\d\*\* \|", control[control.index("Appendix E"):], flags=re.M)) == 2
    shared = participants[participants.index("## Appendix E"):]
    assert "| 1 | **m1** | Red |" in shared and "**m2**" not in shared
    assert "Private rulings are left out." in shared
    assert s.state.moves["m2"].ruling.outcome in (ev.Outcome.SUCCESS, ev.Outcome.FAILURE)


def _texts(page) -> list[str]:
    out: list[str] = []

    def walk(box) -> None:
        text = getattr(box, "text", None)
        if isinstance(text, str) and text.strip(". "):
            out.append(text)
        for child in getattr(box, "children", None) or []:
            walk(child)

    walk(page._page_box)  # noqa: SLF001 - WeasyPrint's laid-out boxes, to read what each page says
    return out


def test_the_pdf_has_a_cover_page_running_heads_and_page_numbers(flagship):
    weasyprint = pytest.importorskip("weasyprint")
    html = render(flagship, "pdf", dates="2 December 2026")
    document = weasyprint.HTML(string=html).render()
    total = len(document.pages)
    assert total > 10
    cover = _texts(document.pages[0])
    assert cover[0] == DEFAULT_MARKING and FLAGSHIP.info.title in " ".join(cover) and "Contents" in cover
    assert "Item" not in cover, "the overview's table starts on the next page"
    entry = cover.index("Appendix E. Dice rolls")
    assert cover[entry + 1].isdigit() and 1 < int(cover[entry + 1]) <= total, "the contents give pages"
    assert cover.count(DEFAULT_MARKING) == 1, "the cover's own marking, no running head"
    second = _texts(document.pages[1])
    assert second[0] == "1. Exercise overview", "the report starts after the cover page"
    assert second[-4:] == [DEFAULT_MARKING, "1. Exercise overview", FLAGSHIP.info.title, f"Page 2 of {total}"]
    last = _texts(document.pages[-1])
    assert last[-1] == f"Page {total} of {total}"
    assert "break-after: avoid" in html, "no heading left at the foot of a page"


def test_the_acronyms_hold_poc_where_the_improvement_plan_has_its_column(tmp_path):
    with Session.create(tmp_path / "g.session", MINIMAL) as s:
        s.act(cmd.End("time"))
        before = render(s, "md")
        s.act(cmd.RecordPlanItem("", 0, {"issue": "No playbook", "action": "Write one", "poc": "J. Doe"}))
        after = render(s, "md")
    assert "| # | Objective / capability | Issue / area for improvement | Corrective action" in after
    assert "| POC |" in after and "| **POC** | Point of contact |" in after
    assert "POC" not in before, "no plan table, no POC"
