from ninja import Schema


class ErrorOut(Schema):
    detail: str
    code: str
    errors: dict[str, list[str]]
