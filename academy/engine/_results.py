"""The base of every engine result: frozen, and round-trips through plain JSON-able dicts."""

from __future__ import annotations

from typing import Any, Self

from pydantic import BaseModel, ConfigDict


class Result(BaseModel):
    """Frozen; ``to_dict`` gives plain JSON types, ``from_dict`` validates what comes back from storage."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Self:
        return cls.model_validate(data)
