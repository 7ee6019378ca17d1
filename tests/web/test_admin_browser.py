"""The administrator's pages and the audit log's filters in a real browser (Debian's
Chromium through Playwright, against a live server on the sample): an administrator adds
a user and grants them a project, the user logs in and sees it, the audit log is
filtered from its form, and a viewer finds no Admin link. axe-core checks each page."""

from __future__ import annotations

from tests.web.browsing import logged_in, serious_violations, shoot


def test_an_admin_adds_a_user_and_grants_them_a_project(site, browser):
    page = logged_in(browser, site, "alice", "/admin/users")
    assert page.inner_text("h1") == "Users"
    assert page.locator("header a[href='/admin/users']").inner_text() == "Admin"
    assert page.locator("table.admin-users tbody tr").count() == 5  # the sample's users
    assert serious_violations(page) == []
    shoot(page, "admin-users")

    page.fill("#name", "nina")
    page.select_option("#role", "viewer")
    page.fill("#program", "OTH")
    page.click("form.admin-form button[type=submit]")
    secret = page.inner_text("#secret")
    assert len(secret) >= 12
    assert "User nina added as viewer." in page.inner_text("p.notice")

    page.fill("#name", "nina")  # the same name again: said next to the field
    page.click("form.admin-form button[type=submit]")
    assert "exists already" in page.inner_text("#name-error")
    assert page.get_attribute("#name", "aria-invalid") == "true"

    page.click("a[href='/admin/users/nina']")
    page.wait_for_url(f"{site}/admin/users/nina")
    page.select_option("#role", "member")
    page.fill("#program", "DPL")
    page.fill("#project", "NOPE")
    page.click("form.admin-form button[type=submit]")
    assert "has no project 'NOPE'" in page.inner_text("#project-error")
    page.fill("#project", "MOB")
    page.click("form.admin-form button[type=submit]")
    page.wait_for_url(f"{site}/admin/users/nina?done=granted&who=nina")
    grants = page.inner_text("table.grid >> nth=0")
    assert "member\tDPL\tMOB" in grants and "viewer\tOTH\tall of it" in grants
    assert serious_violations(page) == []
    shoot(page, "admin-user")

    nina = browser.new_page(viewport={"width": 1280, "height": 800})
    nina.goto(f"{site}/login")
    nina.fill("#username", "nina")
    nina.fill("#password", secret)
    nina.click("button[type=submit]")
    nina.wait_for_url(f"{site}/")
    assert nina.locator("a[href='/programs/DPL']").count() == 1
    assert nina.locator("a[href='/admin/users']").count() == 0


def test_the_audit_log_is_filtered_from_its_form(site, browser):
    page = logged_in(browser, site, "paula", "/programs/DPL/audit")
    assert page.locator("#older").count() == 1  # more than one page unfiltered
    page.select_option("#action", "created")
    page.select_option("#kind", "project")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**/programs/DPL/audit?*kind=project*")
    rows = page.locator("table.grid tbody tr")
    assert rows.count() == 5  # the sample's five projects, each created once
    for row in rows.all_inner_texts():
        assert "\tcreated\tproject\t" in row
    assert page.locator("#older").count() == 0
    assert serious_violations(page) == []
    shoot(page, "audit-filtered")
    page.fill("#from", "2026-02-01")
    page.fill("#to", "2026-01-01")
    page.click("form.filters button[type=submit]")
    assert "swap the two days" in page.inner_text("#to-error")


def test_a_viewer_finds_no_admin_link_and_is_refused_the_admin_pages(site, browser):
    page = logged_in(browser, site, "victor", "/programs/DPL")
    assert page.locator("a[href='/admin/users']").count() == 0
    answer = page.goto(f"{site}/admin/users")
    assert answer is not None and answer.status == 403
    assert page.inner_text("h1") == "Forbidden"
    assert "only an administrator" in page.inner_text("[role=alert]")
