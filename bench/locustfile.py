"""Locust users for `bench/bench_load.py`: township officers searching the registry and opening
people, county officers on the home page and the registry's filters. Accounts come from the
JSON file in BENCH_ACCOUNTS (written by bench_load)."""

from __future__ import annotations

import itertools
import json
import os
import random
import re

from locust import HttpUser, between, task

ACCOUNTS = json.loads(open(os.environ["BENCH_ACCOUNTS"], encoding="utf-8").read())  # noqa: SIM115
_township = itertools.cycle(a for a in ACCOUNTS if a["role"] == "township")
_county = itertools.cycle(a for a in ACCOUNTS if a["role"] == "county")
SEARCHES = ["张", "王", "李", "刘", "陈", "zw", "lj", "wx", "cm", "1380", "1392", "5678"]
PERSON_LINK = re.compile(r'href="/registry/(\d+)/"')


class Officer(HttpUser):
    abstract = True
    wait_time = between(0.5, 2)
    accounts = None

    def on_start(self) -> None:
        account = next(self.accounts)
        self.client.get("/accounts/login/", name="login page")
        token = self.client.cookies.get("csrftoken")
        with self.client.post(
            "/accounts/login/",
            {
                "username": account["username"],
                "password": account["password"],
                "csrfmiddlewaretoken": token,
            },
            headers={"Referer": self.host + "/accounts/login/"},
            name="login",
            catch_response=True,
            allow_redirects=False,
        ) as response:
            if response.status_code != 302:
                response.failure(f"login failed: {response.status_code}")
        self.people: list[str] = []


class TownshipOfficer(Officer):
    weight = 4
    accounts = _township

    @task(4)
    def search(self) -> None:
        response = self.client.get(
            "/registry/", params={"q": random.choice(SEARCHES)}, name="/registry/?q="
        )
        self.people = PERSON_LINK.findall(response.text)[:10] or self.people

    @task(2)
    def search_as_you_type(self) -> None:
        self.client.get(
            "/registry/",
            params={"q": random.choice(SEARCHES)},
            headers={"HX-Request": "true"},
            name="/registry/?q= (htmx)",
        )

    @task(3)
    def open_person(self) -> None:
        if self.people:
            self.client.get(f"/registry/{random.choice(self.people)}/", name="/registry/<id>/")

    @task(1)
    def filter_list(self) -> None:
        self.client.get(
            "/registry/",
            params={"education": random.choice(["20", "30", "70"]), "sort": "age"},
            name="/registry/?filters",
        )


class CountyOfficer(Officer):
    weight = 1
    accounts = _county

    @task(3)
    def home(self) -> None:
        self.client.get("/", name="/ (home)")

    @task(1)
    def registry_page(self) -> None:
        self.client.get(
            "/registry/",
            params={"age_band": random.choice(["25-29", "30-34", "35-39"]), "page": "2"},
            name="/registry/?age_band&page",
        )
