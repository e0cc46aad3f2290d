"""Selection: exams and assessments with scores; 公推公选 assemblies."""

from django.urls import reverse

from candidates.models import Assembly, AssemblyCandidate, Assessment
from tests.candidates.factories import make_candidate, make_nomination
from tests.factories import make_village

ASSEMBLY = {
    "held_on": "2026-04-10",
    "announced_on": "2026-04-01",
    "cadres_present": "7",
    "party_members_present": "40",
    "council_members_present": "3",
    "representatives_present": "31",
}


def test_assembly_needs_thirty_villager_representatives(client, township_officer_a, village_a):
    client.force_login(township_officer_a)
    url = reverse("candidates:assembly_create")
    refused = client.post(
        url, {**ASSEMBLY, "village": village_a.pk, "representatives_present": "29"}
    )
    assert "村民代表到会不少于30人" in refused.content.decode()
    response = client.post(url, {**ASSEMBLY, "village": village_a.pk})
    assembly = Assembly.objects.get()
    assert response.status_code == 302 and assembly.attendance == 81


def test_approval_needs_the_township_partys_opinion(client, township_officer_a, village_a):
    client.force_login(township_officer_a)
    response = client.post(
        reverse("candidates:assembly_create"),
        {**ASSEMBLY, "village": village_a.pk, "approved_on": "2026-04-12"},
    )
    assert "请填写乡镇党委审批意见" in response.content.decode()


def test_candidates_and_votes_are_recorded(client, township_officer_a, township_a, village_a):
    client.force_login(township_officer_a)
    client.post(reverse("candidates:assembly_create"), {**ASSEMBLY, "village": village_a.pk})
    assembly = Assembly.objects.get()
    nomination = make_nomination(
        make_candidate(township_a, village_a), village_a, actor=township_officer_a
    )
    response = client.post(
        reverse("candidates:assembly", args=[assembly.pk]),
        {
            "nomination": nomination.pk,
            "votes": "58",
            "elected": "on",
            "speech_note": "发展思路清晰",
        },
    )
    assert response.status_code == 302
    entry = AssemblyCandidate.objects.get()
    assert (entry.votes, entry.elected) == (58, True)


def test_a_nomination_for_another_village_cannot_stand(
    client, township_officer_a, township_a, village_a
):
    client.force_login(township_officer_a)
    client.post(reverse("candidates:assembly_create"), {**ASSEMBLY, "village": village_a.pk})
    assembly = Assembly.objects.get()
    elsewhere = make_village(township_a, 205, "别村")
    nomination = make_nomination(
        make_candidate(township_a, elsewhere), elsewhere, actor=township_officer_a
    )
    response = client.post(
        reverse("candidates:assembly", args=[assembly.pk]), {"nomination": nomination.pk}
    )
    assert "只能选择推荐到本村" in response.content.decode()


def test_an_exam_score_is_recorded_within_range(client, township_officer_a, township_a, village_a):
    nomination = make_nomination(
        make_candidate(township_a, village_a), village_a, actor=township_officer_a
    )
    client.force_login(township_officer_a)
    url = reverse("candidates:assessment_add", args=[nomination.pk])
    refused = client.post(
        url, {"kind": "exam", "held_on": "2026-05-01", "score": "120", "max_score": "100"}
    )
    assert refused.status_code == 400 and "得分须在0到满分之间" in refused.content.decode()
    client.post(url, {"kind": "exam", "held_on": "2026-05-01", "score": "86.5", "max_score": "100"})
    assert str(Assessment.objects.get().score) == "86.5"
