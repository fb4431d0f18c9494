"""The `deadlines` management command."""

import json
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

ROOT = Path(__file__).resolve().parents[2]
DOMAIN_EXAMPLE = [
    "--country",
    "FR",
    "--kind",
    "ransomware",
    "--discovered",
    "2026-10-23T22:15",
    "--tz",
    "Europe/Paris",
    "--personal-data",
    "yes",
]


def run(*args: str) -> str:
    out = StringIO()
    call_command("deadlines", *args, stdout=out)
    return out.getvalue()


def test_it_prints_steps_in_order_with_due_time_rule_and_source():
    output = run(*DOMAIN_EXAMPLE)

    lines = output.splitlines()
    assert lines[0].startswith("Playbook FR-")
    assert "discovered 2026-10-23T22:15:00+02:00 (Europe/Paris)" in lines[0]
    complaint = lines.index(" 5. complaint — File a police complaint")
    assert lines[complaint + 1] == "    due: 2026-10-26T21:15:00+01:00"
    assert "condition of the insurance payment" in lines[complaint + 2]
    assert lines[complaint + 3].startswith("    source: Code des assurances, art. L12-10-1")
    assert output.index("hotline") < output.index("complaint") < output.index("dpa_notification")


def test_it_prints_json_with_key_title_due_at_and_source():
    steps = json.loads(run(*DOMAIN_EXAMPLE, "--json", "--nis2"))

    by_key = {step["key"]: step for step in steps}
    assert by_key["complaint"]["due_at"] == "2026-10-26T21:15:00+01:00"
    assert by_key["complaint"]["title"] == "File a police complaint"
    assert by_key["complaint"]["indemnity_condition"] is True
    assert "L12-10-1" in by_key["complaint"]["source"]
    assert by_key["hotline"]["due_at"] is None and by_key["hotline"]["source"] is None
    assert by_key["nis2_early_warning"]["due_at"] == "2026-10-24T22:15:00+02:00"
    assert by_key["claim_declaration"]["due_at"] == "2026-10-30T23:59:59+01:00"


def test_it_shows_due_times_in_the_zone_asked_for():
    steps = json.loads(
        run(*DOMAIN_EXAMPLE[:-4], "--tz", "America/Martinique", "--personal-data", "no", "--json")
    )

    complaint = next(step for step in steps if step["key"] == "complaint")
    # 22:15 in Martinique is 02:15 UTC the next day; 72 h later, shown in Martinique time
    assert complaint["due_at"] == "2026-10-26T22:15:00-04:00"


def test_it_accepts_several_kinds_a_policy_delay_and_french():
    output = run(
        "--country",
        "LU",
        "--kind",
        "transfer_fraud",
        "--kind",
        "account_takeover",
        "--discovered",
        "2026-06-22T10:00+02:00",
        "--declaration-days",
        "3",
        "--lang",
        "fr",
    )

    assert " 1. bank_recall — Appeler la banque pour rappeler le virement" in output
    assert "reset_credentials" in output
    assert "    échéance : 2026-06-26T23:59:59+02:00" in output  # 23 June is a holiday in LU
    assert "recommandé, pas un délai légal" in output


@pytest.mark.parametrize(
    ("lang", "expected", "other_language"),
    [
        (
            "fr",
            [
                "Guide FR-",
                " — ransomware — découvert le 2026-10-23T22:15:00+02:00 (Europe/Paris)",
                "    échéance : maintenant (pas de délai légal)",
                "    échéance : 2026-10-26T21:15:00+01:00",
                "    règle : 72 heures après la découverte de l'attaque",
                "    source : Code des assurances, art. L12-10-1",
                "    échéance : — (pas de délai légal)",
                "    échéance : 2026-11-26T23:59:59+01:00 (estimation : comptée depuis "
                "l'échéance de l'étape qu'elle suit)",
            ],
            ["Playbook ", "discovered", "    due:", "    rule:", "    source:", "(no legal"],
        ),
        (
            "en",
            [
                "Playbook FR-",
                " — ransomware — discovered 2026-10-23T22:15:00+02:00 (Europe/Paris)",
                "    due: now (no legal deadline)",
                "    due: 2026-10-26T21:15:00+01:00",
                "    rule: 72 hours after discovery of the attack",
                "    source: Code des assurances, art. L12-10-1",
                "    due: — (no legal deadline)",
                "    due: 2026-11-26T23:59:59+01:00 (estimate: counted from the deadline of "
                "the step it follows)",
            ],
            ["Guide ", "découvert le", "    échéance", "    règle", "    source :", "(pas de"],
        ),
    ],
)
def test_it_prints_its_labels_in_the_language_asked_for(lang, expected, other_language):
    output = run(*DOMAIN_EXAMPLE, "--nis2", "--lang", lang)

    for text in expected:
        assert text in output, text
    for text in other_language:
        assert text not in output, text


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("--country", "DE"), "unknown country 'DE'"),
        (("--kind", "ransom"), "unknown kind 'ransom'"),
        (("--discovered", "23/10/2026 22h15"), "--discovered: cannot read '23/10/2026 22h15'"),
        (("--discovered", "2026-03-29T02:30"), "does not exist in Europe/Paris"),
        (("--discovered", "0001-01-01T00:00"), "'0001-01-01T00:00' is not a plausible date"),
        (("--discovered", "9999-12-31T23:59+00:00"), "from 2000 to 2100"),
        (("--personal-data-aware", "9999-12-31T23:59"), "--personal-data-aware: '9999-12-31"),
        (("--tz", "Europe/Pariss"), "unknown time zone 'Europe/Pariss'"),
        (("--personal-data", "maybe"), "--personal-data must be one of yes, no, unknown"),
        (("--declaration-days", "five"), "--declaration-days must be a positive whole number"),
        (("--department", "99"), "--department '99': expected a French department"),
    ],
)
def test_it_refuses_bad_input_with_a_one_line_message(change, message):
    args = list(DOMAIN_EXAMPLE)
    option, value = change
    if option in args:
        args[args.index(option) + 1] = value
    else:
        args += [option, value]

    with pytest.raises(CommandError) as caught:
        run(*args)

    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_it_exits_non_zero_from_the_shell():
    result = subprocess.run(
        [sys.executable, "manage.py", "deadlines", "--country", "XX", "--kind", "ransomware"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == [
        "CommandError: unknown country 'XX' (expected FR or LU)"
    ]


def test_it_exits_non_zero_on_an_implausible_date_without_a_traceback():
    result = subprocess.run(
        [sys.executable, "manage.py", "deadlines", *DOMAIN_EXAMPLE[:4]]
        + ["--discovered", "0001-01-01T00:00"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == [
        "CommandError: --discovered: '0001-01-01T00:00' is not a plausible date "
        "(expected a year from 2000 to 2100)"
    ]


def test_it_counts_alsace_moselle_holidays_with_department():
    # Thursday 25 March 2027: Good Friday is a holiday in Alsace-Moselle only.
    args = [*DOMAIN_EXAMPLE, "--json"]
    args[args.index("--discovered") + 1] = "2027-03-25T10:00"

    def declaration_due(*extra):
        steps = json.loads(run(*args, *extra))
        return next(s for s in steps if s["key"] == "claim_declaration")["due_at"]

    assert declaration_due().startswith("2027-04-02T23:59:59")
    assert declaration_due("--department", "67").startswith("2027-04-05T23:59:59")


def test_it_refuses_a_department_outside_france():
    args = list(DOMAIN_EXAMPLE)
    args[args.index("--country") + 1] = "LU"
    args[args.index("--tz") + 1] = "Europe/Luxembourg"
    with pytest.raises(CommandError, match="expected a French department"):
        run(*args, "--department", "67")
