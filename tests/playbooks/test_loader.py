"""Loading playbooks: the shipped files are complete and cited; a bad file fails loudly."""

import textwrap

import pytest

from playbooks.loader import COUNTRIES, Playbook, PlaybookError, load_playbook

REQUIRED_KEYS = {
    "hotline",
    "isolate",
    "preserve_evidence",
    "crisis_cell",
    "complaint",
    "dpa_notification",
    "data_subjects",
    "claim_declaration",
    "communication",
    "nis2_early_warning",
    "nis2_notification",
    "nis2_final_report",
    "bank_recall",
    "operator_block",
    "reset_credentials",
    "contact_host",
    "internal_register",
}

COMMON = """
version = "t1"

[[steps]]
key = "hotline"
order = 10
title = { fr = "Appeler l'assistance", en = "Call the hotline" }
guidance = { fr = "Appelez.", en = "Call." }
"""

FR = """
version = "t1"
country = "FR"
timezone = "Europe/Paris"

[[steps]]
key = "complaint"
order = 50
title = { fr = "Porter plainte", en = "File a complaint" }
guidance = { fr = "Allez au commissariat.", en = "Go to the police." }
[steps.deadline]
anchor = "discovered_at"
amount = 72
unit = "hours"
source = "Code des assurances, art. L12-10-1"
"""


def write(tmp_path, common=COMMON, fr=FR):
    (tmp_path / "common.toml").write_text(textwrap.dedent(common), encoding="utf-8")
    (tmp_path / "fr.toml").write_text(textwrap.dedent(fr), encoding="utf-8")
    return tmp_path


def load_error(tmp_path, **files) -> str:
    with pytest.raises(PlaybookError) as caught:
        load_playbook("FR", data_dir=write(tmp_path, **files))
    return str(caught.value)


@pytest.mark.parametrize("country", COUNTRIES)
def test_it_loads_each_countrys_playbook_with_every_required_step(country):
    playbook = load_playbook(country)

    assert playbook.country == country
    assert playbook.version.startswith(f"{country}-")
    assert {step.key for step in playbook.steps} >= REQUIRED_KEYS


@pytest.mark.parametrize("country", COUNTRIES)
def test_it_has_french_and_english_text_and_a_source_for_every_rule(country):
    for step in load_playbook(country).steps:
        assert step.title["fr"] and step.title["en"]
        assert step.guidance["fr"] and step.guidance["en"]
        assert "{" not in step.guidance["fr"] + step.guidance["en"], step.key
        if step.proof != "none":
            assert step.proof_label["fr"] and step.proof_label["en"], step.key
        if step.rule:
            # names a legal text: an article, a law, or says that no law sets it
            assert any(
                cite in step.rule.source for cite in ("art.", "Loi ", "Aucun délai légal")
            ), step.key


def test_it_flags_the_french_complaint_deadline_as_a_condition_of_indemnity():
    complaint = load_playbook("FR").step("complaint")

    assert complaint.rule.indemnity_condition
    assert (complaint.rule.amount, complaint.rule.unit) == (72, "hours")
    assert "L12-10-1" in complaint.rule.source


def test_it_marks_the_luxembourg_complaint_deadline_as_advisory_only():
    complaint = load_playbook("LU").step("complaint")

    assert not complaint.rule.indemnity_condition
    assert complaint.rule.advisory


def test_it_notes_that_counting_the_declaration_from_the_next_day_is_uncertain():
    rule = load_playbook("FR").step("claim_declaration").rule

    assert rule.unit == "working_days" and rule.minimum == 5 and not rule.count_start_day
    assert "incertain" in rule.note["fr"] and "uncertain" in rule.note["en"]
    assert "L113-2" in rule.source


def test_it_fills_country_terms_in_shared_texts():
    assert "CNIL" in load_playbook("FR").step("dpa_notification").title["fr"]
    assert "CNPD" in load_playbook("LU").step("dpa_notification").title["fr"]


def test_it_loads_the_minimal_files_used_below(tmp_path):
    playbook = load_playbook("FR", data_dir=write(tmp_path))

    assert [step.key for step in playbook.steps] == ["hotline", "complaint"]
    assert playbook.version == "FR-t1+common-t1"


def test_it_refuses_an_unknown_field(tmp_path):
    message = load_error(tmp_path, common=COMMON + 'titel = "typo"\n')

    assert message == "common.toml: step 'hotline': unknown field 'titel'"


def test_it_refuses_an_unknown_field_in_a_rule(tmp_path):
    message = load_error(tmp_path, fr=FR + "hours = 3\n")

    assert message == "fr.toml: step 'complaint': unknown field 'deadline.hours'"


def test_it_refuses_a_rule_without_a_source(tmp_path):
    fr = FR.replace('source = "Code des assurances, art. L12-10-1"\n', "")

    message = load_error(tmp_path, fr=fr)

    assert message == "fr.toml: step 'complaint': deadline rule has no source (article and text)"


def test_it_refuses_a_blank_source(tmp_path):
    fr = FR.replace('"Code des assurances, art. L12-10-1"', '"  "')

    assert "deadline rule has no source" in load_error(tmp_path, fr=fr)


def test_it_refuses_an_anchor_on_an_unknown_step(tmp_path):
    fr = FR.replace('anchor = "discovered_at"', 'anchor = "nis2_notifcation"')

    message = load_error(tmp_path, fr=fr)

    assert message == (
        "fr.toml: step 'complaint': anchor 'nis2_notifcation' is neither a fact nor a step"
    )


def test_it_refuses_a_key_defined_twice_in_one_file(tmp_path):
    message = load_error(tmp_path, common=COMMON + COMMON.replace('version = "t1"', ""))

    assert message == "common.toml: step 'hotline': duplicate key (already defined in common.toml)"


def test_it_refuses_a_country_step_that_repeats_a_shared_key(tmp_path):
    fr = FR + COMMON.replace('version = "t1"', "")

    message = load_error(tmp_path, fr=fr)

    assert message == "fr.toml: step 'hotline': duplicate key (already defined in common.toml)"


def test_it_refuses_anchors_in_a_cycle(tmp_path):
    fr = FR.replace('anchor = "discovered_at"', 'anchor = "report"') + textwrap.dedent("""
        [[steps]]
        key = "report"
        order = 60
        title = { fr = "Rapport", en = "Report" }
        guidance = { fr = "Écrivez.", en = "Write." }
        [steps.deadline]
        anchor = "complaint"
        amount = 1
        unit = "months"
        source = "Directive (UE) 2022/2555, art. 23(4)(d)"
        """)

    message = load_error(tmp_path, fr=fr)

    assert message.startswith("fr.toml: step '")
    assert "anchors form a cycle: " in message
    assert "complaint → report → complaint" in message or "report → complaint → report" in message


def test_it_refuses_a_step_anchored_on_itself(tmp_path):
    fr = FR.replace('anchor = "discovered_at"', 'anchor = "complaint"')

    message = load_error(tmp_path, fr=fr)

    assert message == "fr.toml: step 'complaint': anchors form a cycle: complaint → complaint"


@pytest.mark.parametrize(
    ("replace", "by", "problem"),
    [
        ('unit = "hours"', 'unit = "days"', "unknown unit 'days'"),
        ("amount = 72", "amount = 0", "deadline amount must be a positive integer"),
        ("order = 50", 'order = 50\nkinds = ["ransomwear"]', "unknown incident kind 'ransomwear'"),
        ("order = 50", 'order = 50\nwhen = ["gdpr"]', "unknown condition 'gdpr'"),
        ("order = 50", 'order = 50\nproof = "photo"', "unknown proof 'photo'"),
        ("order = 50", 'order = 50\nproof = "file"', "proof 'file' needs a proof_label"),
        ('"Allez au commissariat."', '"Appelez {police}."', "unknown term {police}"),
        ('en = "File a complaint"', 'de = "Anzeige"', "'title' must have exactly the languages"),
    ],
)
def test_it_names_the_step_and_the_problem_for_other_mistakes(tmp_path, replace, by, problem):
    message = load_error(tmp_path, fr=FR.replace(replace, by))

    assert message.startswith("fr.toml: step 'complaint': ")
    assert problem in message


def test_it_names_the_file_when_toml_is_broken(tmp_path):
    message = load_error(tmp_path, common=COMMON + "[[steps]\n")

    assert message.startswith("common.toml: not valid TOML")


def test_it_refuses_a_file_without_version(tmp_path):
    message = load_error(tmp_path, fr=FR.replace('version = "t1"', ""))

    assert message == "fr.toml: 'version' must be a non-empty string"


def test_it_refuses_an_unknown_country():
    with pytest.raises(PlaybookError, match="unknown country 'DE'"):
        load_playbook("DE")


def test_it_rebuilds_a_playbook_from_its_snapshot():
    playbook = load_playbook("FR")

    assert Playbook.from_dict(playbook.as_dict()) == playbook


def test_it_validates_a_snapshot_like_a_file():
    snapshot = load_playbook("FR").as_dict()
    del snapshot["steps"][-1]["deadline"]["source"]

    with pytest.raises(
        PlaybookError, match=r"snapshot FR-.*: step '.*': deadline rule has no source"
    ):
        Playbook.from_dict(snapshot)
