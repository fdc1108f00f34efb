"""Vietnamese for the msgids of issue 17 items 16–17 (helper "catalog"): the catalog's internal
source note, the admin's and the API's titles, and Django's own messages that Django's
Vietnamese catalog lacks (listed in motcua/accounts/validators.py)."""

VI: dict[str, str | list[str]] = {
    "Internal note for catalog editors: where the facts of this version come from. Not shown "
    "on the portal or in the public API.": (
        "Ghi chú nội bộ cho người biên tập danh mục: thông tin của phiên bản này lấy từ đâu. "
        "Không hiển thị trên cổng dịch vụ công và API công khai."
    ),
    "published by": "người công bố",
    # Titles of the admin and of the API.
    "One-stop system administration — {province} province": (
        "Quản trị hệ thống Một cửa — tỉnh {province}"
    ),
    "One-stop system administration": "Quản trị hệ thống Một cửa",
    "Administration home": "Trang quản trị",
    "API of the administrative procedure information system of {province} province": (
        "API Hệ thống thông tin giải quyết thủ tục hành chính tỉnh {province}"
    ),
    # Django's own messages that Django's Vietnamese catalog lacks (motcua/accounts/django_vi.py).
    "This password is too short. It must contain at least %d character.": [
        "Mật khẩu này quá ngắn: mật khẩu phải có ít nhất %d ký tự."
    ],
    "Please submit at most %(num)d form.": ["Vui lòng gửi tối đa %(num)d biểu mẫu."],
    "Please submit at least %(num)d form.": ["Vui lòng gửi ít nhất %(num)d biểu mẫu."],
    "entry": ["mục"],
    "Please correct the error below.": ["Vui lòng sửa các lỗi bên dưới."],
    # django.contrib.auth
    "Conflicting form data submitted. Please try again.": (
        "Dữ liệu gửi lên không khớp nhau. Vui lòng thử lại."
    ),
    "Password-based authentication was disabled.": "Đã tắt đăng nhập bằng mật khẩu.",
    "Set password: %s": "Đặt mật khẩu: %s",
    "Reset password": "Đặt lại mật khẩu",
    "Set password": "Đặt mật khẩu",
    "Whether the user will be able to authenticate using a password or not. If disabled, they "
    "may still be able to authenticate using other backends, such as Single Sign-On or LDAP.": (
        "Người dùng có được đăng nhập bằng mật khẩu hay không. Nếu tắt, người dùng vẫn có thể "
        "đăng nhập bằng cách khác, như đăng nhập một lần (Single Sign-On) hoặc LDAP."
    ),
    "Password-based authentication": "Đăng nhập bằng mật khẩu",
    "Enabled": "Bật",
    "Disabled": "Tắt",
    "Raw passwords are not stored, so there is no way to see the user’s password.": (
        "Mật khẩu không được lưu ở dạng gốc nên không thể xem mật khẩu của người dùng."
    ),
    "Enable password-based authentication for this user by setting a password.": (
        "Đặt mật khẩu để người dùng này đăng nhập được bằng mật khẩu."
    ),
    "Enter a valid username. This value may contain only unaccented lowercase a-z and "
    "uppercase A-Z letters, numbers, and @/./+/-/_ characters.": (
        "Tên đăng nhập không hợp lệ: chỉ được dùng chữ cái không dấu a-z, A-Z, chữ số và các "
        "ký tự @ . + - _."
    ),
    # django.contrib.admin ("Breadcrumbs", "Skip to main content", "Error:" are translated in
    # the other tables, as the project uses them too)
    "Models in the %(name)s application": "Các mục trong %(name)s",
    "Select this object for an action - {}": "Chọn mục này để thực hiện thao tác - {}",
    "Model name": "Tên mục",
    "Add link": "Liên kết thêm mới",
    "Change or view list link": "Liên kết sửa hoặc xem danh sách",
    "After you’ve created a user, you’ll be able to edit more user options.": (
        "Sau khi tạo người dùng, bạn có thể sửa thêm các thông tin khác của người dùng."
    ),
    "This action will <strong>enable</strong> password-based authentication for this user.": (
        "Thao tác này sẽ <strong>bật</strong> đăng nhập bằng mật khẩu cho người dùng này."
    ),
    "Disable password-based authentication": "Tắt đăng nhập bằng mật khẩu",
    "Enable password-based authentication": "Bật đăng nhập bằng mật khẩu",
    "Hide counts": "Ẩn số lượng",
    "Show counts": "Hiện số lượng",
    "Toggle theme (current theme: auto)": "Đổi giao diện (đang dùng: tự động)",
    "Toggle theme (current theme: light)": "Đổi giao diện (đang dùng: sáng)",
    "Toggle theme (current theme: dark)": "Đổi giao diện (đang dùng: tối)",
    "Added:": "Đã thêm:",
    "Changed:": "Đã sửa:",
    "Deleted:": "Đã xóa:",
    "Forgotten your login credentials?": "Quên thông tin đăng nhập?",
    "Toggle navigation": "Ẩn/hiện danh mục",
    "Sidebar": "Thanh bên",
    "Filter navigation items": "Lọc các mục trong danh mục",
    "View selected %(model)s": "Xem %(model)s đã chọn",
    "In case you’ve forgotten, you are:": "Nếu bạn quên, tên đăng nhập của bạn là:",
    "Select all objects on this page for an action": (
        "Chọn tất cả các mục trên trang này để thực hiện thao tác"
    ),
    # django: forms, validators, model fields, pagination
    "That page number is not an integer": "Số trang không phải là số nguyên",
    "That page number is less than 1": "Số trang nhỏ hơn 1",
    "That page contains no results": "Trang này không có kết quả nào",
    "Enter a valid domain name.": "Hãy nhập một tên miền hợp lệ.",
    "Enter a valid “slug” consisting of letters, numbers, underscores or hyphens.": (
        "Hãy nhập một “slug” hợp lệ: chỉ gồm chữ cái không dấu, chữ số, dấu gạch dưới hoặc "
        "gạch ngang."
    ),
    "Enter a valid “slug” consisting of Unicode letters, numbers, underscores, or hyphens.": (
        "Hãy nhập một “slug” hợp lệ: chỉ gồm chữ cái, chữ số, dấu gạch dưới hoặc gạch ngang."
    ),
    "Enter a valid %(protocol)s address.": "Hãy nhập một địa chỉ %(protocol)s hợp lệ.",
    "Ensure this value is a multiple of step size %(limit_value)s.": (
        "Giá trị phải là bội số của %(limit_value)s."
    ),
    "Ensure this value is a multiple of step size %(limit_value)s, starting from %(offset)s, "
    "e.g. %(offset)s, %(valid_value1)s, %(valid_value2)s, and so on.": (
        "Giá trị phải bắt đầu từ %(offset)s và tăng theo bước %(limit_value)s, ví dụ "
        "%(offset)s, %(valid_value1)s, %(valid_value2)s…"
    ),
    "File extension “%(extension)s” is not allowed. Allowed extensions are: "
    "%(allowed_extensions)s.": (
        "Không nhận tệp có đuôi “%(extension)s”. Các đuôi tệp được nhận: %(allowed_extensions)s."
    ),
    "Null characters are not allowed.": "Nội dung có ký tự không hợp lệ (ký tự null).",
    "Constraint “%(name)s” is violated.": "Dữ liệu vi phạm ràng buộc “%(name)s”.",
    "“%(value)s” value must be either True or False.": (
        "Giá trị “%(value)s” phải là Đúng hoặc Sai."
    ),
    "“%(value)s” value must be either True, False, or None.": (
        "Giá trị “%(value)s” phải là Đúng, Sai hoặc để trống."
    ),
    "“%(value)s” value has an invalid date format. It must be in YYYY-MM-DD format.": (
        "Giá trị “%(value)s” không đúng định dạng ngày (năm-tháng-ngày, YYYY-MM-DD)."
    ),
    "“%(value)s” value has the correct format (YYYY-MM-DD) but it is an invalid date.": (
        "Giá trị “%(value)s” đúng định dạng (YYYY-MM-DD) nhưng không phải là ngày có thật."
    ),
    "“%(value)s” value has an invalid format. It must be in YYYY-MM-DD HH:MM[:ss[.uuuuuu]][TZ] "
    "format.": (
        "Giá trị “%(value)s” không đúng định dạng ngày giờ (YYYY-MM-DD HH:MM[:ss[.uuuuuu]][TZ])."
    ),
    "“%(value)s” value has the correct format (YYYY-MM-DD HH:MM[:ss[.uuuuuu]][TZ]) but it is an "
    "invalid date/time.": (
        "Giá trị “%(value)s” đúng định dạng (YYYY-MM-DD HH:MM[:ss[.uuuuuu]][TZ]) nhưng không "
        "phải là ngày giờ có thật."
    ),
    "“%(value)s” value must be a decimal number.": "Giá trị “%(value)s” phải là một số thập phân.",
    "“%(value)s” value has an invalid format. It must be in [DD] [[HH:]MM:]ss[.uuuuuu] format.": (
        "Giá trị “%(value)s” không đúng định dạng khoảng thời gian ([DD] [[HH:]MM:]ss[.uuuuuu])."
    ),
    "“%(value)s” value must be a float.": "Giá trị “%(value)s” phải là một số thực.",
    "“%(value)s” value must be an integer.": "Giá trị “%(value)s” phải là một số nguyên.",
    "“%(value)s” value must be either None, True or False.": (
        "Giá trị “%(value)s” phải là Đúng, Sai hoặc để trống."
    ),
    "“%(value)s” value has an invalid format. It must be in HH:MM[:ss[.uuuuuu]] format.": (
        "Giá trị “%(value)s” không đúng định dạng giờ (HH:MM[:ss[.uuuuuu]])."
    ),
    "“%(value)s” value has the correct format (HH:MM[:ss[.uuuuuu]]) but it is an invalid time.": (
        "Giá trị “%(value)s” đúng định dạng (HH:MM[:ss[.uuuuuu]]) nhưng không phải là giờ có thật."
    ),
    "“%(value)s” is not a valid UUID.": "“%(value)s” không phải là mã định danh (UUID) hợp lệ.",
    "Value must be valid JSON.": "Giá trị phải là dữ liệu JSON hợp lệ.",
    "%(model)s instance with %(field)s %(value)r is not a valid choice.": (
        "Không có %(model)s nào có %(field)s là %(value)r để chọn."
    ),
    "Enter a valid duration.": "Hãy nhập một khoảng thời gian hợp lệ.",
    "The number of days must be between {min_days} and {max_days}.": (
        "Số ngày phải trong khoảng từ {min_days} đến {max_days}."
    ),
    "Enter a complete value.": "Hãy nhập đầy đủ giá trị.",
    "Enter a valid UUID.": "Mã định danh (UUID) không hợp lệ.",
    "Enter a valid JSON.": "Dữ liệu JSON không hợp lệ.",
    "ManagementForm data is missing or has been tampered with. Missing fields: %(field_names)s. "
    "You may need to file a bug report if the issue persists.": (
        "Dữ liệu quản lý của biểu mẫu bị thiếu hoặc đã bị sửa. Các trường bị thiếu: "
        "%(field_names)s. Nếu lỗi vẫn lặp lại, hãy báo cho quản trị hệ thống."
    ),
    "The inline value did not match the parent instance.": (
        "Giá trị của dòng con không khớp với bản ghi cha."
    ),
    "“%(pk)s” is not a valid value.": "“%(pk)s” không phải là giá trị hợp lệ.",
    "%(datetime)s couldn’t be interpreted in time zone %(current_timezone)s; it may be ambiguous "
    "or it may not exist.": (
        "Không xác định được thời điểm %(datetime)s theo múi giờ %(current_timezone)s: thời "
        "điểm này có thể không rõ ràng hoặc không tồn tại."
    ),
    "This is not a valid IPv6 address.": "Đây không phải là địa chỉ IPv6 hợp lệ.",
    # The CSRF failure page.
    "Forbidden": "Không được phép",
    "CSRF verification failed. Request aborted.": (
        "Không xác minh được biểu mẫu (CSRF), yêu cầu đã bị hủy. Hãy tải lại trang rồi gửi lại."
    ),
    "You are seeing this message because this HTTPS site requires a “Referer header” to be sent "
    "by your web browser, but none was sent. This header is required for security reasons, to "
    "ensure that your browser is not being hijacked by third parties.": (
        "Bạn thấy thông báo này vì trang HTTPS này cần trình duyệt gửi kèm tiêu đề “Referer” "
        "nhưng trình duyệt đã không gửi. Tiêu đề này cần thiết vì lý do an ninh, để bảo đảm "
        "trình duyệt của bạn không bị bên thứ ba chiếm quyền điều khiển."
    ),
    "If you have configured your browser to disable “Referer” headers, please re-enable them, at "
    "least for this site, or for HTTPS connections, or for “same-origin” requests.": (
        "Nếu bạn đã tắt tiêu đề “Referer” trong trình duyệt, hãy bật lại, ít nhất cho trang này, "
        "cho các kết nối HTTPS hoặc cho các yêu cầu “same-origin”."
    ),
    'If you are using the <meta name="referrer" content="no-referrer"> tag or including the '
    "“Referrer-Policy: no-referrer” header, please remove them. The CSRF protection requires the "
    "“Referer” header to do strict referer checking. If you’re concerned about privacy, use "
    'alternatives like <a rel="noreferrer" …> for links to third-party sites.': (
        'Nếu bạn dùng thẻ <meta name="referrer" content="no-referrer"> hoặc tiêu đề '
        "“Referrer-Policy: no-referrer”, hãy bỏ chúng đi. Cơ chế chống giả mạo yêu cầu (CSRF) "
        "cần tiêu đề “Referer” để kiểm tra chặt chẽ. Nếu bạn lo ngại về quyền riêng tư, hãy "
        'dùng cách khác như <a rel="noreferrer" …> cho các liên kết tới trang bên ngoài.'
    ),
    "You are seeing this message because this site requires a CSRF cookie when submitting forms. "
    "This cookie is required for security reasons, to ensure that your browser is not being "
    "hijacked by third parties.": (
        "Bạn thấy thông báo này vì trang này cần cookie CSRF khi gửi biểu mẫu. Cookie này cần "
        "thiết vì lý do an ninh, để bảo đảm trình duyệt của bạn không bị bên thứ ba chiếm quyền "
        "điều khiển."
    ),
    "If you have configured your browser to disable cookies, please re-enable them, at least for "
    "this site, or for “same-origin” requests.": (
        "Nếu bạn đã tắt cookie trong trình duyệt, hãy bật lại, ít nhất cho trang này hoặc cho "
        "các yêu cầu “same-origin”."
    ),
    "More information is available with DEBUG=True.": (
        "Quản trị hệ thống có thể xem thêm thông tin khi bật DEBUG=True."
    ),
}
