"""A team's console: its brief, its inbox, the move composer, its moves, the public record."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import (
    Button,
    DataTable,
    Input,
    Label,
    Markdown,
    Static,
    TabbedContent,
    TabPane,
    TextArea,
)

from .. import commands as cmd
from .. import views
from ..events import Answer, MoveStatus, Phase, ProposalStatus
from ..model import ALL_TEAMS, Scenario
from ..narrate import parse_effects
from ..views import CommitmentView, MoveView, ProposalView, View
from .following import ById
from .help import FORMS, HelpScreen, key_rows
from .opening import console_title
from .widgets import (
    ConfirmScreen,
    ConsoleHeader,
    ConsoleScreen,
    Field,
    KeysFooter,
    LazyMarkdown,
    MoveComposer,
    ShownTable,
    TracksPanel,
    fill_table,
    header_text,
    plain,
    selected_key,
    show_current,
    upsert_rows,
)

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


TABS = Binding.Group("Tabs", compact=True)
TAB_KEYS = {"tab-brief": "f2", "tab-inbox": "f3", "tab-deals": "f4", "tab-record": "f5"}
TAB_LABELS = {"tab-brief": "Brief", "tab-inbox": "Inbox", "tab-deals": "Deals", "tab-record": "Record"}


class ProposalTable(ShownTable):
    """The proposals a team is party to; a, r and c answer the highlighted one (the footer shows them)."""

    BINDINGS = [
        Binding("a", "screen.accept", "Accept", tooltip="Accept the highlighted proposal (after reading its terms)"),
        Binding("r", "screen.reject", "Reject", tooltip="Reject the highlighted proposal"),
        Binding("c", "screen.counter", "Counter", tooltip="Answer the highlighted proposal with terms of your own"),
    ]


class MyMovesTable(ShownTable):
    """A team's moves this turn; Enter or Ctrl+O loads the highlighted one into the composer."""

    BINDINGS = [Binding("enter", "screen.edit", "Edit", show=False, tooltip="Revise the highlighted move in the composer")]


class TeamScreen(ConsoleScreen):
    """Everything one team needs during a turn."""

    BINDINGS = [
        # Keys that neither a text field nor a browser tab takes (ctrl+w would close the tab,
        # ctrl+r reload it; ctrl+d, ctrl+e, ctrl+y edit text), so they work wherever focus is.
        # F1 and F2 onwards go over the panels from left to right, in both consoles.
        Binding("f1", "help", "Help", priority=True, tooltip="Every key of this console"),
        Binding("question_mark", "help", "Help", show=False),
        Binding("ctrl+p", "app.command_palette", "Palette", priority=True, tooltip="Every action of this console, by name"),
        Binding("ctrl+s", "submit", "Submit", priority=True, tooltip="Submit the move (or the revision) in the composer"),
        Binding("ctrl+g", "ready", "Ready", priority=True, tooltip="Mark your team ready, or not ready again"),
        Binding("ctrl+o", "edit", "Edit", priority=True, tooltip="Revise the move highlighted in Your moves"),
        *(Binding(key, f"show_tab('{tab}')", TAB_LABELS[tab], priority=True, group=TABS,
                  tooltip=f"The {TAB_LABELS[tab]} tab") for tab, key in TAB_KEYS.items()),
        Binding("f8", "withdraw", "Withdraw", show=False, priority=True,
                tooltip="Withdraw the move highlighted in Your moves (asks first)"),
        Binding("f6", "jump_composer", "Composer", show=False, priority=True, tooltip="Jump to the move composer"),
        Binding("f7", "jump_moves", "Your moves", show=False, priority=True, tooltip="Jump to your moves this turn"),
        Binding("f9", "toggle_side", "Side column", show=False, priority=True,
                tooltip="Hide or show the composer's column (the tabs take the width)"),
        Binding("escape", "cancel_edit", "Cancel edit", show=False, tooltip="Stop revising: the composer is for a new move again"),
        Binding("f10", "feedback", "Feedback", show=False, priority=True,
                tooltip="At the hotwash: your team's feedback on the exercise"),
    ]

    def __init__(self, team: str):
        super().__init__()
        self.team = team

    def compose(self) -> ComposeResult:
        scenario = self.app.session.scenario
        yield ConsoleHeader()
        with Horizontal(id="body"):
            with TabbedContent(id="team-tabs", initial="tab-inbox"):
                with TabPane(self._tab_label("tab-brief"), id="tab-brief"):
                    with VerticalScroll(id="brief-scroll"):
                        yield LazyMarkdown(id="brief")
                with TabPane(self._tab_label("tab-inbox"), id="tab-inbox"):
                    with VerticalScroll(id="inbox-scroll"):
                        yield Markdown(id="inbox")
                with TabPane(self._tab_label("tab-deals"), id="tab-deals"):
                    with VerticalScroll(id="deals-scroll"):
                        yield Label("Proposals you are party to", classes="heading")
                        yield ProposalTable(id="proposals", cursor_type="row")
                        yield Static("No proposal to read.", id="proposal-terms", markup=False)
                        with Horizontal(classes="buttons"):
                            yield Button("Accept (a)", id="accept", variant="success")
                            yield Button("Reject (r)", id="reject", variant="error")
                            yield Button("Counter… (c)", id="counter")
                        yield Label("Commitments you are party to", classes="heading")
                        yield DataTable(id="team-ledger", cursor_type="row")
                with TabPane(self._tab_label("tab-record"), id="tab-record"):
                    yield ShownTable(id="record", cursor_type="row")
            with Vertical(id="side"):
                with VerticalScroll(id="side-scroll"):
                    yield MoveComposer(scenario, self.team, key="F6", id="composer")
                    yield Label("Tracks", classes="heading")
                    yield TracksPanel(scenario, id="tracks")
                yield Label("Your moves this turn · F7", classes="heading", id="my-moves-title")
                yield MyMovesTable(id="my-moves", cursor_type="row")
                with Horizontal(classes="buttons", id="move-buttons"):
                    yield Button("Edit", id="edit", tooltip="Revise the highlighted move (Ctrl+O, or Enter in the table)")
                    yield Button("Withdraw F8", id="withdraw", tooltip="Withdraw the highlighted move (F8); asks first")
                    yield Button("Ready ^g", id="ready")
        yield KeysFooter()

    @staticmethod
    def _tab_label(tab: str, mark: str = "") -> str:
        return f"{TAB_LABELS[tab]}{mark} {TAB_KEYS[tab].upper()}"

    def on_mount(self) -> None:
        self.query_one("#proposals", DataTable).add_columns("Id", "From", "Status", "Answers", "Title", "Terms")
        self.query_one("#record", DataTable).add_columns("Turn", "Move", "Team", "Kind", "Outcome", "Headline", "Ruling")
        self.query_one("#my-moves", DataTable).add_columns("Move", "Kind", "Status", "Headline")
        for table, first in (("#proposals", ("Id", "Status", "Title")), ("#record", ("Move", "Team", "Outcome", "Headline", "Ruling")),
                             ("#my-moves", ("Move", "Status", "Headline"))):
            self.query_one(table, ShownTable).show_first(*first)  # what a narrow terminal must show first
        self._setup_deals()
        self._brief = self._inbox = None
        self._painted = False
        self._injects: ById | None = None  # what show_view keeps of the whole record
        self._record = ById()
        self._proposals, self._mine = ById(), ById()  # what is current
        self._seen = self._turn = 0
        self._feedback_told = False
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
            mine = {m.id for m in self.app.session.view(self.team, "now").moves if m.status is MoveStatus.SUBMITTED}
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
        """Show the session now. The first time reads the whole record; after that the view of
        what the new events touched (``following``), so a refresh costs the same however long
        the game."""
        session = self.app.session
        new = session.events_since(self._seen) if self._injects is not None else []
        self._seen = session.applied
        if self._injects is None:
            whole = session.view(self.team, "all")
            self._injects, self._record = ById(whole.injects), ById(m for m in whole.moves if m.revealed)
            record_rows = list(self._record.items)
            view, touched = session.view(self.team, "now"), None
        else:
            touched = views.touched(new)
            view = session.view(self.team, "now", touched)
            self._injects.update(view.injects)
            record_rows = self._record.update(m for m in view.moves if m.revealed)
            if view.turn != self._turn:  # a new turn: what is current is another set
                view, touched = session.view(self.team, "now"), None
        self._turn = view.turn
        name = session.scenario.teams[self.team].name
        ready = view.teams[self.team].ready
        ready_now = ready and view.phase is Phase.MOVES
        self.app.title = console_title(self.team, header_text(view, session.scenario), name, ready_now)
        self.app.sub_title = view.scenario.title
        met = {h.item: True for h in view.holding if h.kind == "objective"}
        brief_key = tuple(sorted(met))
        if brief_key != self._brief:
            self._brief = brief_key
            self.query_one("#brief", LazyMarkdown).show(brief_markdown(session.scenario, self.team, met))
        injects = list(self._injects.items.values())
        if len(injects) != self._inbox:
            self._inbox = len(injects)
            parts = [f"### {d.id} · turn {d.turn} · {d.title}\n\n*From {d.sender}, by {d.channel}*"
                     f" — source: {d.source}\n\n{d.body.strip()}"
                     + ("\n\n**To discuss:**\n" + "\n".join(f"- {q}" for q in d.questions) if d.questions else "")
                     for d in reversed(injects)]
            inbox = self.query_one("#inbox", Markdown)
            text = "\n\n---\n\n".join(parts) or "Nothing delivered yet."
            if self._painted:
                inbox.update(text)
            else:  # the inbox is widgets of its own, a paragraph each: they come just after the first frame
                def after_the_first_frame(text: str = text) -> None:
                    self._painted = True
                    inbox.update(text)

                self.call_after_refresh(after_the_first_frame)
        mine = [p for p in view.proposals if self.team in p.parties]
        show_current(self.query_one("#proposals", DataTable), self._proposals, mine, touched, lambda p: [
            p.id, p.by, p.status.value, ", ".join(f"{t} {a.value}" for t, a in p.answers.items()),
            plain(p.title), plain("; ".join(p.terms))])
        moves = self._record.items
        record = self.query_one("#record", DataTable)
        at_end = record.cursor_row >= record.row_count - 1
        upsert_rows(record, [  # in the order revealed: new ones at the end
            (m.id, [str(m.turn), m.id, m.team, m.kind, m.ruling.outcome.value if m.ruling else "",
                    plain(m.headline), plain(m.ruling.narrative) if m.ruling else ""])
            for m in (moves[i] for i in record_rows)])
        if at_end and record.row_count:  # the cursor follows the newest, unless the reader moved it back
            record.move_cursor(row=record.row_count - 1, animate=False)
        mine = [m for m in view.moves if m.team == self.team and m.turn == view.turn]
        show_current(self.query_one("#my-moves", DataTable), self._mine, mine, touched,
                     lambda m: [m.id, m.kind, m.status.value, plain(m.headline)])
        self.query_one(TracksPanel).show(view)
        self.query_one("#ready", Button).label = "Not ready (^g)" if ready else "Ready (^g)"
        submit = self.query_one("#submit-move", Button)  # a move can be entered while moves are open
        submit.disabled = view.phase is not Phase.MOVES
        submit.tooltip = "Moves are not open now" if submit.disabled else None
        answerable = [(f"{d.id}: {d.title}", d.id) for d in injects]
        answerable += [(f"{p.id}: {p.title}", p.id) for p in self._proposals.items.values()
                       if p.status is ProposalStatus.OPEN]
        self.query_one(MoveComposer).set_answerable(answerable)
        self.show_deals(view)
        if view.phase in (Phase.HOTWASH, Phase.ENDED) and not self._feedback_told:
            self._feedback_told = True
            self.notify("The hotwash: F10 gives your team's feedback on the exercise.", title="Feedback", timeout=10)

    # -- actions --------------------------------------------------------------------------

    def action_show_tab(self, tab: str) -> None:
        """Show a tab and put the focus in it, so arrows and Page Down work there at once."""
        self.query_one("#team-tabs", TabbedContent).active = tab
        target = {"tab-brief": "#brief-scroll", "tab-inbox": "#inbox-scroll", "tab-deals": "#proposals",
                  "tab-record": "#record"}[tab]
        self.set_focus(self.query_one(target))  # at once: a focus that came later would pull its tab back

    def action_jump_composer(self) -> None:
        self.set_class(False, "side-hidden")
        composer = self.query_one(MoveComposer)
        kind = self.query_one("#kind")
        if composer.editing or kind.disabled:
            self.query_one("#headline", Field).focus()
        else:
            kind.focus()

    def action_jump_moves(self) -> None:
        self.set_class(False, "side-hidden")
        self.query_one("#my-moves").focus()

    def action_toggle_side(self) -> None:
        self.toggle_class("side-hidden")

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen(f"Keys: the {self.app.session.scenario.teams[self.team].name} console",
                                        TEAM_HELP, [
            ("Anywhere in this console", key_rows(self.app, self.BINDINGS)),
            ("In Your moves (F7)", key_rows(self.app, MyMovesTable.BINDINGS)),
            ("In the proposals of the Deals tab (F4)", key_rows(self.app, ProposalTable.BINDINGS)),
            ("In forms and dialogs", FORMS),
        ]))

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
            self.refresh_bindings()
            self.app.session.clear_draft(self.team)
            self._kept = composer.draft()

    @on(Button.Pressed, "#submit-move")
    def _submit_button(self) -> None:
        self.action_submit()

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action == "cancel_edit":  # Escape stops a revision; with none, it is not this console's key
            return self.query_one(MoveComposer).editing is not None
        return True

    def action_cancel_edit(self) -> None:
        composer = self.query_one(MoveComposer)
        if composer.editing:
            self.notify(f"Stopped revising {composer.editing}; it stays as it was")
            composer.load(None)
            self.refresh_bindings()

    @on(Button.Pressed, "#cancel-edit")
    def _cancel_button(self) -> None:
        self.action_cancel_edit()

    def _myselected_key(self) -> MoveView | None:
        return self._mine.items.get(selected_key(self.query_one("#my-moves", DataTable)))

    def action_edit(self) -> None:
        move = self._myselected_key()
        if move is None:
            self.notify("Select one of your moves first (F7)", severity="warning")
        else:
            self.set_class(False, "side-hidden")
            self.query_one(MoveComposer).load(move)
            self.refresh_bindings()
            self.query_one("#headline", Field).focus()  # the cursor at the end of the headline

    @on(Button.Pressed, "#edit")
    def _edit_button(self) -> None:
        self.action_edit()

    def action_withdraw(self) -> None:
        move = self._myselected_key()
        if move is None:
            self.notify("Select one of your moves first (F7)", severity="warning")
            return
        question = f"Withdraw {move.id}, {move.kind}: {move.headline}\n\nIt will not be revealed or ruled on."
        self.app.push_screen(ConfirmScreen(question, "Withdraw"), lambda yes: yes and self._withdraw(move))

    def _withdraw(self, move: MoveView) -> None:
        if self.app.act(cmd.Withdraw(self.team, move.id)) is not None:
            self.notify(f"{move.id} withdrawn")

    @on(Button.Pressed, "#withdraw")
    def _withdraw_button(self) -> None:
        self.action_withdraw()

    def action_ready(self) -> None:
        ready = self.app.session.view(self.team, "now").teams[self.team].ready
        self.app.act(cmd.Ready(self.team, not ready))

    @on(Button.Pressed, "#ready")
    def _ready_button(self) -> None:
        self.action_ready()

    # -- proposals: read the terms, then accept (asked first), reject or counter ---------------

    def _selected_proposal(self) -> ProposalView | None:
        proposal = self._deals.get(selected_key(self.query_one("#proposals", DataTable)) or "")
        if proposal is None:
            self.notify("Select a proposal in the Deals tab first (F4)", severity="warning")
        return proposal

    def _answer(self, proposal: ProposalView, answer: Answer, terms: list[str] | None = None,
                effects=None, note: str = "") -> bool:
        """Respond to ``proposal``; False (and the refusal shown) if the rules refuse it."""
        command = cmd.Respond(self.team, proposal.id, answer, note, terms or [], effects)
        if self.app.act(command) is None:
            return False
        self.notify(f"You answered {proposal.id}: {answer.value}")
        return True

    def action_accept(self) -> None:
        proposal = self._selected_proposal()
        if proposal is not None:
            question = (f"Accept {proposal.id}?\n\n{proposal_text(proposal)}\n\n"
                        "When every party has accepted, it is a deal: its effects happen and your team is held to it.")
            self.app.push_screen(ConfirmScreen(question, "Accept"),
                                 lambda yes: yes and self._answer(proposal, Answer.ACCEPT))

    def action_reject(self) -> None:
        proposal = self._selected_proposal()
        if proposal is not None:
            self._answer(proposal, Answer.REJECT)

    def action_counter(self) -> None:
        proposal = self._selected_proposal()
        if proposal is not None:
            tracks = list(self.app.session.scenario.tracks)
            self.app.push_screen(CounterScreen(proposal, tracks,
                                               lambda *counter: self._answer(proposal, Answer.COUNTER, *counter)))

    @on(Button.Pressed, "#accept")
    def _accept(self) -> None:
        self.action_accept()

    @on(Button.Pressed, "#reject")
    def _reject(self) -> None:
        self.action_reject()

    @on(Button.Pressed, "#counter")
    def _counter(self) -> None:
        self.action_counter()

    @on(DataTable.RowHighlighted, "#proposals")
    def _proposal_row(self) -> None:
        self._show_terms()

    def _show_terms(self) -> None:
        proposal = self._deals.get(selected_key(self.query_one("#proposals", DataTable)) or "")
        self.query_one("#proposal-terms", Static).update(proposal_text(proposal) if proposal else "No proposal to read.")

    # -- the Deals tab's ledger, the Ready button, alerts: called at the end of show_view -------

    def _setup_deals(self) -> None:
        self.query_one("#team-ledger", DataTable).add_columns("Id", "Team", "Status", "Commitment", "Kind", "Turn")
        self._deals: dict[str, ProposalView] = {}  # every proposal the team is party to, as last seen
        self._ledger: dict[str, CommitmentView] = {}  # every commitment it is party to, as last seen
        self._delivered: set[str] | None = None  # None: nothing shown yet, so nothing is new
        self._unread = {"tab-inbox": 0, "tab-deals": 0}

    def _party_to(self, commitment: CommitmentView) -> bool:
        return self.team == commitment.team or bool({self.team, ALL_TEAMS} & set(commitment.targets))

    def show_deals(self, view: View) -> None:
        """The team's proposals in full and its commitments; the Ready button; a bell, a toast
        and a mark on the tab for an inject delivered or a proposal tabled since the last look.

        ``view`` may hold only what changed (or only what is current): what it holds updates
        what this console keeps; nothing is removed.
        """
        first = self._delivered is None
        new_proposals = [p for p in view.proposals if self.team in p.parties and p.id not in self._deals
                         and p.status is ProposalStatus.OPEN and p.by != self.team]
        self._deals.update((p.id, p) for p in view.proposals if self.team in p.parties)
        self._ledger.update((c.id, c) for c in view.commitments if self._party_to(c))
        fill_table(self.query_one("#team-ledger", DataTable), [
            (c.id, [c.id, c.team, c.status.value.replace("_", " "), plain(c.text), c.kind, str(c.turn)])
            for c in self._ledger.values()])
        self._show_terms()
        ready = view.teams[self.team].ready
        button = self.query_one("#ready", Button)
        button.label, button.variant = ("✓ Ready ^g", "success") if ready else ("Ready ^g", "primary")
        button.tooltip = "You are ready; ^g if you are not after all" if ready else "Tell the facilitator your moves are in"
        new_injects = [d for d in view.injects if d.id not in (self._delivered or set())]
        self._delivered = (self._delivered or set()) | {d.id for d in view.injects}
        if first:
            return
        for tab, news, what in (("tab-inbox", new_injects, "inject"), ("tab-deals", new_proposals, "proposal")):
            if not news:
                continue
            lines = [f"{item.id}: {item.title} ({'from ' + item.sender if what == 'inject' else 'by ' + item.by})"
                     for item in news]
            self.notify("\n".join(lines), title=f"New {what}" + ("s" if len(news) > 1 else ""), timeout=12)
            self.app.bell()
            if self.query_one("#team-tabs", TabbedContent).active != tab:
                self._unread[tab] += len(news)
                self._mark_tab(tab)

    def _mark_tab(self, tab: str) -> None:
        count = self._unread[tab]
        self.query_one("#team-tabs", TabbedContent).get_tab(tab).label = self._tab_label(tab, f" •{count}" if count else "")

    @on(TabbedContent.TabActivated, "#team-tabs")
    def _tab_read(self, event: TabbedContent.TabActivated) -> None:
        tab = event.pane.id
        if self._unread.get(tab):
            self._unread[tab] = 0
            self._mark_tab(tab)

    def action_feedback(self) -> None:
        from .feedback import FeedbackScreen

        self.app.push_screen(FeedbackScreen(self.team, self.app.session.scenario.teams[self.team].name))

    def palette_commands(self):
        tab = lambda name: lambda: self.action_show_tab(name)  # noqa: E731
        return [
            ("Give feedback on the exercise", "At the hotwash: rating, strengths, areas for improvement (F10)",
             self.action_feedback),
            ("Submit the move", "Or update the move being revised (Ctrl+S)", self.action_submit),
            ("Mark ready / not ready", "Tell the facilitator your moves are in (Ctrl+G)", self.action_ready),
            ("Edit the selected move", "Load it into the composer (Ctrl+O)", self.action_edit),
            ("Withdraw the selected move", "While moves are open; asks first (F8)", self.action_withdraw),
            ("Accept the selected proposal", "Respond: after reading its terms; asks first (a in Deals)",
             self.action_accept),
            ("Reject the selected proposal", "Respond (r in Deals)", self.action_reject),
            ("Counter the selected proposal", "Respond with your own terms and effects (c in Deals)",
             self.action_counter),
            ("Show the brief", "Stance, objectives, red lines, levers, advisors (F2)", tab("tab-brief")),
            ("Show the inbox", "The injects delivered to your team (F3)", tab("tab-inbox")),
            ("Show the deals and the ledger", "Proposals, their terms, your commitments (F4)", tab("tab-deals")),
            ("Show the record", "Every revealed move and its ruling (F5)", tab("tab-record")),
            ("Go to the composer", "Compose a new move (F6)", self.action_jump_composer),
            ("Go to your moves", "Your moves this turn: edit, withdraw (F7)", self.action_jump_moves),
            ("Hide or show the side column", "The tabs take the whole width (F9)", self.action_toggle_side),
            ("Keys and help", "Every key of this console (F1 or ?)", self.action_help),
        ]


def proposal_text(p: ProposalView) -> str:
    """A proposal in full, as plain text: who, what, every term, who has answered."""
    lapses = f", lapses at turn {p.lapses_turn}" if p.lapses_turn and p.status is ProposalStatus.OPEN else ""
    lines = [f"{p.id} · by {p.by} · turn {p.turn} · {p.status.value}{lapses}", p.title]
    if p.counter_of:
        lines.append(f"A counter to {p.counter_of}.")
    lines.append("Terms:" if p.terms else "No terms written.")
    lines += [f"  {i}. {term}" for i, term in enumerate(p.terms, start=1)]
    answers = ", ".join(f"{team} {answer.value}" for team, answer in p.answers.items())
    lines.append(f"Parties: {', '.join(p.parties)}" + (f" · answered: {answers}" if answers else " · no answers yet"))
    return "\n".join(lines)


class CounterScreen(ModalScreen[bool]):
    """Answer a proposal with terms of your own, and what they would do as a deal; Escape cancels.

    The terms start as the proposal's, one a line, to edit. ``send(terms, effects, note)`` (the
    fields of ``exercise respond ... counter --term ... --effect ...``) answers, and says whether
    the rules took it; the dialog stays open, with what was typed, if they did not.
    """

    BINDINGS = [Binding("escape", "dismiss(False)", "Cancel"), Binding("ctrl+s", "send", "Send counter", priority=True)]
    AUTO_FOCUS = "#counter-terms"

    def __init__(self, proposal: ProposalView, tracks: list[str], send):
        super().__init__()
        self.proposal, self.tracks, self.send = proposal, tracks, send

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide", id="counter"):
            with VerticalScroll(classes="question-scroll"):  # the proposal scrolls; the fields keep their size
                yield Static(f"Counter {self.proposal.id}, as it stands:\n\n{proposal_text(self.proposal)}",
                             markup=False, classes="question")
            yield TextArea("\n".join(self.proposal.terms), id="counter-terms", soft_wrap=True, tab_behavior="focus")
            example = ", ".join(f"{track} {sign}1" for track, sign in zip(self.tracks, "+-", strict=False))
            yield Input(placeholder=f"e.g. {example} (empty: none)", id="counter-effects")
            yield Input(placeholder="A note for the others (optional)", id="counter-note")
            with Horizontal(classes="buttons"):
                yield Button("Send counter ^s", id="ok", variant="primary")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#counter-terms").border_title = "Your terms, one a line"
        self.query_one("#counter-effects").border_title = f"What it does as a deal; tracks: {', '.join(self.tracks)}"

    @on(Input.Submitted)
    @on(Button.Pressed, "#ok")
    def action_send(self) -> None:
        terms = [line.strip() for line in self.query_one("#counter-terms", TextArea).text.splitlines() if line.strip()]
        if not terms:
            self.notify("Write at least one term, or press Escape", severity="warning")
            return
        try:
            text = self.query_one("#counter-effects", Input).value.strip()
            effects = parse_effects(text) if text else None
        except ValueError as exc:
            self.notify(str(exc), title="Cannot read the effects", severity="error")
            return
        if self.send(terms, effects, self.query_one("#counter-note", Input).value.strip()):
            self.dismiss(True)

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.dismiss(False)


TEAM_HELP = """\
Your console has the tabs on the left (F2 Brief, F3 Inbox, F4 Deals, F5 Record) and, on the \
right, the move composer (F6) above your moves this turn (F7) and the Ready button (Ctrl+G). \
A mark such as "Inbox •1" on a tab means something new arrived there since you last looked.

To make a move: F6, choose the kind (Enter opens the list, Enter takes it and goes on to the \
headline), type the headline, Tab through the detail and the teams it is aimed at (Space ticks \
one), then Ctrl+S. To revise one: F7, highlight it, Enter or Ctrl+O; the composer shows it with \
the cursor at the end of its headline; Ctrl+S updates it, Escape stops revising.

To answer a proposal: F4, highlight it and read its terms below the table; a accepts (asked \
first), r rejects, c counters with terms of your own."""
