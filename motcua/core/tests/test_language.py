def test_vietnamese_whatever_the_browser_says(client, db):
    response = client.get("/linh-vuc/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "vi"
    assert "Thủ tục theo lĩnh vực" in response.content.decode()


def test_english_when_chosen(client, db):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/linh-vuc/"})
    assert response.status_code == 302
    response = client.get("/linh-vuc/")
    assert response["Content-Language"] == "en"
    assert "Procedures by field" in response.content.decode()


def test_unknown_language_cookie_falls_back_to_vietnamese(client, db):
    client.cookies["django_language"] = "xx"
    assert client.get("/linh-vuc/")["Content-Language"] == "vi"


def test_api_clients_may_ask_for_english(client, db):
    response = client.get(
        "/api/v1/calendar/days",
        {"from": "2026-03-14", "to": "2026-03-14"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response["Content-Language"] == "en"
    response = client.get("/api/v1/calendar/days", {"from": "2026-03-14", "to": "2026-03-14"})
    assert response["Content-Language"] == "vi"
