"""Roles from an identity provider's claims (issue 9, OIDC through st.login): the mapping
function, on claim sets written by hand."""

from __future__ import annotations

import pytest

from weibao.errors import WeibaoError
from weibao.oidc import actor_from_claims


def test_dedicated_claims():
    a = actor_from_claims(
        {"preferred_username": "zhang", "weibao_role": "leader", "weibao_jurisdiction": "330483"}
    )
    assert (a.name, a.role, a.jurisdiction, a.unit) == ("oidc:zhang", "leader", "330483", "")


def test_group_claim_with_a_unit():
    a = actor_from_claims(
        {"email": "li@example.gov.cn", "groups": ["staff", "weibao:agency:330483:civil_affairs"]}
    )
    assert (a.name, a.role, a.jurisdiction, a.unit) == (
        "oidc:li@example.gov.cn",
        "agency",
        "330483",
        "civil_affairs",
    )


def test_dedicated_claims_win_over_groups():
    a = actor_from_claims(
        {
            "sub": "42",
            "weibao_role": "inspector",
            "weibao_jurisdiction": "35",
            "groups": ["weibao:statistician:35"],
        }
    )
    assert (a.role, a.jurisdiction) == ("inspector", "35")


@pytest.mark.parametrize(
    "claims",
    [
        {"preferred_username": "x"},  # no role at all: no access, no default role
        {"preferred_username": "x", "groups": ["admins"]},
        {"preferred_username": "x", "weibao_role": "admin", "weibao_jurisdiction": "35"},
        {"preferred_username": "x", "weibao_role": "leader", "weibao_jurisdiction": "999999"},
        {"preferred_username": "x", "weibao_role": "agency", "weibao_jurisdiction": "35"},
        {"weibao_role": "leader", "weibao_jurisdiction": "35"},  # no name
    ],
)
def test_claims_that_give_no_access(claims):
    with pytest.raises(WeibaoError):
        actor_from_claims(claims)
