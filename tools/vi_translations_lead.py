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
    "This national e-ID is already linked to another account. Sign in with the e-ID to use "
    "that account, or ask the help desk to merge the two.": (
        "Tài khoản định danh điện tử này đã được liên kết với một tài khoản khác. Hãy đăng nhập "
        "bằng định danh điện tử để dùng tài khoản đó, hoặc đề nghị bộ phận hỗ trợ gộp hai tài "
        "khoản."
    ),
    "Your account is already linked to another national e-ID.": (
        "Tài khoản của bạn đã được liên kết với một tài khoản định danh điện tử khác."
    ),
    "Sign in to your account again, then link the national e-ID.": (
        "Hãy đăng nhập lại tài khoản của bạn rồi liên kết định danh điện tử."
    ),
    "Your account is now linked to the national e-ID.": (
        "Tài khoản của bạn đã được liên kết với định danh điện tử quốc gia."
    ),
    "Linking the national e-ID did not work": "Liên kết định danh điện tử không thành công",
    "Back to your account": "Quay lại tài khoản của bạn",
    "Link your %(oidc_name)s account": "Liên kết tài khoản %(oidc_name)s",
    "Then you can also sign in with %(oidc_name)s and reach the same dossiers; your name, ID "
    "number and date of birth are taken from it.": (
        "Sau đó bạn có thể đăng nhập bằng %(oidc_name)s và xem cùng các hồ sơ; họ tên, số định "
        "danh và ngày sinh sẽ được lấy theo %(oidc_name)s."
    ),
    "Link with %(oidc_name)s": "Liên kết với %(oidc_name)s",
    "Pages of the overdue dossiers": "Các trang hồ sơ quá hạn",
    "Pages of the dossiers due soon": "Các trang hồ sơ sắp đến hạn",
    "the appointment time has passed": "đã quá thời điểm hẹn",
    "Overdue (more than %(cap)s)": "Quá hạn (hơn %(cap)s)",
    "Due soon (more than %(cap)s)": "Sắp đến hạn (hơn %(cap)s)",
    "Apology due soon if late": "Sắp hết hạn gửi thư xin lỗi nếu trễ hạn",
    (
        "Dossier %(code)s is due on %(due)s. If it cannot be resolved by then, send the "
        "apology and new appointment (form 04) before %(last)s."
    ): (
        "Hồ sơ %(code)s có hẹn trả kết quả lúc %(due)s. Nếu không thể giải quyết đúng hạn, "
        "hãy gửi văn bản xin lỗi và hẹn lại ngày trả kết quả (Mẫu 04) trước %(last)s."
    ),
}
