import pytest


def test_home(client, catalog):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Thủ tục hành chính" in html  # Vietnamese by default
    assert "Xúc tiến thương mại" in html


def test_search_page_ignores_accents(client, catalog):
    html = client.get("/thu-tuc/", {"q": "dang ky khuyen mai"}).content.decode()
    assert "Đăng ký hoạt động khuyến mại" in html
    assert "Đăng ký khai sinh" not in html
    assert "Tìm thấy 1 thủ tục" in html


def test_search_without_results_says_so(client, catalog):
    html = client.get("/thu-tuc/", {"q": "xyzzy"}).content.decode()
    assert "Không có thủ tục nào phù hợp" in html


def test_filter_by_agency_and_field(client, catalog):
    html = client.get("/thu-tuc/", {"co-quan": "H11.05"}).content.decode()
    assert "Đăng ký hoạt động khuyến mại" in html and "Đăng ký khai sinh" not in html
    html = client.get("/thu-tuc/", {"linh-vuc": "ho-tich"}).content.decode()
    assert "Đăng ký khai sinh" in html and "Đăng ký hoạt động khuyến mại" not in html


def test_procedure_page(client, catalog):
    html = client.get("/thu-tuc/2.000004/").content.decode()
    assert "Thể lệ chương trình khuyến mại (Mẫu số 03)" in html
    assert "5 ngày làm việc" in html
    assert "Nghị định số 81/2018/NĐ-CP" in html
    assert "Phê duyệt, ký" in html
    assert "chưa được công bố" in html  # fees unknown


def test_same_day_procedure_page(client, catalog):
    html = client.get("/thu-tuc/1.001193/").content.decode()
    assert "trong ngày" in html
    assert "Miễn lệ phí" in html


def test_unknown_procedure_is_404(client, catalog):
    assert client.get("/thu-tuc/9.999999/").status_code == 404


@pytest.mark.parametrize("url", ["/co-quan/", "/linh-vuc/", "/dang-nhap/"])
def test_browse_pages(client, catalog, url):
    assert client.get(url).status_code == 200


def test_english_is_available(client, catalog):
    client.cookies["django_language"] = "en"
    html = client.get("/thu-tuc/").content.decode()
    assert "procedures found" in html or "procedure found" in html
