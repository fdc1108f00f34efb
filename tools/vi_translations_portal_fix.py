"""Vietnamese for the msgids of issue 17's portal fixes: tracking that cannot lock its owner
out, the fee page's PIN and quantities (pages, copies), the dossier named on the payment
pages, the folded menu of the header."""

VI: dict[str, str | list[str]] = {
    # Tracking and the fee page's unlock (portal/public_dossiers.py, views_pay.py)
    "Too many wrong attempts for this dossier code from your connection. Try again "
    "tomorrow, or ask the one-stop desk.": "Kết nối của bạn đã nhập sai quá nhiều lần cho mã "
    "hồ sơ này. Vui lòng thử lại vào ngày mai hoặc hỏi Bộ phận Một cửa.",
    "Too many wrong attempts were made for this dossier code today: until tomorrow it opens "
    "only with the PIN printed on your receipt.": "Hôm nay mã hồ sơ này đã bị nhập sai quá "
    "nhiều lần: đến ngày mai, chỉ tra cứu được bằng mã tra cứu in trên giấy tiếp nhận.",
    "The last digits of your phone show where the dossier is, but they do not open this "
    "page: it shows the applicant's name and the fee receipt.": "Bốn số cuối điện thoại chỉ "
    "dùng để xem hồ sơ đang ở đâu, không mở được trang này, vì trang này có tên người nộp và "
    "biên lai thu phí.",
    # Fees by quantity (payments/selectors.py, portal pay pages)
    "Enter the number of pages of the original document.": "Nhập số trang của bản chính.",
    "The number of pages must be from 1 to %(max)s.": "Số trang phải từ 1 đến %(max)s.",
    "Enter the number of copies.": "Nhập số bản sao.",
    "The number of copies must be from 1 to %(max)s.": "Số bản sao phải từ 1 đến %(max)s.",
    "Enter a whole number, for example %(example)s.": "Nhập một số nguyên, ví dụ %(example)s.",
    "Check the number of pages and copies.": "Vui lòng kiểm tra số trang và số bản sao.",
    "pages of the original": "số trang bản chính",
    "per page": "mỗi trang",
    "per copy": "mỗi bản",
    "%(amount)s VND × %(pages)s pages × %(copies)s copies": "%(amount)s đồng × %(pages)s "
    "trang × %(copies)s bản",
    "%(amount)s VND × %(copies)s copies": "%(amount)s đồng × %(copies)s bản",
    "At most %(cap)s VND per copy: %(cap)s VND × %(copies)s copies.": "Tối đa %(cap)s đồng "
    "mỗi bản: %(cap)s đồng × %(copies)s bản.",
    "Submitted on": "Ngày nộp",
    "Number of pages of the original document": "Số trang của bản chính",
    "A fee per page is counted on the pages of the original, for each copy.": "Phí tính theo "
    "trang được tính trên số trang của bản chính, cho mỗi bản sao.",
    "Only needed for a fee per page.": "Chỉ cần điền khi chọn phí tính theo trang.",
    "Number of copies": "Số bản sao",
    "How many copies you ask for.": "Số bản sao bạn đề nghị cấp.",
    "Only needed for a fee per page or per copy.": "Chỉ cần điền khi chọn phí tính theo trang "
    "hoặc theo bản.",
    "Your fee": "Số tiền phải nộp",
    "How the fee is computed": "Cách tính phí",
    "Computed as": "Cách tính",
    "Calculate again": "Tính lại",
    "Calculate the fee": "Tính số tiền",
    # The dossier named on the payment pages
    "%(procedure)s, dossier %(code)s": "%(procedure)s, hồ sơ %(code)s",
    "%(procedure)s, dossier submitted on %(day)s": "%(procedure)s, hồ sơ nộp ngày %(day)s",
    "The fee has been paid: %(dossier_name)s.": "Đã thanh toán phí, lệ phí: %(dossier_name)s.",
    "Dossier: %(dossier_name)s": "Hồ sơ: %(dossier_name)s",
    # The header
    "Menu": "Danh mục",
}
