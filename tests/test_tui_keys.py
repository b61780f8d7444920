"""The consoles as a new user drives them: keys to each panel, visible focus, Enter and Escape in
every form, help, revising without merging, keys right after a dropdown, proposals read in full
and confirmed, counters with effects, alerts for new injects, the team's ledger, small terminals.

Each test would fail if its fix were undone. Apps are made with ``make_app`` on a temporary
session, as in test_tui.py, and driven with keys; outcomes are read from the session's state
and from the screen.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import run_async
from test_tui import MINIMAL, choose, column, rows, screen_text, wait_until
from textual import events
from textual.widgets import DataTable, Input, TabbedContent

from exercise import commands as cmd
from exercise.events import Answer
from exercise.session import FACILITATOR, Session
from exercise.tui.app import make_app
from exercise.tui.facilitator import ChooseScreen, FacilitatorScreen
from exercise.tui.help import SPOKEN, HelpScreen
from exercise.tui.team import CounterScreen, TeamScreen
from exercise.tui.widgets import ConfirmScreen, PromptScreen

SIZE = (160, 48)


@pytest.fixture
def minimal(tmp_path: Path) -> Path:
    path = tmp_path / "x.session"
    Session.create(path, MINIMAL).close()
    return path


def play(path: Path, *steps) -> None:
    with Session.open(path) as session:
        for command, *actor in steps:
            session.act(command, *actor)


def burst(app, *keys: str) -> None:
    """Keys as a fast typist (or tmux send-keys) sends them: all queued before the first is handled."""
    for key in keys:
        app.post_message(events.Key(key, key if len(key) == 1 else None))


# --- revising a move: the headline is never merged ---------------------------------------------


@run_async
async def test_revising_puts_the_cursor_at_the_end_of_the_headline(minimal):
    play(minimal, (cmd.Advance(),), (cmd.Submit("blue", "respond", "We will think", []), "blue"))
    blue = make_app(minimal, "blue", poll=False)
    async with blue.run_test(size=SIZE) as pilot:
        await pilot.press("f7")  # to Your moves; Ctrl+O loads m1, and typing goes at the end
        await pilot.pause()
        assert blue.focused is blue.screen.query_one("#my-moves")
        await pilot.press("ctrl+o")
        await pilot.pause()
        headline = blue.screen.query_one("#headline", Input)
        assert blue.focused is headline and headline.selection.is_empty and headline.cursor_position == 13
        await pilot.press(*" hard")  # no End, no clearing: as a user types
        assert headline.value == "We will think hard"
        await pilot.press("ctrl+s")
        assert blue.session.state.moves["m1"].headline == "We will think hard"

        # with the headline already focused (holding other text, the cursor at its start), Enter
        # in Your moves revises: the headline is m1's whole, the cursor after it
        headline.focus()
        await pilot.press(*"draft")
        headline.cursor_position = 0
        blue.screen.query_one("#my-moves").focus()
        await pilot.press("enter")
        await pilot.pause()
        assert blue.screen.query_one("#composer").editing == "m1"
        await pilot.press(*"!")
        assert headline.value == "We will think hard!"

        # Escape leaves the field; Escape again stops revising, and the move is as it was
        await pilot.press("escape", "escape")
        assert blue.screen.query_one("#composer").editing is None
        assert blue.session.state.moves["m1"].headline == "We will think hard"


# --- a dropdown: the next keys land in the next field ------------------------------------------


@run_async
async def test_keys_typed_right_after_choosing_in_a_dropdown_land_in_the_next_field(minimal):
    play(minimal, (cmd.Advance(),))
    blue = make_app(minimal, "blue", poll=False)
    async with blue.run_test(size=SIZE) as pilot:
        assert blue.focused is blue.screen.query_one("#kind")
        await pilot.press("enter", "down")  # the list is open on its first option, Propose
        burst(blue, "enter", *"Talks now")  # Enter and the headline, at once
        await pilot.pause(0.3)
        assert blue.screen.query_one("#kind").value == "propose"
        assert blue.screen.query_one("#headline", Input).value == "Talks now"
        assert blue.focused is blue.screen.query_one("#headline")

    play(minimal, (cmd.Submit("red", "threaten", "Red masses troops", ["blue"]), "red"), (cmd.Advance(),))
    fac = make_app(minimal, FACILITATOR, poll=False)
    async with fac.run_test(size=SIZE) as pilot:
        await pilot.press("3", "enter")  # the Moves tab; Enter on the move goes to its ruling form
        await pilot.pause()
        assert fac.focused is fac.screen.query_one("#outcome")
        await pilot.press("enter")
        burst(fac, "down", "enter", "2")  # "2" would have been the Injects tab, "a" would advance
        await pilot.pause(0.3)
        assert fac.screen.query_one("#outcome").value == "success"
        assert fac.focused is fac.screen.query_one("#narrative")
        assert fac.screen.query_one("#narrative", Input).value == "2"
        assert fac.screen.query_one("#tabs", TabbedContent).active == "tab-moves"
        shown = lambda: [fac.screen.query_one(w).display for w in ("#strong-for", "#strong-against", "#probability")]  # noqa: E731
        assert shown() == [False, False, False], "the dice's fields only while the dice decide"
        await choose(pilot, "#outcome", "dice")
        await pilot.pause()
        assert shown() == [True, True, False], "a matrix game never asks for a chance in per cent"


# --- keys to each panel, shown, and the focus with them ----------------------------------------


@run_async
async def test_digits_and_f_keys_pick_the_facilitators_tabs_and_focus_them(minimal):
    play(minimal, (cmd.Advance(),), (cmd.Submit("red", "threaten", "Red masses troops", ["blue"]), "red"),
         (cmd.Advance(),))
    fac = make_app(minimal, FACILITATOR, poll=False)
    async with fac.run_test(size=SIZE) as pilot:
        tabs = fac.screen.query_one("#tabs", TabbedContent)
        for key, tab, focus in [("2", "tab-injects", "#queue"), ("4", "tab-deals", "#proposals"),
                                ("6", "tab-hotwash", "#notes"), ("5", "tab-log", "#log"),
                                ("1", "tab-situation", "#situation-scroll"), ("3", "tab-moves", "#moves")]:
            await pilot.press(key)
            await pilot.pause()
            assert tabs.active == tab, key
            assert fac.focused is fac.screen.query_one(focus), f"{key} leaves the focus in a hidden tab"
        text = screen_text(fac)
        assert "Moves 3" in text and "Hotwash 6" in text, "the tabs show their keys"
        assert "123456 Tabs" in text.replace(" ", "").replace("Tabs", " Tabs"), "and the footer does"

        await pilot.press("f")  # the ruling form; while typing there, digits are text and F-keys tabs
        await pilot.pause()
        await pilot.press("tab", *"4")  # the outcome, then the narrative
        assert fac.focused is fac.screen.query_one("#narrative")
        assert fac.screen.query_one("#narrative", Input).value == "4" and tabs.active == "tab-moves"
        await pilot.press("f5")
        await pilot.pause()
        assert tabs.active == "tab-deals" and fac.focused is fac.screen.query_one("#proposals")


@run_async
async def test_f_keys_go_to_each_panel_of_the_team_console_even_while_typing(minimal):
    play(minimal, (cmd.Advance(),), (cmd.Submit("blue", "respond", "Noted", []), "blue"))
    blue = make_app(minimal, "blue", poll=False)
    async with blue.run_test(size=SIZE) as pilot:
        tabs = blue.screen.query_one("#team-tabs", TabbedContent)
        await pilot.press("tab", *"x")  # typing in the headline
        assert blue.focused is blue.screen.query_one("#headline")
        for key, tab, focus in [("f2", "tab-brief", "#brief-scroll"), ("f3", "tab-inbox", "#inbox-scroll"),
                                ("f4", "tab-deals", "#proposals"), ("f5", "tab-record", "#record")]:
            await pilot.press(key)
            await pilot.pause()
            assert tabs.active == tab and blue.focused is blue.screen.query_one(focus), key
        await pilot.press("f6")
        await pilot.pause()
        assert blue.focused is blue.screen.query_one("#kind")
        await pilot.press("f7")
        await pilot.pause()
        assert blue.focused is blue.screen.query_one("#my-moves")
        assert blue.screen.query_one("#headline", Input).value == "x", "nothing typed is lost on the way"
        text = screen_text(blue)
        assert all(label in text for label in ("Brief F2", "Inbox F3", "Deals F4", "Record F5", "· F6", "· F7"))

        await pilot.press("f9")  # the side column makes way for the tabs, and F6 brings it back
        await pilot.pause()
        assert not blue.screen.query_one("#side").display
        await pilot.press("f6")
        await pilot.pause()
        assert blue.screen.query_one("#side").display and blue.focused is blue.screen.query_one("#kind")


@run_async
async def test_the_focused_table_is_marked(minimal):
    fac = make_app(minimal, FACILITATOR, poll=False)
    async with fac.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await pilot.pause()
        queue = fac.screen.query_one("#queue", DataTable)
        assert fac.focused is queue and queue.styles.outline_left[0] == "thick"
        await pilot.press("3")
        await pilot.pause()
        assert queue.styles.outline_left[0] in ("", "none")


# --- help ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [FACILITATOR, "blue"])
@run_async
async def test_f1_and_question_mark_show_every_key_of_the_console(minimal, role):
    app = make_app(minimal, role, poll=False)
    async with app.run_test(size=SIZE) as pilot:
        if role != FACILITATOR:
            await pilot.press("tab", "?")  # in a text field ? is text; F1 is help everywhere
            assert app.screen.query_one("#headline", Input).value == "?"
            assert isinstance(app.screen, TeamScreen)
        else:
            await pilot.press("?")
            assert isinstance(app.screen, HelpScreen)
            await pilot.press("escape")
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        text = app.screen.text()
        console = app.screen_stack[-2]
        for binding in console.BINDINGS:  # every key, and what each action does
            if binding.description:
                assert SPOKEN.get(binding.key, app.get_key_display(binding)) in text, binding
        for action in {b.action for b in console.BINDINGS if b.description}:
            first = next(b for b in console.BINDINGS if b.action == action)
            assert (first.tooltip or first.description) in text, action
        wanted = (["Resolve the highlighted", "hotwash note", "Enter: Rule on the highlighted move", "1 / F2"]
                  if role == FACILITATOR else
                  ["a: Accept the highlighted", "c: Answer the highlighted proposal", "^s", "F2", "F8", "Enter: Revise"])
        for words in wanted:
            assert words in text, words
        assert "Escape" in text and "Tab / Shift+Tab" in text
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


# --- Enter and Escape in every form --------------------------------------------------------------


@run_async
async def test_enter_submits_and_escape_leaves_each_facilitator_form(minimal):
    play(minimal, (cmd.Advance(),), (cmd.Submit("red", "threaten", "Red masses troops", ["blue"]), "red"),
         (cmd.Advance(),))
    fac = make_app(minimal, FACILITATOR, poll=False)
    async with fac.run_test(size=SIZE) as pilot:
        # the ruling form: Enter in the narrative rules (as u does)
        await pilot.press("3", "enter")
        await pilot.pause()
        await pilot.press("tab", *"Troops move")
        await pilot.press("escape")  # leaves the field; one-letter keys work again
        assert fac.focused is None
        fac.screen.query_one("#narrative").focus()
        await pilot.press("enter")
        ruling = fac.session.state.moves["m1"].ruling
        assert ruling is not None and ruling.narrative == "Troops move"

        # a hotwash note: n goes to the note (out of the field first), Enter adds it
        await pilot.press("escape", "n")
        await pilot.pause()
        assert fac.focused is fac.screen.query_one("#note-text")
        await pilot.press(*"Quick rulings", "enter")
        assert [n.text for n in fac.session.state.notes] == ["Quick rulings"]
        assert fac.screen.query_one("#note-text", Input).value == ""

        # a dialog with a field: Enter there is OK; Escape cancels
        await pilot.press("escape", "l")
        assert isinstance(fac.screen, ChooseScreen) and fac.focused is fac.screen.query_one("#choice")
        await pilot.press("enter", "enter")  # open the list, take the first: on to the recipients
        assert fac.focused is fac.screen.query_one("#extra")
        await pilot.press(*"blue", "enter")
        assert isinstance(fac.screen, FacilitatorScreen)
        delivered = list(fac.session.state.deliveries.values())[-1]
        assert delivered.recipients == ["blue"]
        await pilot.press("l", "escape")
        assert isinstance(fac.screen, FacilitatorScreen)


@run_async
async def test_enter_in_the_headline_goes_on_and_in_a_dialog_says_ok(minimal):
    fac = make_app(minimal, FACILITATOR, poll=False)
    async with fac.run_test(size=SIZE) as pilot:
        await pilot.press("2", "s")  # turn 1's inject waits in the queue: skip it, with a reason
        assert isinstance(fac.screen, PromptScreen)
        await pilot.press(*"Out of time", "enter")
        assert isinstance(fac.screen, FacilitatorScreen) and fac.session.state.skipped[-1].reason == "Out of time"
    play(minimal, (cmd.Advance(),))
    blue = make_app(minimal, "blue", poll=False)
    async with blue.run_test(size=SIZE) as pilot:
        await pilot.press("tab", *"Headline", "enter")
        assert blue.focused is blue.screen.query_one("#detail"), "Enter in the headline goes on to the detail"


# --- proposals: terms in full, confirmations, counters with effects ------------------------------


@run_async
async def test_a_counter_carries_its_own_terms_and_effects(minimal):
    play(minimal, (cmd.Advance(),))
    blue = make_app(minimal, "blue", poll=False)
    async with blue.run_test(size=SIZE) as pilot:
        await pilot.press("f4", "c")
        assert isinstance(blue.screen, CounterScreen)
        terms = blue.screen.query_one("#counter-terms")
        assert terms.text == "Stop\nTalk", "the counter starts from the proposal's terms"
        assert blue.focused is terms
        await pilot.press("down", "end", "enter", *"Withdraw first")
        blue.screen.query_one("#counter-effects").focus()
        assert "tension" in str(blue.screen.query_one("#counter-effects", Input).placeholder), "it names the tracks"
        await pilot.press(*"tension -2, truce = maybe", "enter")
        assert isinstance(blue.screen, CounterScreen), "an unreadable effect is refused, the dialog stays"
        await pilot.press(*["backspace"] * len("truce = maybe"), "backspace", "backspace")
        await pilot.press(*", calm +1", "enter")  # no such track: the rules refuse it, and nothing typed is lost
        assert isinstance(blue.screen, CounterScreen)
        assert blue.session.state.proposals["p1"].answers == {}
        await pilot.press(*["backspace"] * len(", calm +1"))
        await pilot.press("ctrl+s")
        assert isinstance(blue.screen, TeamScreen)
        counter = next(p for p in blue.session.state.proposals.values() if p.counter_of == "p1")
        assert counter.terms == ["Stop", "Talk", "Withdraw first"]
        assert counter.effects.tracks == {"tension": -2}
        assert blue.session.state.proposals["p1"].answers == {"blue": Answer.COUNTER}


@run_async
async def test_rejecting_needs_no_confirmation_but_withdrawing_and_accepting_do(minimal):
    play(minimal, (cmd.Advance(),), (cmd.Submit("blue", "respond", "Noted", []), "blue"))
    blue = make_app(minimal, "blue", poll=False)
    async with blue.run_test(size=SIZE) as pilot:
        await pilot.press("f7", "f8")
        assert isinstance(blue.screen, ConfirmScreen) and "Noted" in blue.screen.question
        await pilot.press("escape")
        assert blue.session.state.moves["m1"].status == "submitted"
        await pilot.press("f4", "a")
        assert isinstance(blue.screen, ConfirmScreen) and "Stop" in blue.screen.question
        await pilot.press("n", "r")
        assert blue.session.state.proposals["p1"].answers == {"blue": Answer.REJECT}


# --- the palette and the footer ------------------------------------------------------------------


@run_async
async def test_respond_resolve_and_note_are_in_the_palette_and_the_footer(minimal):
    play(minimal, (cmd.Advance(),))
    fac = make_app(minimal, FACILITATOR, poll=False)
    async with fac.run_test(size=SIZE) as pilot:
        titles = {c.title for c in fac.get_system_commands(fac.screen)}
        assert {"Resolve the selected commitment or deal", "Write a hotwash note", "Keys and help"} <= titles
        await wait_until(pilot, lambda: "F1 Help" in screen_text(fac))
        footer = next(line for line in screen_text(fac).splitlines() if "F1 Help" in line)
        assert "c Resolve" in footer and "n Note" in footer and "F1 Help" in footer
    blue = make_app(minimal, "blue", poll=False)
    async with blue.run_test(size=SIZE) as pilot:
        titles = {c.title for c in blue.get_system_commands(blue.screen)}
        assert {"Accept the selected proposal", "Reject the selected proposal", "Counter the selected proposal",
                "Show the deals and the ledger", "Keys and help"} <= titles
        await pilot.press("f4")
        await wait_until(pilot, lambda: "a Accept" in screen_text(blue))  # the footer is redrawn for the table
        footer = next(line for line in screen_text(blue).splitlines() if "a Accept" in line)
        assert "a Accept" in footer and "r Reject" in footer and "c Counter" in footer
        commands = {c.title: c for c in blue.get_system_commands(blue.screen)}
        commands["Reject the selected proposal"].callback()
        await pilot.pause()
        assert blue.session.state.proposals["p1"].answers == {"blue": Answer.REJECT}


@run_async
async def test_the_facilitator_resolves_from_the_ledger_with_enter(minimal):
    play(minimal, (cmd.Advance(),), (cmd.Submit("red", "threaten", "Red masses troops", ["blue"]), "red"),
         (cmd.Advance(),))
    fac = make_app(minimal, FACILITATOR, poll=False)
    async with fac.run_test(size=SIZE) as pilot:
        await pilot.press("4")
        await pilot.pause()
        fac.screen.query_one("#ledger").focus()
        await pilot.press("enter")
        assert isinstance(fac.screen, ChooseScreen) and "c1" in fac.screen.question
        await choose(pilot, "#choice", "carried_out")
        assert fac.focused is fac.screen.query_one("#extra"), "the choice made, the note is next"
        await pilot.press(*"Troops moved", "enter")
        assert fac.session.state.commitments["c1"].status == "carried_out"


# --- a team's ledger and its alerts --------------------------------------------------------------


@run_async
async def test_a_team_sees_the_commitments_it_is_party_to(minimal):
    play(minimal, (cmd.Advance(),), (cmd.Submit("red", "threaten", "Red masses troops", ["blue"]), "red"),
         (cmd.Advance(),))
    blue = make_app(minimal, "blue", poll=False)
    async with blue.run_test(size=SIZE) as pilot:
        await pilot.press("f4")
        await pilot.pause()
        assert rows(blue, "#team-ledger") == [["c1", "red", "open", "Red masses troops", "threat", "1"]]
        blue.session.act(cmd.Resolve("c1", "carried_out"), FACILITATOR)
        blue.refresh_console()
        await pilot.pause()
        assert column(blue, "#team-ledger", "Status") == ["carried out"]


@run_async
async def test_a_team_is_alerted_to_a_new_inject_and_its_inbox_tab_is_marked(minimal):
    blue = make_app(minimal, "blue")
    bells = []
    async with blue.run_test(size=SIZE) as pilot:
        blue.bell = lambda: bells.append(1)
        await pilot.press("f5")  # reading the record when the injects arrive
        await pilot.pause()
        play(minimal, (cmd.Advance(),))  # another console delivers m1's inject (and tables p1)
        tabs = blue.screen.query_one("#team-tabs", TabbedContent)
        await wait_until(pilot, lambda: "•" in str(tabs.get_tab("tab-inbox").label))
        assert str(tabs.get_tab("tab-inbox").label) == "Inbox •1 F3"
        assert str(tabs.get_tab("tab-deals").label) == "Deals •1 F4", "a proposal tabled to the team too"
        assert bells, "the terminal's bell rings"
        titles = [n.title for n in blue._notifications]
        assert "New inject" in titles and "New proposal" in titles, titles
        await pilot.press("f3")
        await pilot.pause()
        assert str(tabs.get_tab("tab-inbox").label) == "Inbox F3", "read: the mark goes"
        assert str(tabs.get_tab("tab-deals").label) == "Deals •1 F4"


# --- small terminals -----------------------------------------------------------------------------


@pytest.mark.parametrize("size", [(80, 24), (100, 30)])
@run_async
async def test_the_team_console_shows_its_keys_ready_and_headline_in_a_small_terminal(minimal, size):
    play(minimal, (cmd.Advance(),), (cmd.Submit("blue", "respond", "Noted", []), "blue"))
    blue = make_app(minimal, "blue", poll=False)
    async with blue.run_test(size=size) as pilot:
        await pilot.pause()
        blue.clear_notifications()
        await pilot.pause()
        lines = screen_text(blue).splitlines()
        assert len(lines) == size[1]
        assert "Blue · Turn 1 of 3" in lines[0] and "moves open" in lines[0]
        assert lines[-1].startswith("F1 Help ^p Palette") and "^s Submit" in lines[-1] and "^g Ready" in lines[-1]
        assert "^p Palette" in lines[-1]
        assert any("Ready ^g" in line for line in lines), "the Ready button is in view"
        assert any("m1" in line and "Noted" in line for line in lines), "the team's move and its headline"
        await pilot.press("ctrl+g")
        await pilot.pause()
        assert any("✓ Ready" in line for line in screen_text(blue).splitlines())
        assert "ready" in screen_text(blue).splitlines()[0]


@pytest.mark.parametrize("size", [(80, 24), (100, 30)])
@run_async
async def test_the_facilitator_console_fits_a_small_terminal(minimal, size):
    play(minimal, (cmd.Advance(),), (cmd.Submit("red", "threaten", "Red masses troops", ["blue"]), "red"),
         (cmd.Ready("red"), "red"))
    fac = make_app(minimal, FACILITATOR, poll=False)
    async with fac.run_test(size=size) as pilot:
        await pilot.pause()
        fac.clear_notifications()
        await pilot.pause()
        text = screen_text(fac)
        lines = text.splitlines()
        assert "Turn 1 of 3" in lines[0] and "moves open" in lines[0]
        assert "F1 Help" in lines[-1] and "a Advance" in lines[-1] and "^p Palette" in lines[-1]
        assert "Red masses troops" in text, "the headline shows"
        assert "Moves 3" in text and "Hotwash 6" in text
        if size[0] < 100:  # the sidebar makes way; one line says who is ready, b brings it back
            assert "Ready 1/2, waiting for blue" in text and "Tension" not in text
            await pilot.press("b")
            await pilot.pause()
            assert "Tension" in screen_text(fac)
        else:
            assert "Tension" in text and "Ready 1/2" not in text
