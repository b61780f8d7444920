"""A team's console: its brief, its inbox, the move composer, its moves, the public record."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, DataTable, Footer, Header, Label, Markdown, TabbedContent, TabPane

from .. import commands as cmd
from ..events import Answer, MoveStatus, Phase, ProposalStatus
from ..model import Scenario
from ..views import MoveView
from .widgets import MoveComposer, PromptScreen, TracksPanel, fill_table, header_text, plain, selected_key

OBJECTIVE_MARK = {True: "✓ met", False: "not met"}
DRAFT_SECONDS = 1.0  # how often the composer is kept as a draft in the session


def brief_markdown(scenario: Scenario, team_id: str, met: dict[str, bool]) -> str:
    """The team's brief: stance, ranked objectives with status, red lines, levers, advisors."""
    team = scenario.teams[team_id]
    pos = team.position
    cite = lambda item: f" — *{item.source}*" + (f'  \n  > "{item.quote}"' if item.quote else "")  # noqa: E731
    lines = [f"# {team.name}", team.role, "", "## Stance"]
    lines += [f"- {s.text}{cite(s)}" for s in pos.stance]
    lines += ["", "## Objectives, by rank"]
    for o in sorted(pos.objectives, key=lambda o: o.rank):
        status = f" **[{OBJECTIVE_MARK[met.get(o.id, False)]}]**" if o.when else ""
        lines.append(f"{o.rank}. {o.text}{status}{cite(o)}")
    if pos.red_lines:
        lines += ["", "## Red lines"] + [f"- {r.text}{cite(r)}" for r in pos.red_lines]
    if pos.levers:
        lines += ["", "## Levers (your kinds of move)"]
        lines += [f"- **{scenario.move_kinds[lv.kind].label}** (`{lv.kind}`): {lv.text}{cite(lv)}" for lv in pos.levers]
    if pos.assumptions:
        lines += ["", "## Assumptions"] + [f"- {a.text}{cite(a)}" for a in pos.assumptions]
    for adv in pos.advisors:
        lines += ["", f"## Advisor brief: {adv.title}", f"*{adv.advisor}* — source: *{adv.source}*", "", adv.summary]
        if adv.quote:
            lines.append(f'\n> "{adv.quote}"')
        lines += [f"- {r}" for r in adv.recommends]
    sources = {s.id: s for s in scenario.sources}
    lines += ["", "## Sources"] + [f"- **{sid}**: {s.author}, *{s.title}* ({s.date})" for sid, s in sources.items()]
    return "\n".join(lines)


class TeamScreen(Screen):
    """Everything one team needs during a turn."""

    BINDINGS = [
        # Keys that neither a text field nor a browser tab takes (ctrl+w would close the tab,
        # ctrl+r reload it; ctrl+d, ctrl+e, ctrl+y edit text), so they work wherever focus is.
        Binding("ctrl+s", "submit", "Submit move", priority=True),
        Binding("ctrl+g", "ready", "Ready", priority=True),
        Binding("ctrl+o", "edit", "Edit", priority=True),
        Binding("f4", "withdraw", "Withdraw"),
        Binding("f1", "show_tab('tab-brief')", "Brief"),
        Binding("f2", "show_tab('tab-inbox')", "Inbox"),
        Binding("f3", "show_tab('tab-record')", "Record"),
        Binding("escape", "cancel_edit", "Cancel edit", show=False),
    ]

    def __init__(self, team: str):
        super().__init__()
        self.team = team

    def compose(self) -> ComposeResult:
        scenario = self.app.session.scenario
        yield Header()
        with Horizontal(id="body"):
            with TabbedContent(id="team-tabs", initial="tab-inbox"):
                with TabPane("Brief", id="tab-brief"):
                    with VerticalScroll():
                        yield Markdown(id="brief")
                with TabPane("Inbox", id="tab-inbox"):
                    with VerticalScroll(id="inbox-scroll"):
                        yield Markdown(id="inbox")
                    yield Label("Proposals you are party to", classes="heading")
                    yield DataTable(id="proposals", cursor_type="row")
                    with Horizontal(classes="buttons"):
                        yield Button("Accept", id="accept", variant="success")
                        yield Button("Reject", id="reject", variant="error")
                        yield Button("Counter…", id="counter")
                with TabPane("Record", id="tab-record"):
                    yield DataTable(id="record", cursor_type="row")
            with VerticalScroll(id="side"):
                yield MoveComposer(scenario, self.team, id="composer")
                yield Label("Your moves this turn", classes="heading")
                yield DataTable(id="my-moves", cursor_type="row")
                with Horizontal(classes="buttons"):
                    yield Button("Edit (^o)", id="edit")
                    yield Button("Withdraw (f4)", id="withdraw")
                    yield Button("Ready (^g)", id="ready", variant="success")
                yield Label("Tracks", classes="heading")
                yield TracksPanel(scenario, id="tracks")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#proposals", DataTable).add_columns("Id", "From", "Status", "Answers", "Title", "Terms")
        self.query_one("#record", DataTable).add_columns("Turn", "Move", "Team", "Kind", "Outcome", "Headline", "Ruling")
        self.query_one("#my-moves", DataTable).add_columns("Move", "Kind", "Status", "Headline")
        self._brief = self._inbox = None
        self.show_view()
        self.query_one("#kind").focus()  # the composer is what a team uses most
        self._restore_draft()
        self.set_interval(DRAFT_SECONDS, self._keep_draft)

    # -- drafts: nothing typed is lost (a closed tab, a dropped connection, a restart) ---------

    def _restore_draft(self) -> None:
        draft = self.app.session.draft(self.team)
        composer = self.query_one(MoveComposer)
        if draft and not composer.is_blank(draft):
            editing = draft.get("editing")
            mine = {m.id for m in self.app.session.view(self.team).moves if m.status is MoveStatus.SUBMITTED}
            composer.fill(draft, editing if editing in mine else None)
            self.notify("The move you were composing is back.", title="Draft restored")
        self._kept = composer.draft()

    def _keep_draft(self) -> None:
        draft = self.query_one(MoveComposer).draft()
        if draft == self._kept:
            return
        if MoveComposer.is_blank(draft):
            self.app.session.clear_draft(self.team)
        else:
            self.app.session.save_draft(self.team, draft)
        self._kept = draft

    def show_view(self) -> None:
        session = self.app.session
        view = session.view(self.team)
        name = session.scenario.teams[self.team].name
        ready = view.teams[self.team].ready
        ready_now = ready and view.phase is Phase.MOVES
        self.app.title = f"{name} · {header_text(view, session.scenario)}" + (" · ready" if ready_now else "")
        self.app.sub_title = view.scenario.title
        met = {c.item: c.holds for c in view.conditions if c.kind == "objective"}
        brief_key = tuple(sorted(met.items()))
        if brief_key != self._brief:
            self._brief = brief_key
            self.query_one("#brief", Markdown).update(brief_markdown(session.scenario, self.team, met))
        if len(view.injects) != self._inbox:
            self._inbox = len(view.injects)
            parts = [f"### {d.id} · turn {d.turn} · {d.title}\n\n*From {d.sender}, by {d.channel}*"
                     f" — source: {d.source}\n\n{d.body.strip()}"
                     + ("\n\n**To discuss:**\n" + "\n".join(f"- {q}" for q in d.questions) if d.questions else "")
                     for d in reversed(view.injects)]
            self.query_one("#inbox", Markdown).update("\n\n---\n\n".join(parts) or "Nothing delivered yet.")
        fill_table(self.query_one("#proposals", DataTable), [
            (p.id, [p.id, p.by, p.status.value, ", ".join(f"{t} {a.value}" for t, a in p.answers.items()),
                    plain(p.title), plain("; ".join(p.terms))])
            for p in view.proposals if self.team in p.parties])
        fill_table(self.query_one("#record", DataTable), [
            (m.id, [str(m.turn), m.id, m.team, m.kind, m.ruling.outcome.value if m.ruling else "",
                    plain(m.headline), plain(m.ruling.narrative) if m.ruling else ""])
            for m in reversed(view.moves) if m.revealed])
        mine = [m for m in view.moves if m.team == self.team and m.turn == view.turn]
        fill_table(self.query_one("#my-moves", DataTable), [
            (m.id, [m.id, m.kind, m.status.value, plain(m.headline)]) for m in mine])
        self.query_one(TracksPanel).show(view, list(view.history))
        self.query_one("#ready", Button).label = "Not ready (^g)" if ready else "Ready (^g)"
        submit = self.query_one("#submit-move", Button)  # a move can be entered while moves are open
        submit.disabled = view.phase is not Phase.MOVES
        submit.tooltip = "Moves are not open now" if submit.disabled else None
        answerable = [(f"{d.id}: {d.title}", d.id) for d in view.injects]
        answerable += [(f"{p.id}: {p.title}", p.id) for p in view.proposals if p.status is ProposalStatus.OPEN]
        self.query_one(MoveComposer).set_answerable(answerable)

    # -- actions --------------------------------------------------------------------------

    def action_show_tab(self, tab: str) -> None:
        self.query_one("#team-tabs", TabbedContent).active = tab

    def action_submit(self) -> None:
        composer = self.query_one(MoveComposer)
        values = composer.values()
        if composer.editing:
            values.pop("kind")
            command = cmd.Revise(self.team, composer.editing, **values)
        elif not values["kind"]:
            self.notify("Choose the kind of move", severity="warning")
            return
        else:
            command = cmd.Submit(self.team, **values)
        events = self.app.act(command)
        if events is not None:
            self.notify(f"{events[0].move} {'revised' if composer.editing else 'submitted'}")
            composer.load(None)
            self.app.session.clear_draft(self.team)
            self._kept = composer.draft()
            self.query_one("#ready").scroll_visible()  # show the move among the team's own

    @on(Button.Pressed, "#submit-move")
    def _submit_button(self) -> None:
        self.action_submit()

    def action_cancel_edit(self) -> None:
        self.query_one(MoveComposer).load(None)

    @on(Button.Pressed, "#cancel-edit")
    def _cancel_button(self) -> None:
        self.action_cancel_edit()

    def _myselected_key(self) -> MoveView | None:
        return self.app.session.view(self.team).move(selected_key(self.query_one("#my-moves", DataTable)))

    def action_edit(self) -> None:
        move = self._myselected_key()
        if move is None:
            self.notify("Select one of your moves first", severity="warning")
        else:
            self.query_one(MoveComposer).load(move)
            self.query_one("#headline").focus()

    @on(Button.Pressed, "#edit")
    def _edit_button(self) -> None:
        self.action_edit()

    def action_withdraw(self) -> None:
        move = self._myselected_key()
        if move is None:
            self.notify("Select one of your moves first", severity="warning")
        elif self.app.act(cmd.Withdraw(self.team, move.id)) is not None:
            self.notify(f"{move.id} withdrawn")

    @on(Button.Pressed, "#withdraw")
    def _withdraw_button(self) -> None:
        self.action_withdraw()

    def action_ready(self) -> None:
        ready = self.app.session.view(self.team).teams[self.team].ready
        self.app.act(cmd.Ready(self.team, not ready))

    @on(Button.Pressed, "#ready")
    def _ready_button(self) -> None:
        self.action_ready()

    def _answer(self, answer: Answer, terms: list[str] | None = None) -> None:
        proposal = selected_key(self.query_one("#proposals", DataTable))
        if proposal is None:
            self.notify("Select a proposal first", severity="warning")
            return
        if self.app.act(cmd.Respond(self.team, proposal, answer, terms=terms or [])) is not None:
            self.notify(f"You answered {proposal}: {answer.value}")

    @on(Button.Pressed, "#accept")
    def _accept(self) -> None:
        self._answer(Answer.ACCEPT)

    @on(Button.Pressed, "#reject")
    def _reject(self) -> None:
        self._answer(Answer.REJECT)

    @on(Button.Pressed, "#counter")
    def _counter(self) -> None:
        self.app.push_screen(PromptScreen("Your counter-proposal's terms, separated by ';'", "term; term"),
                             lambda text: text and self._answer(Answer.COUNTER, [t.strip() for t in text.split(";") if t.strip()]))

    def palette_commands(self):
        return [
            ("Submit the move", "Or update the move being revised", self.action_submit),
            ("Mark ready / not ready", "Tell the facilitator your moves are in", self.action_ready),
            ("Edit the selected move", "Load it into the composer", self.action_edit),
            ("Withdraw the selected move", "While moves are open", self.action_withdraw),
            ("Show the brief", "Stance, objectives, red lines, levers, advisors (F1)",
             lambda: self.action_show_tab("tab-brief")),
            ("Show the inbox", "Injects and proposals (F2)", lambda: self.action_show_tab("tab-inbox")),
            ("Show the record", "Every revealed move and its ruling (F3)", lambda: self.action_show_tab("tab-record")),
        ]
