def clean(text: str) -> str:
    return text.lower()


def normalize(text: str) -> str:
    return clean(text).replace("-", "_")
