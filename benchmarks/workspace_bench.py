"""Workspace benchmark: the article page and a rating, server side and as seen in Chromium.

    .venv/bin/python benchmarks/workspace_bench.py [--sentences 300] [--runs 50]

Uses its own PostgreSQL database (default factcheck_workspace_bench, created and migrated if
missing), imports one article of N sentences with two reviews on a third of them, then prints:
- the median and p95 server time of GET /articles/{id}/ (Django test client, in process) and
  the number of queries;
- the median server time of PUT /api/sentences/{id}/review/ and its queries, on both paths:
  without consensus (FACTCHECK_CONSENSUS_REVIEWERS=0, a review that sets no verdict) and on
  the consensus path (the default, 2: a second reviewer agrees, which sets the verdict);
- with Chromium at /usr/bin/chromium: the time from pressing a number key in the workspace to
  the sentence showing its new colour, over a real HTTP server on loopback (runserver).
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import django_setup, free_port, percentile, work_empty  # noqa: E402
from import_bench import make_article  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sentences", type=int, default=300)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument(
        "--database-url",
        default="postgres://postgres@127.0.0.1:5432/factcheck_workspace_bench",
    )
    args = parser.parse_args()

    django_setup(args.database_url)
    import random

    from django.conf import settings
    from django.contrib.auth.models import Group, User
    from django.db import connection, reset_queries
    from django.test import Client

    from annotations import services

    def user(name: str, group: str) -> User:
        found, _ = User.objects.get_or_create(username=name)
        found.set_password(name)
        found.save()
        found.groups.add(Group.objects.get(name=group))
        return found

    rita, rob = user("bench-rita", "reviewer"), user("bench-rob", "reviewer")
    # A database of its own: start empty so every run measures the same article.
    work_empty()
    data = make_article(random.Random(7), 0, sentences=args.sentences)
    data.update(title="Workspace bench", body=data["body"] + f"\nRun {time.time()}.")
    data.pop("tags")
    article = services.article_import(data=data).article
    sentences = list(article.sentences.filter(kind="claim"))
    settings.FACTCHECK_CONSENSUS_REVIEWERS = 0
    for sentence in sentences[::3]:
        services.review_save(sentence=sentence, reviewer=rob, label="accurate")
        services.review_save(sentence=sentence, reviewer=rita, label="mixed")

    client = Client()
    client.force_login(rita)
    url = f"/articles/{article.pk}/"
    client.get(url)  # warm up
    page_times = []
    for _ in range(args.runs):
        started = time.perf_counter()
        response = client.get(url)
        page_times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    settings.DEBUG = True
    reset_queries()
    client.get(url)
    page_queries = len(connection.queries)
    settings.DEBUG = False

    save_times = []
    for number in range(args.runs):
        sentence = sentences[1 + (number % (len(sentences) - 1))]
        label = "accurate" if number % 2 else "unverifiable"
        started = time.perf_counter()
        response = client.put(
            f"/api/sentences/{sentence.pk}/review/",
            {"label": label},
            content_type="application/json",
        )
        save_times.append((time.perf_counter() - started) * 1000)
        assert response.status_code in (200, 201), response.content
    settings.DEBUG = True
    reset_queries()
    client.put(
        f"/api/sentences/{sentences[2].pk}/review/",
        {"label": "mixed"},
        content_type="application/json",
    )
    save_queries = len(connection.queries)
    settings.DEBUG = False

    # The consensus path (the default setting): rita agrees with rob's review of a sentence
    # nobody else rated, which sets the consensus verdict in the same save.
    settings.FACTCHECK_CONSENSUS_REVIEWERS = 2
    untouched = [s for i, s in enumerate(sentences) if i % 3 and i > args.runs]
    agreeing = untouched[: args.runs + 1]
    for sentence in agreeing:
        services.review_save(sentence=sentence, reviewer=rob, label="accurate")
    consensus_times = []
    for sentence in agreeing[:-1]:
        started = time.perf_counter()
        response = client.put(
            f"/api/sentences/{sentence.pk}/review/",
            {"label": "accurate"},
            content_type="application/json",
        )
        consensus_times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 201, response.content
    settings.DEBUG = True
    reset_queries()
    client.put(
        f"/api/sentences/{agreeing[-1].pk}/review/",
        {"label": "accurate"},
        content_type="application/json",
    )
    consensus_queries = len(connection.queries)
    settings.DEBUG = False
    assert agreeing[-1].verdict.is_consensus

    print(f"database:               {connection.vendor} ({connection.settings_dict['NAME']})")
    print(f"article:                {args.sentences} sentences, {len(sentences) // 3 * 2} reviews")
    print(
        f"workspace page:         median {statistics.median(page_times):6.1f} ms, "
        f"p95 {percentile(page_times, 0.95):6.1f} ms, {page_queries} queries"
    )
    print(
        f"saving a review (API):  median {statistics.median(save_times):6.1f} ms, "
        f"p95 {percentile(save_times, 0.95):6.1f} ms, {save_queries} queries "
        "(incl. session and user), consensus off"
    )
    print(
        f"agreeing 2nd review:    median {statistics.median(consensus_times):6.1f} ms, "
        f"p95 {percentile(consensus_times, 0.95):6.1f} ms, {consensus_queries} queries "
        f"(incl. session and user), consensus path ({len(consensus_times)} verdicts set)"
    )
    if os.path.exists("/usr/bin/chromium"):
        browser_round_trip(args, article.pk, url)


def browser_round_trip(args, article_id: int, url: str) -> None:
    from playwright.sync_api import sync_playwright

    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env={**os.environ, "DEBUG": "1"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(50):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.2)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path="/usr/bin/chromium",
                args=[
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-background-networking",
                    "--disable-component-update",
                ],
            )
            page = browser.new_page()
            page.goto(base + "/accounts/login/")
            page.fill("#id_username", "bench-rita")
            page.fill("#id_password", "bench-rita")
            page.click("button[type=submit]")
            page.wait_for_url(base + "/")
            page.goto(base + url)
            times = []
            for _ in range(min(args.runs, 40)):
                page.keyboard.press("j")
                # Time from the key press to the sentence repainted with the saved label: pick
                # a label the sentence does not have yet, so every press is a real change.
                elapsed = page.evaluate(
                    """() => new Promise((resolve) => {
                        const pressed = document.querySelector('.label-button[aria-pressed=true]');
                        const key = pressed && pressed.dataset.slug === 'accurate' ? '6' : '1';
                        const span = document.querySelector('.s.current');
                        const status = document.getElementById('panel-save');
                        const before = status.textContent;
                        const started = performance.now();
                        const check = () => {
                          const text = status.textContent;
                          if (text !== before && text.startsWith('Saved')
                              && span.classList.contains('labelled')) {
                            resolve(performance.now() - started);
                          } else {
                            requestAnimationFrame(check);
                          }
                        };
                        document.dispatchEvent(new KeyboardEvent('keydown', {key, bubbles: true}));
                        requestAnimationFrame(check);
                      })"""
                )
                times.append(elapsed)
            browser.close()
        print(
            f"rating in Chromium:     median {statistics.median(times):6.1f} ms, "
            f"p95 {percentile(times, 0.95):6.1f} ms from key press to saved colour "
            "(runserver, loopback; others' reviews are fetched after)"
        )
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
