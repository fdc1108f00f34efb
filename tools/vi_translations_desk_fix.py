"""Vietnamese for msgids added by the desk fixes of issue 17: landing pages after sign-in, the
desk overview, the admin area's refusal page, intake errors shown all at once with held files,
validation gaps, the online review page and the supplement answer deadline."""

VI: dict[str, str | list[str]] = {
    # Landing pages, the desk overview, the admin area (item 9)
    "Desk overview": "Tổng quan",
    "Overview": "Tổng quan",
    "You are signed in as:": "Bạn đăng nhập với vai trò:",
    "What you can open": "Các trang bạn được mở",
    "Your open steps, overdue first.": "Các bước hồ sơ bạn đang xử lý, hồ sơ quá hạn xếp trước.",
    "Receive a dossier at the desk or by post.": "Tiếp nhận hồ sơ tại quầy hoặc qua bưu chính.",
    "By code, applicant name, ID number or tax code.": (
        "Theo mã hồ sơ, tên người nộp, số định danh cá nhân hoặc mã số thuế."
    ),
    "The dossiers of your agencies that are late or close to their deadline.": (
        "Hồ sơ của các cơ quan bạn theo dõi đã quá hạn hoặc sắp đến hạn."
    ),
    "What applicants said about the service, on the five SIPAS factors.": (
        "Đánh giá của người nộp hồ sơ về chất lượng phục vụ, theo năm yếu tố của SIPAS."
    ),
    "Fees paid online, by day and status, against the gateway.": (
        "Phí, lệ phí nộp trực tuyến theo ngày và trạng thái, đối chiếu với cổng thanh toán."
    ),
    "Messages about your dossiers.": "Các thông báo về hồ sơ của bạn.",
    "Administration": "Quản trị hệ thống",
    "The catalog of procedures, agencies, accounts and the working calendar.": (
        "Danh mục thủ tục hành chính, cơ quan, tài khoản và lịch làm việc."
    ),
    "The administration area is for administrators": (
        "Khu vực quản trị chỉ dành cho quản trị viên"
    ),
    "You are signed in, but your account may not open the administration area: it is kept "
    "for the administrators who manage the catalog, the agencies and the accounts.": (
        "Bạn đã đăng nhập, nhưng tài khoản của bạn không được mở khu vực quản trị. Khu vực này "
        "dành cho quản trị viên quản lý danh mục thủ tục, cơ quan và tài khoản."
    ),
    "If your work needs it, ask your agency's administrator.": (
        "Nếu công việc cần, hãy liên hệ quản trị viên của cơ quan bạn."
    ),
    "Go to your desk": "Đến trang làm việc của bạn",
    "Go to your dossiers": "Đến hồ sơ của bạn",
    # Validation gaps (item 10) and words of errors (item 17)
    "“%(label)s” must be a whole number, e.g. 1.": "“%(label)s” phải là số nguyên, ví dụ 1.",
    "“%(label)s” must be a number, e.g. 120 or 2,5.": (
        "“%(label)s” phải là một số, ví dụ 120 hoặc 2,5."
    ),
    "“%(label)s” cannot be less than 0.": "“%(label)s” không được nhỏ hơn 0.",
    "“%(label)s” is at most %(max)s.": "“%(label)s” tối đa là %(max)s.",
    "Choose “%(label)s”.": "Vui lòng chọn “%(label)s”.",
    "At least 1.": "Ít nhất là 1.",
    "Only a number field has “integer” and “max”.": (
        "Chỉ trường kiểu số mới có “integer” và “max”."
    ),
    "The file “%(name)s” is for document number %(n)s, which the procedure's checklist does "
    "not have.": (
        "Tệp “%(name)s” được gắn với giấy tờ số %(n)s, nhưng danh mục giấy tờ của thủ tục không "
        "có giấy tờ này."
    ),
    "“%(name)s”: the number of originals is a whole number from 0 to %(max)d.": (
        "“%(name)s”: số bản chính là số nguyên từ 0 đến %(max)d."
    ),
    "“%(name)s”: the number of copies is a whole number from 0 to %(max)d.": (
        "“%(name)s”: số bản sao là số nguyên từ 0 đến %(max)d."
    ),
    # The online review page and the supplement answer deadline (item 14)
    "not chosen yet": "chưa chọn",
    "You can pay online once the dossier is submitted, or at the desk.": (
        "Bạn có thể thanh toán trực tuyến sau khi nộp hồ sơ, hoặc nộp tại Bộ phận Một cửa."
    ),
    "Send the supplements by %(when)s": "Hạn bổ sung: %(when)s",
    "Send the supplements by %(when)s.": "Vui lòng gửi giấy tờ bổ sung trước %(when)s.",
    "If they have not arrived by then, the agency may stop processing your dossier.": (
        "Nếu quá thời hạn này mà chưa nhận được, cơ quan giải quyết có thể dừng giải quyết hồ sơ "
        "của bạn."
    ),
    "Please send them by %(when)s. If they have not arrived by then, the agency may stop "
    "processing your dossier.": (
        "Vui lòng gửi giấy tờ bổ sung trước %(when)s. Nếu quá thời hạn này mà chưa nhận được, cơ "
        "quan giải quyết có thể dừng giải quyết hồ sơ của bạn."
    ),
    "Dossier %(code)s: supplements are needed by %(when)s. Handling is paused until you bring "
    "them. See your e-mail or the portal.": (
        "Hồ sơ %(code)s cần bổ sung giấy tờ trước %(when)s; thời hạn giải quyết tạm dừng đến khi "
        "bạn bổ sung. Xem chi tiết trên Cổng."
    ),
    # Desk intake: every problem at once, scans held across round trips (item 11)
    "Already attached (kept while you correct the form):": (
        "Tệp đã đính kèm (được giữ lại trong khi bạn sửa biểu mẫu):"
    ),
    "Remove “%(name)s”": "Bỏ tệp “%(name)s”",
    "A file ticked for removal is left out when you send the form. Choose more files below to "
    "add them.": (
        "Tệp được đánh dấu bỏ sẽ không được gửi kèm khi bạn gửi biểu mẫu. Chọn thêm tệp ở dưới "
        "nếu cần."
    ),
    "Keyboard shortcuts (Alt, or Alt+Shift in Firefox): T find a dossier, V my work.": (
        "Phím tắt (Alt, hoặc Alt+Shift trên Firefox): T tìm hồ sơ, V việc của tôi."
    ),
    "Keyboard shortcut (Alt, or Alt+Shift in Firefox): T find a dossier.": (
        "Phím tắt (Alt, hoặc Alt+Shift trên Firefox): T tìm hồ sơ."
    ),
    # Radios and selects left empty say "choose" (item 17)
    "Choose whether the applicant is a person or an organisation.": (
        "Vui lòng chọn người nộp là cá nhân hay tổ chức."
    ),
    "Choose how the dossier came in.": "Vui lòng chọn hình thức nộp hồ sơ.",
    "Choose the desk that receives the dossier.": "Vui lòng chọn nơi tiếp nhận hồ sơ.",
    "Choose the agency that decides.": "Vui lòng chọn cơ quan giải quyết.",
}
