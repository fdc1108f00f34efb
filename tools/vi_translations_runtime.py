"""Vietnamese translations: error responses of the API and the busy-database page (issue 17
items 2 and 19; core/http_errors.py, rest/errors.py, rest/auth.py, templates/503.html)."""

VI: dict[str, str | list[str]] = {
    "The request could not be read.": "Không đọc được yêu cầu.",
    "Authentication required: send a bearer token or sign in.": (
        "Cần xác thực: gửi mã truy cập (bearer token) hoặc đăng nhập."
    ),
    "You may not do this.": "Bạn không có quyền thực hiện thao tác này.",
    "There is nothing at this address.": "Không có gì ở địa chỉ này.",
    "This address does not accept this method.": "Địa chỉ này không nhận phương thức này.",
    "This address cannot answer in the format asked for.": (
        "Địa chỉ này không trả lời được theo định dạng được yêu cầu."
    ),
    "The request is too large.": "Yêu cầu quá lớn.",
    "This address does not accept this content type.": (
        "Địa chỉ này không nhận kiểu nội dung này."
    ),
    "Too many requests: wait a little and try again.": (
        "Quá nhiều yêu cầu: vui lòng chờ một lát rồi thử lại."
    ),
    "An unexpected error occurred. It was logged; try again later.": (
        "Đã xảy ra lỗi ngoài dự kiến. Lỗi đã được ghi lại; vui lòng thử lại sau."
    ),
    "The service is unavailable for a moment; try again later.": (
        "Dịch vụ tạm thời không phục vụ được; vui lòng thử lại sau."
    ),
    "The system is busy: nothing was saved. Try again in %(seconds)d seconds.": (
        "Hệ thống đang bận: chưa có gì được lưu. Vui lòng thử lại sau %(seconds)d giây."
    ),
    "The system is busy": "Hệ thống đang bận",
    "Nothing was saved. Wait %(seconds)d seconds and try again.": (
        "Chưa có gì được lưu. Vui lòng chờ %(seconds)d giây rồi thử lại."
    ),
    "The request body is larger than %(mb)d MB.": ("Nội dung yêu cầu lớn hơn %(mb)d MB."),
    "The request body could not be read (a multipart body needs its boundary in the "
    "Content-Type header).": (
        "Không đọc được nội dung yêu cầu (nội dung multipart cần có boundary trong tiêu đề "
        "Content-Type)."
    ),
    "The request body is not valid JSON.": "Nội dung yêu cầu không phải JSON hợp lệ.",
    "Invalid input.": "Dữ liệu gửi lên không hợp lệ.",
    "The request was refused: the CSRF token is missing or wrong. Send it with a signed-in "
    "session, or authenticate with a bearer token.": (
        "Yêu cầu bị từ chối: thiếu mã CSRF hoặc mã không đúng. Hãy gửi kèm mã CSRF khi dùng "
        "phiên đăng nhập, hoặc xác thực bằng mã truy cập (bearer token)."
    ),
    "Too many requests arrived at the same moment, so yours could not be handled. Nothing "
    "was saved.": (
        "Có quá nhiều yêu cầu gửi đến cùng lúc nên yêu cầu của bạn chưa được xử lý. Chưa có "
        "gì được lưu."
    ),
    "Wait %(seconds)s seconds, then go back to the previous page and send it again.": (
        "Vui lòng chờ %(seconds)s giây, rồi quay lại trang trước và gửi lại."
    ),
}
