"""Vietnamese translations of the documents helper's msgids (issue 17: receipt PIN and QR,
result signing, verification page). Same shape as tools/vi_translations.py."""

VI: dict[str, str | list[str]] = {
    # The printable receipt (desk): PIN and QR code.
    "QR code of the tracking page of this dossier": "Mã QR của trang tra cứu hồ sơ này",
    "Tracking PIN:": "Mã PIN tra cứu:",
    "Follow the dossier at %(url)s with its code and this PIN, or scan the QR code. Keep the "
    "PIN to yourself.": "Tra cứu hồ sơ tại %(url)s bằng mã hồ sơ và mã PIN này, hoặc quét mã "
    "QR. Giữ kín mã PIN.",
}
VI.update(
    {
        # The acceptance notification: the same words as the receipt and the tracking page.
        "To follow the dossier without signing in, use its code and this tracking PIN: "
        "%(pin)s. Keep the PIN to yourself.": "Để tra cứu hồ sơ mà không cần đăng nhập, hãy "
        "dùng mã hồ sơ và mã PIN tra cứu: %(pin)s. Không cho người khác biết mã PIN này.",
        "Dossier %(code)s received, result due %(when)s. Tracking PIN: %(pin)s.": "Hồ sơ "
        "%(code)s đã tiếp nhận, hẹn trả %(when)s. Mã PIN tra cứu: %(pin)s.",
    }
)
VI.update(
    {
        # Signing (documents.signing): one language at a time.
        "The file is not a PDF.": "Tệp không phải PDF.",
        "The PDF is damaged and cannot be read.": "Tệp PDF bị hỏng, không đọc được.",
        "The PDF is encrypted (password-protected) and cannot be signed.": "Tệp PDF được mã "
        "hóa (có mật khẩu), không ký được.",
        "The signing key file %(path)s cannot be read (%(error)s).": "Không đọc được tệp khóa "
        "ký %(path)s (%(error)s).",
        "Cannot open the signing key: wrong passphrase or damaged PKCS#12 file.": "Không mở "
        "được khóa ký: sai mật khẩu hoặc tệp PKCS#12 bị hỏng.",
        "The PKCS#11 module %(path)s is not found.": "Không tìm thấy thư viện PKCS#11 %(path)s.",
        "Wrong PIN for the signing token.": "Sai mã PIN của thiết bị ký.",
        "The signing token's PIN is locked.": "Thiết bị ký đã bị khóa mã PIN.",
        "The signing token “%(label)s” is not found.": "Không tìm thấy thiết bị ký “%(label)s”.",
        "The key or certificate “%(label)s” is not on the signing token.": "Không có khóa "
        "hoặc chứng thư số “%(label)s” trên thiết bị ký.",
        "The signature field “%(name)s” is already signed.": "Trường chữ ký “%(name)s” đã được ký.",
        "The PDF has no page that a signature could be placed on.": "Tệp PDF không có trang "
        "nào để đặt chữ ký.",
        "The PDF cannot be signed: its structure is damaged or it forbids any change.": "Không "
        "ký được tệp PDF này: cấu trúc tệp bị hỏng hoặc tệp không cho phép thay đổi.",
        "The time-stamping authority refused the request.": "Máy chủ cấp dấu thời gian từ "
        "chối yêu cầu.",
        "The time-stamping authority %(url)s cannot be reached or did not answer properly.": ""
        "Không kết nối được máy chủ cấp dấu thời gian %(url)s, hoặc máy chủ trả lời không "
        "đúng.",
        "The document could not be signed.": "Không ký được tài liệu.",
    }
)
VI.update(
    {
        # Verification (documents.verification): the answer in the page's language.
        "The file is too large to check.": "Tệp quá lớn để kiểm tra.",
        "The PDF is encrypted (password-protected); its signatures cannot be checked.": "Tệp "
        "PDF được mã hóa (có mật khẩu), không kiểm tra được chữ ký.",
        "The PDF has no digital signature.": "Tệp PDF không có chữ ký số.",
        "A digital signature is broken and cannot be checked.": "Chữ ký số bị hỏng, không "
        "kiểm tra được.",
        "The document was changed after it was signed.": "Tài liệu đã bị sửa đổi sau khi ký.",
        "The signer's certificate is not issued by a trusted authority, or has expired.": ""
        "Chứng thư số của người ký không do tổ chức được tin cậy cấp, hoặc đã hết hạn.",
        "After signing, allowed changes (form filling) were added; the signed content was not "
        "changed.": "Sau khi ký, tài liệu có thêm thay đổi được phép (điền biểu mẫu); nội dung "
        "đã ký không bị sửa.",
        "The timestamp is invalid or not trusted.": "Dấu thời gian không hợp lệ hoặc không "
        "được tin cậy.",
        "There is no file to check.": "Chưa có tệp để kiểm tra.",
    }
)
VI.update(
    {
        # The verification page: one verdict.
        "The document has no digital signature.": "Tài liệu không có chữ ký số.",
        "This file could not be checked.": "Không kiểm tra được tệp này.",
    }
)
VI.update(
    {
        # The result: checked at complete/approve, signed after, never returned unsigned.
        "The result file was refused: %(reason)s": "Tệp kết quả không được chấp nhận: %(reason)s",
        "The result must be a PDF file to be signed digitally: upload it as a PDF.": "Kết quả "
        "phải là tệp PDF để ký số: hãy tải lên bản PDF.",
        "The result could not be signed: %(reason)s": "Chưa ký số được kết quả: %(reason)s",
        "Dossier %(code)s: the result could not be signed digitally (%(reason)s). The system "
        "tries again; the result cannot be returned until it is signed.": "Hồ sơ %(code)s: chưa "
        "ký số được kết quả (%(reason)s). Hệ thống đang thử ký lại; chưa thể trả kết quả cho "
        "người nộp trước khi kết quả được ký.",
        "The result is not digitally signed yet, so it cannot be returned to the applicant. "
        "%(reason)s The system keeps trying to sign it; if this lasts, tell the leader of the "
        "deciding agency or the system administrator.": "Kết quả chưa được ký số nên chưa thể "
        "trả cho người nộp. %(reason)s Hệ thống đang tự động thử ký lại; nếu tình trạng này kéo "
        "dài, hãy báo lãnh đạo cơ quan giải quyết hoặc quản trị hệ thống.",
        "It is waiting for its signature.": "Kết quả đang chờ được ký.",
    }
)
VI.update(
    {
        # The desk: dossier page and notices.
        "The result is not digitally signed yet.": "Kết quả chưa được ký số.",
        "Result not signed": "Chưa ký số được kết quả",
    }
)
