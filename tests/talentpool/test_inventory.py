"""The personal-data inventory covers every field the rule in talentpool/inventory.py catches."""

from talentpool import inventory


def test_every_personal_data_field_is_in_the_inventory():
    missing = inventory.unclassified()
    assert not missing, (
        "classify these fields as personal data (with a purpose) or not, in "
        "talentpool/inventory.py or <app>/inventory.py (PERSONAL_DATA / NOT_PERSONAL): "
        + ", ".join(f"{label}.{name}" for label, name in missing)
    )


def test_inventory_names_no_field_that_is_gone():
    assert inventory.stale_entries() == []


def test_the_rule_catches_personal_looking_and_free_text_fields():
    caught = set(inventory.fields_needing_classification())
    assert ("talentpool.Person", "id_number") in caught
    assert ("talentpool.Person", "remark") in caught  # free text about a resident
    assert ("talentpool.Person", "is_veteran") in caught  # named by the vocabulary
    assert ("talentpool.Township", "name") in caught  # by name, then declared not personal
    assert ("talentpool.Township", "code") not in caught


def test_every_person_field_has_a_purpose():
    personal, _other = inventory.collect()
    for name, item in personal["talentpool.Person"].items():
        assert item.purpose, name
    assert personal["talentpool.Person"]["id_number"].sensitive
