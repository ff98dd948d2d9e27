"""What dbt's cross-database macros render to, for sqlfluff's jinja templater (`.sqlfluff`):
the linter sees portable SQL of the same shape as dbt's default__ versions."""


def type_string() -> str:
    return "varchar"


def type_float() -> str:
    return "float"


def type_int() -> str:
    return "integer"


def dateadd(datepart: str, interval: object, from_date_or_timestamp: str) -> str:
    return f"{from_date_or_timestamp} + interval '{interval} {datepart}'"


def datediff(first_date: str, second_date: str, datepart: str) -> str:
    return f"extract({datepart} from {second_date} - {first_date})"


def listagg(
    measure: str, delimiter_text: str = "','", order_by_clause: str | None = None, limit_num=None
) -> str:
    return f"string_agg({measure}, {delimiter_text})"
