import json


def test_list_has_the_contract_shape(client, catalog):
    response = client.get("/api/v1/procedures", {"q": "dang ky khuyen mai"})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    item = body["items"][0]
    assert item["code"] == "2.000004"
    assert item["name"].startswith("Đăng ký hoạt động khuyến mại")
    assert item["agency"] == {"code": "H11.05", "name": "Sở Công Thương"}
    assert item["field"] == "Xúc tiến thương mại"
    assert item["processing_time"] == {
        "amount": 5.0,
        "unit": "working_days",
        "note": "05 ngày làm việc",
    }


def test_list_filters_and_paginates(client, catalog):
    body = client.get("/api/v1/procedures", {"limit": 1, "offset": 1}).json()
    assert body["count"] == 2 and [i["code"] for i in body["items"]] == ["1.001193"]
    body = client.get("/api/v1/procedures", {"agency": "H11.05"}).json()
    assert [i["code"] for i in body["items"]] == ["2.000004"]
    body = client.get("/api/v1/procedures", {"field": "ho-tich"}).json()
    assert [i["code"] for i in body["items"]] == ["1.001193"]


def test_bad_paging_is_a_400_with_field_errors(client, catalog):
    response = client.get("/api/v1/procedures", {"limit": 0, "offset": -1})
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {"limit", "offset"}


def test_detail(client, catalog):
    body = client.get("/api/v1/procedures/2.000004").json()
    assert body["version"] == 1
    assert [d["name"] for d in body["documents"]][0].startswith("Đăng ký thực hiện")
    assert body["fees_known"] is False and body["fees"] == []
    assert [s["budget_hours"] for s in body["steps"]] == [4, 28, 4, 4]
    assert body["steps"][0]["agency"]["code"] == "H11.01.01"
    assert body["legal_basis"] == ["Nghị định số 81/2018/NĐ-CP"]


def test_detail_unknown_is_404(client, catalog):
    response = client.get("/api/v1/procedures/9.999999")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_agencies(client, agencies):
    body = client.get("/api/v1/agencies").json()
    codes = [a["code"] for a in body["items"]]
    assert codes == sorted(codes) and "H11.05" in codes
    trade = next(a for a in body["items"] if a["code"] == "H11.05")
    assert trade["parent"] == "H11" and trade["receiving_desk"] == "H11.01.01"


def test_openapi_documents_the_contract(client, db):
    doc = client.get("/api/v1/openapi.json").json()
    paths = set(doc["paths"])
    assert {
        "/api/v1/procedures",
        "/api/v1/procedures/{code}",
        "/api/v1/agencies",
        "/api/v1/calendar/deadline",
        "/api/v1/calendar/days",
        "/api/v1/auth/token",
    } <= paths


def test_token_flow(client, django_user_model, agencies):
    from motcua.accounts.api import role_grant
    from motcua.accounts.data import Role

    user = django_user_model.objects.create_user(username="desk", password="pw-12345-x")
    role_grant(user=user, role=Role.DESK_OFFICER, agency=agencies["center"])
    response = client.post(
        "/api/v1/auth/token",
        json.dumps({"username": "desk", "password": "pw-12345-x"}),
        content_type="application/json",
    )
    assert response.status_code == 200
    token = response.json()["token"]
    me = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200
    assert me.json()["roles"] == [{"role": "desk_officer", "agency": "H11.01.01"}]
    bad = client.get("/api/v1/auth/me", headers={"Authorization": "Bearer nope"})
    assert bad.status_code == 401


def test_wrong_password_is_refused(client, django_user_model, db):
    django_user_model.objects.create_user(username="desk", password="pw-12345-x")
    response = client.post(
        "/api/v1/auth/token",
        json.dumps({"username": "desk", "password": "wrong"}),
        content_type="application/json",
    )
    assert response.status_code == 403
    assert response.json()["code"] == "bad_credentials"


def test_missing_field_is_a_400(client, db):
    response = client.post(
        "/api/v1/auth/token", json.dumps({"username": "desk"}), content_type="application/json"
    )
    assert response.status_code == 400
    assert "password" in response.json()["errors"]
