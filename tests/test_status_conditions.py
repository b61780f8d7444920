"""``exercise status`` says what happened to a condition in the words of its kind: a red line is crossed."""

from exercise.cli import main


def test_status_says_a_red_line_is_crossed_not_that_it_holds(tmp_path, capsys):
    session = str(tmp_path / "game.session")
    assert main(["start", "ukraine-ceasefire-2025", "--no-tui", "--session", session]) == 0
    assert main(["advance", session]) == 0
    assert main(["submit", session, "--team", "us", "--kind", "public-statement", "--headline", "Truce now"]) == 0
    for team in ("us", "russia", "ukraine", "europe"):
        assert main(["ready", session, "--team", team]) == 0
    assert main(["advance", session]) == 0
    # a cease-fire with no guarantee behind it: Ukraine's no-minsk red line (Rothman's Minsk analogy)
    assert main(["adjudicate", session, "m1", "--outcome", "success", "--flag", "ceasefire=true"]) == 0
    capsys.readouterr()
    assert main(["status", session]) == 0
    out = capsys.readouterr().out
    assert "turn 1: red line ukraine no-minsk crossed" in out
    assert "turn 1: objective ukraine pressure-stays met" in out
    assert " holds" not in out.replace("end state", "")
