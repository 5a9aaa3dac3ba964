"""Every screen a user meets is Chinese (FAB's untranslated strings are filled by our catalogue)."""

from __future__ import annotations

import re

import pytest

ENGLISH = ["Sign In", "Username", "Password", "List ", "Add Filter", "Record Count", "Search", "Actions",
           "Are you sure", "Cancel", "No records", "Edit ", "Show ", "Delete", "Back", "Save", "Select a"]


def _visible_text(html: str) -> str:
    html = re.sub(r"<script.*?</script>|<style.*?</style>|<!--.*?-->", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def test_login_page_is_chinese(client):
    page = client.get("/login/").get_data(as_text=True)
    assert '<html lang="zh-CN">' in page
    text = _visible_text(page)
    assert "用户名" in text and "密码" in text and "登录" in text
    for word in ("Sign In", "Username", "Password"):
        assert word not in text


@pytest.mark.parametrize("url", ["/", "/inspectionview/list/", "/inspectionview/add", "/unitview/list/",
                                 "/clueview/list/", "/deadlineview/list/", "/todo/"])
def test_screens_have_no_english(app, login, url):
    text = _visible_text(login("admin").get(url).get_data(as_text=True))
    found = [w for w in ENGLISH if w in text]
    assert not found, f"{url} 含英文：{found}"


def test_required_field_message_is_chinese(login):
    page = login("admin").post("/unitview/add", data={"name": ""}).get_data(as_text=True)
    assert "该字段是必填字段" in page
