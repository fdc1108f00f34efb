"""Vietnamese for msgids added by the lead while integrating (menus, paying before acceptance,
the commune list of the applicant step, the fee on the desk's dossier page)."""

VI: dict[str, str | list[str]] = {
    "Satisfaction": "Mức độ hài lòng",
    "Switch": "Đổi",
    "Choose a commune of the province from the list, or none if the address is outside the "
    "province.": "Chọn xã, phường của tỉnh trong danh sách, hoặc để trống nếu địa chỉ ở ngoài tỉnh.",
    "Commune or ward (if your address is in the province)": (
        "Xã, phường (nếu địa chỉ của bạn ở trong tỉnh)"
    ),
    "Your commune or ward after the 2025 reorganisation. Procedures handled by every commune "
    "go to the one you choose.": (
        "Xã, phường của bạn sau sắp xếp đơn vị hành chính năm 2025. Thủ tục do cấp xã giải quyết "
        "sẽ được chuyển đến xã, phường bạn chọn."
    ),
    "— not in the province, or not chosen —": "— ngoài tỉnh hoặc chưa chọn —",
    "Not given yet: the desk gives it when it accepts the dossier.": (
        "Chưa cấp: bộ phận một cửa cấp mã khi tiếp nhận hồ sơ."
    ),
    "Back to the dossier": "Quay lại hồ sơ",
    "This procedure has a fee. You can pay it online now, with a bank card or a bank account.": (
        "Thủ tục này có phí, lệ phí. Bạn có thể thanh toán trực tuyến ngay bằng thẻ hoặc tài "
        "khoản ngân hàng."
    ),
    "The fee you paid and its receipt": "Phí, lệ phí đã nộp và biên lai",
    "Paid online: %(amount)s VND (%(ref)s, %(at)s)": (
        "Đã thanh toán trực tuyến: %(amount)s đồng (%(ref)s, %(at)s)"
    ),
    "Not paid online (from %(amount)s VND)": "Chưa thanh toán trực tuyến (từ %(amount)s đồng)",
    "No fee to pay online": "Không có phí, lệ phí thanh toán trực tuyến",
    "Fees not published": "Chưa công bố phí, lệ phí",
}
